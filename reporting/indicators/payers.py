"""Payers: penalty arrears by region, and the monitoring of payers whose participants fell by
half or more, month by month (domain.md), from the payer-month summary."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django.db.models import Count, F, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from contributions.selectors import due_dates, payers_in_arrears
from gfss.common.money import ZERO, round_kzt
from gfss.common.periods import add_months, month_start
from gfss.legal.selectors import parameter_set, parameter_value
from gfss.org.access import Subject, reach
from gfss.org.actors import Reader
from gfss.org.models import Region
from reporting.filters import ReportFilters
from reporting.indicators.sql import decimal
from reporting.models import PayerMonthSummary
from reporting.tables import COUNT, MONEY, TEXT, ChartSpec, Column, Table

# The payers monitored are those paying for at least this many persons (a dated parameter: the
# fund's practice, domain.md).
LARGE_PAYER_PARAMETER = "monitoring.large_payer_participants"


def large_payer_participants(month: date) -> int:
    """The least participants in the month before that make a payer monitored in ``month``."""
    return int(parameter_value(LARGE_PAYER_PARAMETER, on=month_start(month)))


@dataclass(frozen=True)
class FallingPayer:
    payer_id: int
    idn: str
    name: str
    region: Region | None
    participants_before: int
    participants_now: int

    @property
    def fall_percent(self) -> Decimal:
        fall = Fraction(self.participants_before - self.participants_now, self.participants_before)
        return round_kzt(fall * 100, places=Decimal("0.1"))


def arrears_by_region(filters: ReportFilters, *, user: Reader) -> list[dict[str, Any]]:
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


def falling(
    summaries: QuerySet[PayerMonthSummary], months: list[date]
) -> QuerySet[PayerMonthSummary]:
    """The payer-months of ``months`` of payers with at least the monitoring threshold in force
    that month of participants in the month before, whose number fell by half or more (a test
    holds the summary's answer to one computed from the raw ledger)."""
    params = parameter_set()
    by_threshold: dict[int, list[date]] = {}
    for month in months:
        value = params.get(LARGE_PAYER_PARAMETER, on=month_start(month)).decimal
        by_threshold.setdefault(int(value), []).append(month_start(month))
    large = Q(pk__in=[])
    for threshold, periods in by_threshold.items():
        large |= Q(period__in=periods, previous__gte=threshold)
    return summaries.filter(large).filter(previous__gte=F("persons") * 2)


def monitoring_by_month(filters: ReportFilters, *, user: Reader) -> list[dict[str, Any]]:
    """How many payers fell by half each month of the year, in one grouped query over the
    payer-month summary."""
    month, end = filters.first, min(filters.end, add_months(month_start(timezone.localdate()), 1))
    summaries = PayerMonthSummary.objects.filter(period__gte=month, period__lt=end)
    months: list[date] = []
    while add_months(month, len(months)) < end:
        months.append(add_months(month, len(months)))
    if filters.region is not None:
        summaries = summaries.filter(payer__region=filters.region)
    counts = dict(
        falling(summaries, months)
        .order_by()
        .values("period")
        .annotate(n=Count("id"))
        .values_list("period", "n")
    )
    rows = []
    while month < end:
        rows.append(
            {"period": month, "month": date_format(month, "F Y"), "payers": counts.get(month, 0)}
        )
        month = add_months(month, 1)
    return rows if any(r["payers"] for r in rows) else []


def latest_due_month(today: date) -> date:
    """The latest month whose contributions are due by ``today`` (rules.md §2): before that
    day a payer who has not paid yet would show as fallen."""
    last = add_months(month_start(today), -1)
    return last if due_dates([last])[last] < today else add_months(last, -1)


def falling_payers(
    *, user: Reader, month: date, region_code: str | None = None
) -> list[FallingPayer]:
    """The monitoring list of a month: each falling payer with its region, by region and
    identifier."""
    summaries = reach(user, Subject.PAYER).apply(
        PayerMonthSummary.objects.filter(period=month_start(month)), region="payer__region_id"
    )
    if region_code:
        summaries = summaries.filter(payer__region__code=region_code)
    rows = falling(summaries, [month]).select_related("payer__region")
    return [
        FallingPayer(
            payer_id=row.payer_id,
            idn=row.payer.idn,
            name=row.payer.name,
            region=row.payer.region,
            participants_before=row.previous,
            participants_now=row.persons,
        )
        for row in rows.order_by("payer__region__code", "payer__idn")
    ]


def payer_tables(filters: ReportFilters, *, user: Reader) -> list[Table]:
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


@dataclass(frozen=True)
class PayerMonth:
    """One month of a payer's monitoring line: persons paid for, then and the month before."""

    period: date
    persons: int
    previous: int
    fell: bool  # the monitoring lists the payer this month (``falling``)

    @property
    def change_percent(self) -> Decimal | None:
        if not self.previous:
            return None
        change = Fraction(self.persons - self.previous, self.previous)
        return round_kzt(change * 100, places=Decimal("0.1"))


def payer_monitoring_line(*, payer_id: int, months: int = 12) -> list[PayerMonth]:
    """The payer's last ``months`` due months in the monitoring (its payer card), the latest
    first; a month not yet due is left out, as on the monitoring list."""
    last = latest_due_month(timezone.localdate())
    rows = PayerMonthSummary.objects.filter(
        payer_id=payer_id, period__lte=last, period__gt=add_months(last, -months)
    ).order_by("-period")
    due = [add_months(last, -back) for back in range(months)]
    fell = set(falling(rows, due).values_list("period", flat=True))
    return [
        PayerMonth(
            period=row.period,
            persons=row.persons,
            previous=row.previous,
            fell=row.period in fell,
        )
        for row in rows
    ]
