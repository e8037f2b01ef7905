"""The state services and the development plan's KPI (domain.md): decisions and services on
time, the share rendered electronically, by channel, and the share of the employed covered.

A decision is on time when taken on or before the e-case's ``decision_due``; a service when
its final step (the checker's confirmation, else the decision) falls on or before its
``service_due``. Both dues are the working-day deadlines of rules.md §6, fixed on the case when
it arrived. Applications count in the year they were received.
"""

from decimal import Decimal
from typing import Any

from django.db.models import Count, F, Q
from django.db.models.functions import Coalesce, TruncDate
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from benefits.models import Application, Channel
from reporting.filters import ReportFilters
from reporting.indicators.benefits import BENEFIT_GROUPS, benefit_group_label
from reporting.tables import COUNT, PERCENT, TEXT, ChartSpec, Column, Table, share

ELECTRONIC = (Channel.PORTAL, Channel.PROACTIVE)
DECIDED = (Application.Status.ASSIGNED, Application.Status.REFUSED)


def _applications(filters: ReportFilters) -> Any:
    applications = Application.objects.filter(
        received_on__gte=filters.first, received_on__lt=filters.end
    )
    if filters.region is not None:
        applications = applications.filter(branch__region=filters.region)
    if filters.benefit:
        applications = applications.filter(benefit=filters.benefit)
    return applications.annotate(
        decided_on=TruncDate("decided_at"),
        rendered_on=TruncDate(Coalesce("confirmed_at", "decided_at")),
    )


def _counts() -> dict[str, Any]:
    final = Q(status__in=DECIDED)
    return {
        "received": Count("id"),
        "electronic": Count("id", filter=Q(channel__in=ELECTRONIC)),
        "assigned": Count("id", filter=Q(status=Application.Status.ASSIGNED)),
        "refused": Count("id", filter=Q(status=Application.Status.REFUSED)),
        "decided": Count("id", filter=Q(decided_at__isnull=False)),
        "decided_on_time": Count(
            "id", filter=Q(decided_at__isnull=False, decided_on__lte=F("decision_due"))
        ),
        "rendered": Count("id", filter=final),
        "rendered_on_time": Count("id", filter=final & Q(rendered_on__lte=F("service_due"))),
        **{f"channel_{c}": Count("id", filter=Q(channel=c)) for c in Channel.values},
    }


def _shares(row: dict[str, Any]) -> dict[str, Any]:
    return {
        **row,
        "electronic_share": share(row["electronic"], row["received"]),
        "decided_on_time_share": share(row["decided_on_time"], row["decided"]),
        "rendered_on_time_share": share(row["rendered_on_time"], row["rendered"]),
    }


def service_figures(filters: ReportFilters) -> dict[str, Any]:
    """Per benefit group and in all: the counts and the shares."""
    rows = _applications(filters).values("benefit").annotate(**_counts())
    by_benefit = {row["benefit"]: row for row in rows}
    groups = {}
    for group, members in BENEFIT_GROUPS:
        found = [by_benefit[b] for b in members if b in by_benefit]
        if found:
            groups[group] = _shares(
                {k: sum(r[k] for r in found) for k in found[0] if k != "benefit"}
            )
    total = _applications(filters).aggregate(**_counts())
    return {"by_group": groups, "total": _shares(total)}


SERVICE_COLUMNS = (
    Column("received", gettext_lazy("Applications received"), COUNT),
    Column("assigned", gettext_lazy("Assigned"), COUNT),
    Column("refused", gettext_lazy("Refused"), COUNT),
    Column("decided_on_time_share", gettext_lazy("Decisions on time, %"), PERCENT),
    Column("rendered_on_time_share", gettext_lazy("Services on time, %"), PERCENT),
    Column("electronic_share", gettext_lazy("Rendered electronically, %"), PERCENT),
)


def service_tables(filters: ReportFilters, *, coverage_share: Decimal | None) -> list[Table]:
    figures = service_figures(filters)
    total = figures["total"]
    services = Table(
        slug="services",
        title=_("State service 1: assignment of a benefit"),
        columns=(Column("benefit", gettext_lazy("Benefit"), TEXT), *SERVICE_COLUMNS),
        rows=[{"benefit": benefit_group_label(g), **row} for g, row in figures["by_group"].items()],
        total={"benefit": _("All"), **total} if total["received"] else None,
        note=_(
            "Deadlines: the decision within 4 working days of receipt; the "
            "whole service within 8 working days (6 for loss of job)."
        ),
    )
    channels = Table(
        slug="channels",
        title=_("Applications by channel"),
        columns=(
            Column("channel", gettext_lazy("Channel"), TEXT),
            Column("received", gettext_lazy("Applications received"), COUNT),
            Column("share", gettext_lazy("Share, %"), PERCENT),
        ),
        rows=[
            {
                "channel": str(Channel(c).label),
                "received": total[f"channel_{c}"],
                "share": share(total[f"channel_{c}"], total["received"]),
            }
            for c in Channel.values
        ]
        if total["received"]
        else [],
        chart=ChartSpec("bars", "channel", ("received",)),
    )
    kpi = Table(
        slug="kpi",
        title=_("Key performance indicators"),
        columns=(
            Column("indicator", gettext_lazy("Indicator"), TEXT),
            Column("value", gettext_lazy("Value, %"), PERCENT),
            Column("basis", gettext_lazy("Basis"), TEXT),
        ),
        rows=[
            {
                "indicator": _("Share of the employed population covered"),
                "value": coverage_share,
                "basis": _("participants ÷ employed population entered for the year"),
            },
            {
                "indicator": _("Share of benefit assignments rendered on time"),
                "value": total["rendered_on_time_share"],
                "basis": _("services rendered by their deadline ÷ services rendered"),
            },
            {
                "indicator": _("Share of contribution statements rendered on time"),
                "value": None,
                "basis": _(
                    "not in the data: a statement is produced at once on request and no "
                    "request is recorded"
                ),
            },
            {
                "indicator": _("Share of benefit assignments rendered electronically"),
                "value": total["electronic_share"],
                "basis": _("applications through the portal or a proactive offer ÷ all"),
            },
            {
                "indicator": _("Share of regional information events"),
                "value": None,
                "basis": _("not in the data"),
            },
        ],
    )
    return [services, channels, kpi]
