"""Age in whole years on a date, as an ORM expression both databases compute, and the age
bands of the report (domain.md groups job-loss recipients 20-34, 35-49, 50-63)."""

from django.db.models import Case, IntegerField, Q, Value, When
from django.db.models.expressions import Combinable
from django.db.models.functions import ExtractDay, ExtractMonth, ExtractYear
from django.utils.translation import gettext_lazy as _

AGE_BANDS: tuple[tuple[int, int | None], ...] = ((0, 20), (20, 35), (35, 50), (50, 64), (64, None))


def age_band_label(index: int) -> str:
    lower, upper = AGE_BANDS[index]
    if upper is None:
        return str(_("%(lower)s and older") % {"lower": lower})
    if lower == 0:
        return str(_("under %(upper)s") % {"upper": upper})
    return f"{lower}–{upper - 1}"


def age_on(on: str, birth: str) -> Combinable:
    """Years from ``birth`` to ``on`` (field paths), less one before the birthday."""
    before_birthday = Q(**{f"{on}__month__lt": ExtractMonth(birth)}) | Q(
        **{f"{on}__month": ExtractMonth(birth), f"{on}__day__lt": ExtractDay(birth)}
    )
    return (
        ExtractYear(on)
        - ExtractYear(birth)
        - Case(When(before_birthday, then=Value(1)), default=Value(0), output_field=IntegerField())
    )


def age_band(age: str) -> Case:
    """The band index of an annotated age."""
    return Case(
        *(
            When(**{f"{age}__lt": upper}, then=Value(index))
            for index, (_lower, upper) in enumerate(AGE_BANDS)
            if upper is not None
        ),
        default=Value(len(AGE_BANDS) - 1),
        output_field=IntegerField(),
    )
