"""Months as the API and the staff pages write them (``YYYY-MM``)."""

import re
from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _

from contributions.calculations import FIRST_PERIOD
from contributions.exceptions import PeriodInvalid
from gfss.common.display import month as month_text
from gfss.common.periods import add_months, month_start, parse_period

# A month asked for lies between the first month of contributions and a year from now: a
# statement or a report for year 1 or 9999 is a typing error, not a request.
MONTHS_AHEAD = 12


def period_from_text(text: str, *, field: str) -> date:
    """``2024-05`` to 2024-05-01; ``PeriodInvalid`` (HTTP 400, ``period_invalid``) otherwise."""
    try:
        period = parse_period(text.strip())
    except ValueError:
        raise PeriodInvalid(
            _("%(field)s=%(text)s is not a month written as YYYY-MM.")
            % {"field": field, "text": text[:20]}
        ) from None
    return period_in_window(period, field=field, text=text[:20])


def period_in_window(period: date, *, field: str, text: str = "") -> date:
    """``period`` when it lies between the first month of contributions and a year from now;
    ``PeriodInvalid`` naming the window otherwise (``text``: the month as it was asked)."""
    latest = add_months(month_start(timezone.localdate()), MONTHS_AHEAD)
    if not FIRST_PERIOD <= period <= latest:
        raise PeriodInvalid(
            _("%(field)s=%(text)s: give a month from %(first)s to %(last)s.")
            % {
                "field": field,
                "text": text or f"{period.year:04d}-{period.month:02d}",
                "first": f"{FIRST_PERIOD:%Y-%m}",
                "last": f"{latest:%Y-%m}",
            }
        )
    return period


def period_range_from_text(
    first: str | None, last: str | None, *, default: tuple[date, date]
) -> tuple[date, date]:
    """The ``from``/``to`` pair of a request, each optional; ``from`` after ``to`` is an error."""
    start = period_from_text(first, field="from") if first else default[0]
    end = period_from_text(last, field="to") if last else default[1]
    if start > end:
        raise PeriodInvalid(
            _("from=%(first)s is after to=%(last)s.")
            % {"first": f"{start:%Y-%m}", "last": f"{end:%Y-%m}"}
        )
    return start, end


# The staff pages write a month as 10.2026 (gfss.common.display.month).
_STAFF_MONTH = re.compile(r"^(\d{1,2})\.(\d{4})$")


def staff_month_example() -> str:
    """The current month as the staff pages write it: the example a month field shows."""
    return month_text(month_start(timezone.localdate()))


def period_from_staff_text(text: str) -> date:
    """A month typed on a staff page, ``05.2024`` as the pages write months (``2024-05``, as
    links and the API write it, is read too); ``PeriodInvalid`` in the user's words otherwise."""
    text = text.strip()
    match = _STAFF_MONTH.match(text)
    try:
        return period_from_text(f"{match[2]}-{int(match[1]):02d}" if match else text, field="")
    except PeriodInvalid:
        latest = add_months(month_start(timezone.localdate()), MONTHS_AHEAD)
        raise PeriodInvalid(
            _("%(text)s is not a month from %(first)s to %(last)s: write it as %(example)s.")
            % {
                "text": text[:20],
                "first": month_text(FIRST_PERIOD),
                "last": month_text(latest),
                "example": staff_month_example(),
            }
        ) from None
