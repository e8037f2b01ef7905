"""The filters every report takes: a year, a region, a benefit, checked against what exists
and against what the user may see."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from benefits.models import BenefitType
from gfss.common.exceptions import ApplicationError
from gfss.org.actors import Reader
from gfss.org.models import Region
from reporting.access import report_region_limit

# Compulsory social insurance began in 2005: no report can be for an earlier year.
FIRST_YEAR = 2005


class ReportFilterInvalid(ApplicationError):
    def __init__(self, message: str, *, field: str, value: str) -> None:
        super().__init__(
            message, code="report_filter_invalid", extra={"field": field, "value": value}
        )


@dataclass(frozen=True)
class ReportFilters:
    year: int
    region: Region | None = None
    benefit: str | None = None

    @property
    def first(self) -> date:
        return date(self.year, 1, 1)

    @property
    def end(self) -> date:
        """The first day after the year (intervals are half-open)."""
        return date(self.year + 1, 1, 1)

    @property
    def last_day(self) -> date:
        return date(self.year, 12, 31)

    def query(self) -> dict[str, str]:
        """The filters as query parameters, for export links."""
        params = {"year": str(self.year)}
        if self.region is not None:
            params["region"] = self.region.code
        if self.benefit:
            params["benefit"] = self.benefit
        return params


def _year(text: str, *, today: date) -> int:
    if not text:
        return today.year
    if not text.isdigit() or not FIRST_YEAR <= int(text) <= today.year:
        raise ReportFilterInvalid(
            _("The year must be a number from %(first)s to %(last)s.")
            % {"first": FIRST_YEAR, "last": today.year},
            field="year",
            value=text,
        )
    return int(text)


def _region(text: str, *, limit: Region | None) -> Region | None:
    if not text:
        return limit
    region = Region.objects.filter(code=text).first()
    if region is None:
        raise ReportFilterInvalid(
            _("There is no region with the code %(code)s.") % {"code": text},
            field="region",
            value=text,
        )
    if limit is not None and region.pk != limit.pk:
        raise ReportFilterInvalid(
            _("You may see the reports of your own branch's region only."),
            field="region",
            value=text,
        )
    return region


def _benefit(text: str) -> str | None:
    if not text:
        return None
    if text not in BenefitType.values:
        raise ReportFilterInvalid(
            _("There is no benefit %(benefit)s.") % {"benefit": text},
            field="benefit",
            value=text,
        )
    return text


def report_filters_parse(
    query: Any, *, user: Reader, today: date | None = None, benefit: bool = True
) -> ReportFilters:
    """``query`` is a request's GET (or any mapping); raises ``ReportFilterInvalid``."""
    today = today or timezone.localdate()
    limit = report_region_limit(user=user)
    return ReportFilters(
        year=_year(str(query.get("year", "")).strip(), today=today),
        region=_region(str(query.get("region", "")).strip(), limit=limit),
        benefit=_benefit(str(query.get("benefit", "")).strip()) if benefit else None,
    )
