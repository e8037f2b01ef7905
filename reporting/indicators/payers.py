"""Payers: penalty arrears by region, and the monitoring of payers whose participants fell by
half or more, month by month (domain.md), through the contributions app's selectors."""

from collections import defaultdict
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from contributions.models import ContributionLine
from contributions.selectors import MONITORING_MIN_PARTICIPANTS, payers_in_arrears
from gfss.common.money import ZERO
from gfss.common.periods import add_months, month_start
from gfss.org.models import Region
from reporting.filters import ReportFilters
from reporting.indicators.sql import decimal
from reporting.tables import COUNT, MONEY, TEXT, ChartSpec, Column, Table


def arrears_by_region(filters: ReportFilters, *, user: Any) -> list[dict[str, Any]]:
    """Payers owing penalties today, by region (the ledger has no arrears as of a past date)."""
    payers = payers_in_arrears(
        user=user, region_code=filters.region.code if filters.region else None
    )
    rows = (
        payers.order_by()
        .values("region__code")
        .annotate(payers=Count("id"), owed=Sum("owed", default=ZERO))
    )
    return [
        {"code": row["region__code"] or "", "payers": row["payers"], "owed": decimal(row["owed"])}
        for row in rows
    ]


def monitoring_by_month(filters: ReportFilters, *, user: Any) -> list[dict[str, Any]]:
    """How many payers fell by half each month of the year: the rule of
    ``contributions.selectors.payers_with_falling_participants`` (a test holds the two
    together), for the twelve months in one grouped query instead of twelve."""
    month, end = filters.first, min(filters.end, add_months(month_start(timezone.localdate()), 1))
    lines = ContributionLine.objects.filter(
        period__gte=add_months(month, -1),
        period__lt=end,
        kind=ContributionLine.Kind.CONTRIBUTION,
        reverses__isnull=True,
    )
    if filters.region is not None:
        lines = lines.filter(payer__region=filters.region)
    counts: dict[int, dict[date, int]] = defaultdict(dict)
    for row in lines.values("payer_id", "period").annotate(n=Count("person_id", distinct=True)):
        counts[row["payer_id"]][row["period"]] = row["n"]
    rows = []
    while month < end:
        previous = add_months(month, -1)
        falling = sum(
            1
            for by_month in counts.values()
            if by_month.get(previous, 0) >= MONITORING_MIN_PARTICIPANTS
            and by_month.get(previous, 0) >= 2 * by_month.get(month, 0)
        )
        rows.append({"period": month, "month": date_format(month, "F Y"), "payers": falling})
        month = add_months(month, 1)
    return rows if any(r["payers"] for r in rows) else []


def payer_tables(filters: ReportFilters, *, user: Any) -> list[Table]:
    arrears = arrears_by_region(filters, user=user)
    names = {r.code: str(r) for r in Region.objects.all()}
    for row in arrears:
        row["region"] = names.get(row["code"], _("Region not stated"))
    arrears.sort(key=lambda r: r["code"])
    total = (
        {
            "region": _("All"),
            "payers": sum(r["payers"] for r in arrears),
            "owed": sum((r["owed"] for r in arrears), Decimal(0)),
        }
        if arrears
        else None
    )
    return [
        Table(
            slug="arrears",
            title=_("Payers owing penalties, by region"),
            columns=(
                Column("region", gettext_lazy("Region"), TEXT),
                Column("payers", gettext_lazy("Payers"), COUNT),
                Column("owed", gettext_lazy("Owed, tenge"), MONEY),
            ),
            rows=arrears,
            total=total,
            note=_("As of today: penalties accrued on late payments less penalties paid."),
            chart=ChartSpec("bars", "region", ("owed",)),
        ),
        Table(
            slug="monitoring",
            title=_("Payers whose participants fell by half or more, by month"),
            columns=(
                Column("month", gettext_lazy("Month"), TEXT),
                Column("payers", gettext_lazy("Payers"), COUNT),
            ),
            rows=monitoring_by_month(filters, user=user),
            note=_(
                "Payers with at least the monitoring threshold of participants in the "
                "previous month whose number fell by half or more."
            ),
            chart=ChartSpec("line", "month", ("payers",)),
        ),
    ]
