"""Money paid out, from the payments summary (``reporting.summaries`` reads the payment lines
of the payment runs).

Paid in a year means made by a run of one of its months (the cash view of the annual report),
whatever month the line pays for; gross includes the pension contribution withheld.
"""

from decimal import Decimal

from django.db.models import QuerySet, Sum

from gfss.common.money import ZERO
from reporting.filters import ReportFilters
from reporting.indicators.sql import decimal
from reporting.models import PaidSummary

Key = tuple[str, int | None, str, int]  # benefit, region id, sex, age band


def _paid(filters: ReportFilters) -> QuerySet[PaidSummary]:
    summaries = PaidSummary.objects.filter(period__gte=filters.first, period__lt=filters.end)
    if filters.region is not None:
        summaries = summaries.filter(region=filters.region)
    if filters.benefit:
        summaries = summaries.filter(benefit=filters.benefit)
    return summaries


def paid_by_group(filters: ReportFilters) -> dict[Key, dict[str, Decimal]]:
    rows = (
        _paid(filters)
        .values("benefit", "region_id", "sex", "band")
        .annotate(gross=Sum("gross", default=ZERO), net=Sum("net", default=ZERO))
    )
    return {
        (row["benefit"], row["region_id"], row["sex"], row["band"]): {
            "gross": decimal(row["gross"]),
            "net": decimal(row["net"]),
        }
        for row in rows
    }
