"""Sane windows for the dates people type: a year 1 or 9999 is refused where it is entered,
before any month arithmetic overflows on it."""

from dataclasses import dataclass
from datetime import date

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class DateWindow:
    """A validator (forms and serializers): from ``earliest`` to today + ``years_ahead``."""

    earliest: date
    years_ahead: int = 0

    def latest(self) -> date:
        return timezone.localdate() + relativedelta(years=self.years_ahead)

    def __call__(self, value: date) -> None:
        latest = self.latest()
        if not self.earliest <= value <= latest:
            raise ValidationError(
                _("Enter a date from %(earliest)s to %(latest)s.")
                % {"earliest": date_format(self.earliest), "latest": date_format(latest)},
                code="date_out_of_range",
            )
