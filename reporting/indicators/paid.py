"""Money paid out, read from the payment lines of the payment runs: the one place reporting
reads ``payouts``, so that a change in how payments are kept is one module's change.

Paid in a year means made by a run of one of its months (the cash view of the annual report),
whatever month the line pays for; gross includes the pension contribution withheld.
"""

from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db.models import Count, Sum

from gfss.common.money import ZERO
from payouts.models import Payment
from reporting.filters import ReportFilters
from reporting.indicators.ages import age_band, age_on
from reporting.indicators.sql import decimal

Key = tuple[str, int | None, str, int]  # benefit, region id, sex, age band


def paid_by_group(filters: ReportFilters) -> dict[Key, dict[str, Decimal | int]]:
    payments = Payment.objects.filter(run__period__gte=filters.first, run__period__lt=filters.end)
    if filters.region is not None:
        payments = payments.filter(award__branch__region=filters.region)
    if filters.benefit:
        payments = payments.filter(benefit=filters.benefit)
    rows = (
        payments.annotate(age=age_on("award__right_date", "award__person__birth_date"))
        .annotate(band=age_band("age"))
        .values("benefit", "award__branch__region_id", "award__person__sex", "band")
        .annotate(
            gross=Sum("gross", default=ZERO),
            net=Sum("net", default=ZERO),
            lines=Count("id"),
            persons=Count("award__person_id", distinct=True),
        )
    )
    result: dict[Key, dict[str, Any]] = defaultdict(dict)
    for row in rows:
        key = (
            row["benefit"],
            row["award__branch__region_id"],
            row["award__person__sex"],
            row["band"],
        )
        result[key] = {
            "gross": decimal(row["gross"]),
            "net": decimal(row["net"]),
            "lines": row["lines"],
            "persons": row["persons"],
        }
    return result


def paid_by_month(filters: ReportFilters) -> dict[Any, dict[str, Decimal]]:
    """Run month to gross and net paid, for the time series."""
    payments = Payment.objects.filter(run__period__gte=filters.first, run__period__lt=filters.end)
    if filters.region is not None:
        payments = payments.filter(award__branch__region=filters.region)
    if filters.benefit:
        payments = payments.filter(benefit=filters.benefit)
    rows = payments.values("run__period").annotate(
        gross=Sum("gross", default=ZERO), net=Sum("net", default=ZERO)
    )
    return {
        row["run__period"]: {"gross": decimal(row["gross"]), "net": decimal(row["net"])}
        for row in rows
    }
