"""Refunds of excess or erroneous contributions by reason (domain.md): the applications
received in the year and refunded (ordered or paid), the people and the sum refunded."""

from decimal import Decimal
from typing import Any

from django.db.models import Count, Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gfss.common.money import ZERO
from refunds.models import Reason, RefundApplication
from reporting.filters import ReportFilters
from reporting.indicators.sql import decimal
from reporting.tables import COUNT, MONEY, PERCENT, TEXT, ChartSpec, Column, Table, share

REFUNDED = (RefundApplication.Status.ORDERED, RefundApplication.Status.PAID)


def refunds_by_reason(filters: ReportFilters) -> list[dict[str, Any]]:
    applications = RefundApplication.objects.filter(
        received_on__gte=filters.first, received_on__lt=filters.end, status__in=REFUNDED
    )
    if filters.region is not None:
        applications = applications.filter(payer__region=filters.region)
    found: dict[str, dict[str, Any]] = {
        row["reason"]: dict(row)
        for row in applications.values("reason").annotate(
            applications=Count("id"),
            people=Sum("people", default=0),
            amount=Sum("amount_approved", default=ZERO),
        )
    }
    if not found:
        return []
    total = sum((decimal(r["amount"]) for r in found.values()), Decimal(0))
    return [
        {
            "reason": str(reason.label),
            "applications": found.get(reason, {}).get("applications", 0),
            "people": found.get(reason, {}).get("people", 0),
            "amount": decimal(found.get(reason, {}).get("amount")),
            "share": share(decimal(found.get(reason, {}).get("amount")), total),
        }
        for reason in Reason
    ]


def refund_tables(filters: ReportFilters) -> list[Table]:
    rows = refunds_by_reason(filters)
    total = (
        {
            "reason": _("All"),
            "applications": sum(r["applications"] for r in rows),
            "people": sum(r["people"] for r in rows),
            "amount": sum((r["amount"] for r in rows), Decimal(0)),
            "share": Decimal(100),
        }
        if rows
        else None
    )
    return [
        Table(
            slug="refunds",
            title=_("Refunds of excess or erroneous contributions, by reason"),
            columns=(
                Column("reason", gettext_lazy("Reason"), TEXT),
                Column("applications", gettext_lazy("Applications"), COUNT),
                Column("people", gettext_lazy("Participants"), COUNT),
                Column("amount", gettext_lazy("Refunded, tenge"), MONEY),
                Column("share", gettext_lazy("Share, %"), PERCENT),
            ),
            rows=rows,
            total=total,
            note=_("Applications received in the year and refunded (ordered or paid)."),
            chart=ChartSpec("bars", "reason", ("amount",)),
        )
    ]
