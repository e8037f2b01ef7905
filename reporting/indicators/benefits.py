"""Money out, per benefit (domain.md "2022 figures by benefit"): recipients, new awards, the
sum paid, the average award, income at award, age and participation, by region, sex and age
band; the childcare top-ups to the floor; the structure of disability and job-loss awards.

The awards and payments summaries group them by benefit, region (of the branch), sex and age
band at the date of the right; every average is a sum over a count, so that any grouping adds
up exactly. The structures (top-ups, degrees, months) count the year's new awards by band in
the structure summary.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import (
    DecimalField,
    ExpressionWrapper,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Sum,
)
from django.db.models.fields.json import KT, KeyTextTransform
from django.db.models.functions import Cast
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from benefits.models import AwardAmount, BenefitType
from gfss.common.money import ZERO, round_kzt
from gfss.org.models import Region
from reporting.filters import ReportFilters
from reporting.indicators.ages import AGE_BANDS, age_band_label
from reporting.indicators.paid import paid_by_group
from reporting.indicators.sql import dated_value, decimal
from reporting.models import AwardSummary, StructureSummary
from reporting.tables import COUNT, MONEY, NUMBER, PERCENT, TEXT, ChartSpec, Column, Table, share

# The rows of the annual report: maternity and adoption share one line there.
BENEFIT_GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("disability", (BenefitType.DISABILITY,)),
    ("breadwinner", (BenefitType.BREADWINNER,)),
    ("job_loss", (BenefitType.JOB_LOSS,)),
    ("maternity", (BenefitType.MATERNITY, BenefitType.ADOPTION)),
    ("childcare", (BenefitType.CHILDCARE,)),
)
_DECIMAL = DecimalField(max_digits=18, decimal_places=6)
# Disability awards by the degree of loss of working capacity (domain.md: most at 60-80 %).
DEGREE_BANDS: tuple[tuple[Decimal, Decimal | None], ...] = (
    (Decimal("0.30"), Decimal("0.60")),
    (Decimal("0.60"), Decimal("0.80")),
    (Decimal("0.80"), None),
)


def benefit_group_label(group: str) -> str:
    if group == "maternity":
        return _("Pregnancy and childbirth, adoption")
    return str(BenefitType(group).label)


@dataclass
class Tally:
    recipients: int = 0
    new: int = 0
    award_sum: Decimal = Decimal(0)
    income_sum: Decimal = Decimal(0)
    age_sum: int = 0
    stazh_sum: int = 0
    stazh_n: int = 0
    paid: Decimal = Decimal(0)
    paid_net: Decimal = Decimal(0)
    men: int = 0
    women: int = 0

    def add(self, other: "Tally") -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def figures(self) -> dict[str, Any]:
        new = self.new
        return {
            "recipients": self.recipients,
            "new": new,
            "paid": self.paid,
            "paid_net": self.paid_net,
            "average_award": round_kzt(self.award_sum / new) if new else None,
            "average_income": round_kzt(self.income_sum / new) if new else None,
            "average_age": Decimal(self.age_sum) / new if new else None,
            "average_stazh": Decimal(self.stazh_sum) / self.stazh_n if self.stazh_n else None,
            "men": self.men,
            "women": self.women,
            "women_share": share(self.women, self.men + self.women),
        }


def first_gross() -> Subquery:
    """The gross of an award's assignment: the amount it was awarded at."""
    return Subquery(
        AwardAmount.objects.filter(award=OuterRef("pk"), reason=AwardAmount.Reason.ASSIGNMENT)
        .order_by("valid_from", "pk")
        .values("gross")[:1],
        output_field=_DECIMAL,
    )


Key = tuple[str, int | None, str, int]


def benefit_tallies(filters: ReportFilters) -> dict[Key, Tally]:
    """(benefit, region id, sex, age band) to its tally, from the awards and payments
    summaries."""
    summaries = AwardSummary.objects.filter(year=filters.year)
    if filters.region is not None:
        summaries = summaries.filter(region=filters.region)
    if filters.benefit:
        summaries = summaries.filter(benefit=filters.benefit)
    tallies: dict[Key, Tally] = defaultdict(Tally)
    for row in summaries:
        tally = tallies[(row.benefit, row.region_id, row.sex, row.band)]
        tally.recipients = row.recipients
        tally.new = row.new
        tally.award_sum = row.award_sum
        tally.income_sum = row.income_sum
        tally.age_sum = row.age_sum
        tally.stazh_sum = row.stazh_sum
        tally.stazh_n = row.stazh_n
        tally.men, tally.women = (row.new, 0) if row.sex == "M" else (0, row.new)
    for key, paid in paid_by_group(filters).items():
        tallies[key].paid = paid["gross"]
        tallies[key].paid_net = paid["net"]
    return tallies


@dataclass
class BenefitFigures:
    by_group: dict[str, dict[str, Any]]
    total: dict[str, Any]
    by_region: list[dict[str, Any]]
    by_band: list[dict[str, Any]]
    empty: bool = field(default=True)


def benefit_figures(filters: ReportFilters) -> BenefitFigures:
    tallies = benefit_tallies(filters)
    group_of = {b: g for g, members in BENEFIT_GROUPS for b in members}
    groups: dict[str, Tally] = {g: Tally() for g, _m in BENEFIT_GROUPS}
    regions: dict[int | None, Tally] = defaultdict(Tally)
    bands = [Tally() for _ in AGE_BANDS]
    total = Tally()
    for (benefit, region_id, _sex, band), tally in tallies.items():
        groups[group_of[benefit]].add(tally)
        regions[region_id].add(tally)
        bands[band].add(tally)
        total.add(tally)
    names = Region.objects.in_bulk([r for r in regions if r is not None])
    by_region = [
        {
            "region": str(names[r]) if r in names else _("Region not stated"),
            "code": names[r].code if r in names else "",
            **t.figures(),
        }
        for r, t in regions.items()
    ]
    by_region.sort(key=lambda row: (row["code"] == "", row["code"]))
    figures = total.figures()
    return BenefitFigures(
        by_group={g: t.figures() for g, t in groups.items()},
        total=figures,
        by_region=by_region,
        by_band=[{"band": age_band_label(i), **t.figures()} for i, t in enumerate(bands)],
        empty=not (figures["recipients"] or figures["new"] or figures["paid"]),
    )


BENEFIT_COLUMNS = (
    Column("recipients", gettext_lazy("Recipients"), COUNT),
    Column("paid", gettext_lazy("Paid, tenge"), MONEY),
    Column("new", gettext_lazy("New awards"), COUNT),
    Column("average_award", gettext_lazy("Average award, tenge"), MONEY),
    Column("average_income", gettext_lazy("Average income at award, tenge"), MONEY),
    Column("average_age", gettext_lazy("Average age"), NUMBER),
    Column("average_stazh", gettext_lazy("Average participation, months"), NUMBER),
)


def childcare_topup() -> ExpressionWrapper:
    """An award's monthly top-up to the floor: its assigned gross less 40 % of the income (the
    fund tops up to the state allowance); zero or less when the floor did not lift it."""
    replaced = ExpressionWrapper(
        Cast(KT("calculation__avg_monthly_income"), _DECIMAL)
        * dated_value("childcare.replacement", "right_date"),
        output_field=_DECIMAL,
    )
    return ExpressionWrapper(first_gross() - replaced, output_field=_DECIMAL)


def _degree_bands() -> list[tuple[str, Q]]:
    bands = []
    for lower, upper in DEGREE_BANDS:
        q = Q(value__gte=lower) if upper is None else Q(value__gte=lower, value__lt=upper)
        label = (
            f"{int(lower * 100)}–{int(upper * 100) - 1} %"
            if upper is not None
            else f"{int(lower * 100)}–100 %"
        )
        bands.append((label, q))
    return bands


@dataclass(frozen=True)
class Structure:
    """A benefit's new awards counted by bands of one value of the award."""

    value: Any
    bands: list[tuple[str, Q]]


def structures() -> dict[str, Structure]:
    return {
        BenefitType.DISABILITY: Structure(
            Cast(KeyTextTransform("degree", "application__facts"), _DECIMAL), _degree_bands()
        ),
        BenefitType.JOB_LOSS: Structure(
            Cast(KT("calculation__months"), IntegerField()),
            [(str(n), Q(value=n)) for n in range(1, 7)],
        ),
    }


def _structure_summaries(filters: ReportFilters, benefit: str) -> Any:
    summaries = StructureSummary.objects.filter(year=filters.year, benefit=benefit)
    if filters.region is not None:
        summaries = summaries.filter(region=filters.region)
    return summaries


def childcare_topups(filters: ReportFilters) -> dict[str, Any]:
    """New childcare awards the floor lifted: their number and the monthly sum of the top-ups,
    from the structure summary."""
    if filters.benefit and filters.benefit != BenefitType.CHILDCARE:
        return {"awards": 0, "topped_up": 0, "monthly_topup": ZERO, "share": None}
    figures = _structure_summaries(filters, BenefitType.CHILDCARE).aggregate(
        awards=Sum("awards", default=0),
        topped_up=Sum("topped_up", default=0),
        monthly_topup=Sum("topup_sum", default=ZERO),
    )
    figures["monthly_topup"] = round_kzt(decimal(figures["monthly_topup"]))
    figures["share"] = share(figures["topped_up"], figures["awards"])
    return figures


def _structure(filters: ReportFilters, *, benefit: str) -> list[dict[str, Any]]:
    counts = dict(
        _structure_summaries(filters, benefit)
        .order_by()
        .values("band")
        .annotate(n=Sum("awards"))
        .values_list("band", "n")
    )
    total = sum(counts.values())
    if not total:
        return []
    return [
        {"band": label, "awards": counts.get(i, 0), "share": share(counts.get(i, 0), total)}
        for i, (label, _q) in enumerate(structures()[benefit].bands)
    ]


def disability_by_degree(filters: ReportFilters) -> list[dict[str, Any]]:
    return _structure(filters, benefit=BenefitType.DISABILITY)


def job_loss_by_months(filters: ReportFilters) -> list[dict[str, Any]]:
    return _structure(filters, benefit=BenefitType.JOB_LOSS)


def benefit_tables(filters: ReportFilters) -> list[Table]:
    data = benefit_figures(filters)
    by_benefit_rows = (
        []
        if data.empty
        else [
            {"benefit": benefit_group_label(g), **data.by_group[g]}
            for g, _members in BENEFIT_GROUPS
            if not filters.benefit or filters.benefit in dict(BENEFIT_GROUPS)[g]
        ]
    )
    tables = [
        Table(
            slug="benefits",
            title=_("Benefits: recipients, awards and payments"),
            columns=(Column("benefit", gettext_lazy("Benefit"), TEXT), *BENEFIT_COLUMNS),
            rows=by_benefit_rows,
            total={"benefit": _("All"), **data.total} if by_benefit_rows else None,
            note=_(
                "Recipients: awards paying in some month of the year (a lump sum in the year "
                "it starts). New awards: assigned in the year; their averages are of the amount "
                "assigned, the income and participation the calculation used, and the age at "
                "the date of the right. Paid: gross, by the runs of the year's months."
            ),
            chart=ChartSpec("bars", "benefit", ("recipients",)),
        ),
        Table(
            slug="benefits-by-region",
            title=_("Benefits by region"),
            columns=(
                Column("region", gettext_lazy("Region"), TEXT),
                Column("recipients", gettext_lazy("Recipients"), COUNT),
                Column("new", gettext_lazy("New awards"), COUNT),
                Column("paid", gettext_lazy("Paid, tenge"), MONEY),
                Column("average_award", gettext_lazy("Average award, tenge"), MONEY),
            ),
            rows=[] if data.empty else data.by_region,
            total={"region": _("All"), **data.total} if not data.empty else None,
            chart=ChartSpec("bars", "region", ("recipients",)),
        ),
        Table(
            slug="benefits-by-age",
            title=_("New awards by age band and sex"),
            columns=(
                Column("band", gettext_lazy("Age band"), TEXT),
                Column("men", gettext_lazy("Men"), COUNT),
                Column("women", gettext_lazy("Women"), COUNT),
                Column("new", gettext_lazy("New awards"), COUNT),
                Column("women_share", gettext_lazy("Women, %"), PERCENT),
                Column("average_award", gettext_lazy("Average award, tenge"), MONEY),
            ),
            rows=[] if not data.total["new"] else data.by_band,
            total={"band": _("All"), **data.total} if data.total["new"] else None,
            chart=ChartSpec("share", "band", ("men", "women")),
        ),
    ]
    topups = childcare_topups(filters)
    tables.append(
        Table(
            slug="childcare-topups",
            title=_("Childcare: new awards topped up to the state allowance"),
            columns=(
                Column("awards", gettext_lazy("New childcare awards"), COUNT),
                Column("topped_up", gettext_lazy("Topped up to the floor"), COUNT),
                Column("share", gettext_lazy("Share, %"), PERCENT),
                Column("monthly_topup", gettext_lazy("Top-ups a month, tenge"), MONEY),
            ),
            rows=[topups] if topups["awards"] else [],
        )
    )
    structure_columns = (
        Column("band", gettext_lazy("Group"), TEXT),
        Column("awards", gettext_lazy("New awards"), COUNT),
        Column("share", gettext_lazy("Share, %"), PERCENT),
    )
    if not filters.benefit or filters.benefit == BenefitType.DISABILITY:
        tables.append(
            Table(
                slug="disability-degree",
                title=_("Loss of working capacity: new awards by degree of loss"),
                columns=structure_columns,
                rows=disability_by_degree(filters),
                chart=ChartSpec("bars", "band", ("awards",)),
            )
        )
    if not filters.benefit or filters.benefit == BenefitType.JOB_LOSS:
        tables.append(
            Table(
                slug="job-loss-months",
                title=_("Loss of job: new awards by months of payment"),
                columns=structure_columns,
                rows=job_loss_by_months(filters),
                chart=ChartSpec("bars", "band", ("awards",)),
            )
        )
    return tables
