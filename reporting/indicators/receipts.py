"""Money in: what the payment documents brought each month of the year, by KNP (012
contributions, 017 penalties), as received (quarantined lines included) and as accepted, from
the receipts summary."""

from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Sum
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from contributions.models import KNP_CONTRIBUTION
from gfss.common.money import ZERO
from gfss.common.periods import add_months, month_start
from reporting.filters import ReportFilters
from reporting.indicators.sql import decimal
from reporting.models import ReceiptSummary
from reporting.tables import COUNT, MONEY, TEXT, ChartSpec, Column, Table


def receipts_by_month(filters: ReportFilters) -> list[dict[str, Any]]:
    summaries = ReceiptSummary.objects.filter(month__gte=filters.first, month__lt=filters.end)
    if filters.region is not None:
        summaries = summaries.filter(region=filters.region)
    grouped = summaries.values("month", "knp").annotate(
        total=Sum("total", default=ZERO),
        accepted=Sum("accepted", default=ZERO),
        documents=Sum("documents", default=0),
    )
    months: dict[date, dict[str, Any]] = {}
    for row in grouped:
        month = row["month"]
        entry = months.setdefault(
            month,
            {
                "period": month,
                "documents": 0,
                "contributions": Decimal(0),
                "penalties": Decimal(0),
                "accepted": Decimal(0),
            },
        )
        entry["documents"] += row["documents"]
        entry["contributions" if row["knp"] == KNP_CONTRIBUTION else "penalties"] += decimal(
            row["total"]
        )
        entry["accepted"] += decimal(row["accepted"])
    if not months:
        return []
    rows = []
    month, end = filters.first, min(filters.end, add_months(month_start(timezone.localdate()), 1))
    while month < end:
        entry = months.get(month) or {
            "period": month,
            "documents": 0,
            "contributions": Decimal(0),
            "penalties": Decimal(0),
            "accepted": Decimal(0),
        }
        entry["month"] = date_format(month, "F Y")
        entry["received"] = entry["contributions"] + entry["penalties"]
        rows.append(entry)
        month = add_months(month, 1)
    return rows


def receipts_tables(filters: ReportFilters) -> list[Table]:
    rows = receipts_by_month(filters)
    total = None
    if rows:
        total = {"month": _("Year")}
        for key in ("documents", "contributions", "penalties", "received", "accepted"):
            total[key] = sum(row[key] for row in rows)
    return [
        Table(
            slug="receipts",
            title=_("Receipts by month and payment purpose code"),
            columns=(
                Column("month", gettext_lazy("Month"), TEXT),
                Column("documents", gettext_lazy("Payment documents"), COUNT),
                Column("contributions", gettext_lazy("Contributions (KNP 012), tenge"), MONEY),
                Column("penalties", gettext_lazy("Penalties (KNP 017), tenge"), MONEY),
                Column("received", gettext_lazy("Received, tenge"), MONEY),
                Column("accepted", gettext_lazy("Accepted to the ledger, tenge"), MONEY),
            ),
            rows=rows,
            total=total,
            note=_(
                "By the value date of the payment document; the money of quarantined lines "
                "is received but not yet accepted."
            ),
            chart=ChartSpec("line", "month", ("received", "accepted")),
        )
    ]
