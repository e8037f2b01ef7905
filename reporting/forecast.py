"""The forecast: receipts and payouts for the next three years in three scenarios.

Method. The base is the live data: the receipts of the last twelve full months (from the
receipts summary), the monthly
caseload in payment today (each award's current gross × 12) and the lump sums assigned in the
last twelve months. Each year ahead multiplies the base by the scenario's yearly growths:
receipts by participants × wages and by the contribution rate in force on 1 January of that
year over today's (a dated parameter); loss of working capacity and of breadwinner by
participants × indexation; loss of job and the lump sums (maternity, adoption) by participants
× wages, their amounts following income; childcare by participants × the minimum wage, its
floor and cap following the state's minimums. The growths are an administrator's assumptions
(ForecastScenario), not legal parameters. Not modelled: the cap's share of incomes, the ageing of
the caseload, awards ending and starting at other rates than the participants grow.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import DecimalField, OuterRef, Q, Subquery, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from benefits.models import Award, AwardAmount, BenefitType
from gfss.common.money import ZERO, round_kzt
from gfss.common.periods import add_months, month_start
from gfss.legal.selectors import parameter_get
from gfss.org.models import Region
from reporting.indicators.sql import decimal
from reporting.models import ForecastScenario, ReceiptSummary
from reporting.tables import MONEY, PERCENT, TEXT, ChartSpec, Column, Table

YEARS_AHEAD = 3
SCENARIOS = [c.value for c in ForecastScenario.Code]
_DECIMAL = DecimalField(max_digits=18, decimal_places=2)
INDEXED = {BenefitType.DISABILITY, BenefitType.BREADWINNER}
MINIMUM_LINKED = {BenefitType.CHILDCARE}


@dataclass(frozen=True)
class Base:
    today: date
    receipts: Decimal
    monthly: dict[str, Decimal]  # benefit to its caseload's gross a year
    lump: dict[str, Decimal]  # benefit to its lump sums of the last 12 months


def _current_gross(on: date) -> Subquery:
    return Subquery(
        AwardAmount.objects.filter(award=OuterRef("pk"), valid_from__lte=on)
        .order_by("-valid_from", "-pk")
        .values("gross")[:1],
        output_field=_DECIMAL,
    )


def forecast_base(*, today: date, region: Region | None) -> Base:
    first, end = add_months(month_start(today), -12), month_start(today)
    receipts_rows = ReceiptSummary.objects.filter(month__gte=first, month__lt=end)
    awards = Award.objects.all()
    if region is not None:
        receipts_rows = receipts_rows.filter(region=region)
        awards = awards.filter(branch__region=region)
    receipts = decimal(receipts_rows.aggregate(total=Sum("total", default=ZERO))["total"])
    in_payment = awards.filter(
        Q(lump_sum=False, start_date__lte=today, status=Award.Status.ACTIVE)
        & (Q(end_date__isnull=True) | Q(end_date__gt=today))
    )
    monthly = {
        row["benefit"]: decimal(row["gross"]) * 12
        for row in in_payment.annotate(current=_current_gross(today))
        .values("benefit")
        .annotate(gross=Sum("current", default=ZERO))
    }
    lump = {
        row["benefit"]: decimal(row["gross"])
        for row in awards.filter(lump_sum=True, start_date__gte=first, start_date__lt=end)
        .annotate(current=_current_gross(today))
        .values("benefit")
        .annotate(gross=Sum("current", default=ZERO))
    }
    return Base(today=today, receipts=receipts, monthly=monthly, lump=lump)


def _growth(percent: Decimal) -> Decimal:
    return 1 + percent / 100


def _project(base: Base, scenario: ForecastScenario, years: int) -> dict[str, Decimal]:
    people = _growth(scenario.participants_growth) ** years
    wages = _growth(scenario.wage_growth) ** years
    minimum = _growth(scenario.minimum_wage_growth) ** years
    indexed = _growth(scenario.indexation) ** years
    year = base.today.year + years
    rate_now = parameter_get("so.rate", on=base.today).decimal
    rate_then = parameter_get("so.rate", on=date(year, 1, 1)).decimal
    receipts = base.receipts * people * wages * rate_then / rate_now
    payouts = Decimal(0)
    for benefit, amount in base.monthly.items():
        if benefit in INDEXED:
            payouts += amount * people * indexed
        elif benefit in MINIMUM_LINKED:
            payouts += amount * people * minimum
        else:
            payouts += amount * people * wages
    payouts += sum(base.lump.values(), Decimal(0)) * people * wages
    return {
        "receipts": round_kzt(receipts),
        "payouts": round_kzt(payouts),
        "balance": round_kzt(receipts - payouts),
    }


@dataclass
class Forecast:
    base: Base
    scenarios: list[ForecastScenario]
    tables: list[Table]


def forecast_get(*, region: Region | None, today: date | None = None) -> Forecast:
    today = today or timezone.localdate()
    base = forecast_base(today=today, region=region)
    scenarios = sorted(ForecastScenario.objects.all(), key=lambda s: SCENARIOS.index(s.code))
    labels = {s.code: str(s.get_code_display()) for s in scenarios}
    rows: dict[str, list[dict[str, Any]]] = {"receipts": [], "payouts": [], "balance": []}
    for years in range(YEARS_AHEAD + 1):
        label = _("Base") if years == 0 else str(today.year + years)
        projected = {s.code: _project(base, s, years) for s in scenarios}
        for measure, measure_rows in rows.items():
            measure_rows.append(
                {
                    "year": label,
                    **{code: figures[measure] for code, figures in projected.items()},
                }
            )
    columns = [Column(code, label, MONEY) for code, label in labels.items()]
    titles = {
        "receipts": _("Receipts, tenge"),
        "payouts": _("Payouts, tenge"),
        "balance": _("Receipts less payouts, tenge"),
    }
    tables = [
        Table(
            slug="forecast-assumptions",
            title=_("Assumptions, growth a year"),
            columns=(
                Column("scenario", gettext_lazy("Scenario"), TEXT),
                Column("participants_growth", gettext_lazy("Participants, %"), PERCENT),
                Column("wage_growth", gettext_lazy("Wages, %"), PERCENT),
                Column("minimum_wage_growth", gettext_lazy("Minimum wage, %"), PERCENT),
                Column("indexation", gettext_lazy("Indexation, %"), PERCENT),
            ),
            rows=[
                {
                    "scenario": labels[s.code],
                    "participants_growth": s.participants_growth,
                    "wage_growth": s.wage_growth,
                    "minimum_wage_growth": s.minimum_wage_growth,
                    "indexation": s.indexation,
                }
                for s in scenarios
            ],
        ),
        *(
            Table(
                slug=f"forecast-{measure}",
                title=titles[measure],
                columns=(Column("year", gettext_lazy("Year"), TEXT), *columns),
                rows=measure_rows if base.receipts or base.monthly or base.lump else [],
                chart=ChartSpec("line", "year", tuple(labels)),
            )
            for measure, measure_rows in rows.items()
        ),
    ]
    return Forecast(base=base, scenarios=scenarios, tables=tables)
