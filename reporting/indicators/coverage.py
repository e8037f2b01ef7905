"""Participants and their income in a year (domain.md "Coverage"): who had a contribution in
the year's twelve months, by region and sex, their average age, participation, income and
months with contributions, the income bands, and the share of the employed population.

Read from the year's coverage summary (``reporting.summaries``), whose sums add up across
regions, sexes and bands so that every average here is exact.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gfss.common.money import round_kzt
from gfss.org.models import Region
from reporting.filters import ReportFilters
from reporting.indicators.sql import decimal
from reporting.models import CoverageSummary, EmployedPopulation
from reporting.tables import COUNT, MONEY, NUMBER, PERCENT, TEXT, ChartSpec, Column, Table, share

# Bands of the average monthly income, in tenge: analytic groups of the report, not legal
# numbers (domain.md counts the participants at or below 120,000 tenge).
INCOME_BANDS: tuple[tuple[int, int | None], ...] = (
    (0, 60_000),
    (60_000, 120_000),
    (120_000, 200_000),
    (200_000, 300_000),
    (300_000, 500_000),
    (500_000, None),
)
LOW_INCOME = 120_000


def band_sql(income: str) -> str:
    """The income band index of an average monthly income column, in SQL."""
    whens = " ".join(
        f"WHEN {income} < {upper} THEN {index}"
        for index, (_lower, upper) in enumerate(INCOME_BANDS)
        if upper is not None
    )
    return f"CASE {whens} ELSE {len(INCOME_BANDS) - 1} END"


def band_label(index: int) -> str:
    lower, upper = INCOME_BANDS[index]
    if upper is None:
        return _("%(lower)s and more") % {"lower": f"{lower:,}".replace(",", " ")}
    return f"{lower:,} – {upper:,}".replace(",", " ")


@dataclass
class Tally:
    """Sums that add up across groups, so that any grouping's averages are exact."""

    persons: int = 0
    men: int = 0
    women: int = 0
    months: int = 0
    income: Decimal = Decimal(0)
    birth_years: int = 0
    stazh: int = 0
    low_income: int = 0

    def add(self, row: Mapping[str, Any]) -> None:
        persons = int(row["persons"])
        self.persons += persons
        self.men += persons if row["sex"] == "M" else 0
        self.women += persons if row["sex"] == "F" else 0
        self.months += int(row["months"])
        self.income += decimal(row["income"])
        self.birth_years += int(row["birth_years"])
        self.stazh += int(row["stazh"])
        band_upper = INCOME_BANDS[int(row["band"])][1]
        self.low_income += persons if band_upper is not None and band_upper <= LOW_INCOME else 0

    def figures(self, *, year: int, employed: int | None) -> dict[str, Any]:
        n = self.persons
        return {
            "persons": n,
            "men": self.men,
            "women": self.women,
            "employed": employed,
            "coverage": share(n, employed),
            "age": Decimal(year * n - self.birth_years) / n if n else None,
            "stazh": Decimal(self.stazh) / n if n else None,
            "income": round_kzt(self.income / n) if n else None,
            "months": Decimal(self.months) / n if n else None,
            "low_income": self.low_income,
        }


@dataclass
class Coverage:
    total: dict[str, Any]
    by_region: list[dict[str, Any]]
    bands: list[dict[str, Any]]


def coverage_get(filters: ReportFilters) -> Coverage:
    summaries = CoverageSummary.objects.filter(year=filters.year)
    if filters.region is not None:
        summaries = summaries.filter(region=filters.region)
    rows = summaries.values(
        "region_id", "sex", "band", "persons", "months", "income", "birth_years", "stazh"
    )
    employed_rows = EmployedPopulation.objects.filter(year=filters.year)
    if filters.region is not None:
        employed_rows = employed_rows.filter(region=filters.region)
    employed = dict(employed_rows.values_list("region_id", "persons"))
    total_employed = employed_rows.aggregate(n=Sum("persons"))["n"]

    total, bands = Tally(), [0] * len(INCOME_BANDS)
    regions: dict[int | None, Tally] = {}
    for row in rows:
        total.add(row)
        regions.setdefault(row["region_id"], Tally()).add(row)
        bands[int(row["band"])] += int(row["persons"])
    names = Region.objects.in_bulk([r for r in regions if r is not None])
    by_region = [
        {
            "region": str(names[region_id]) if region_id in names else _("Region not stated"),
            "code": names[region_id].code if region_id in names else "",
            **tally.figures(
                year=filters.year,
                employed=None if region_id is None else employed.get(region_id),
            ),
        }
        for region_id, tally in regions.items()
    ]
    by_region.sort(key=lambda r: (r["code"] == "", r["code"]))
    return Coverage(
        total=total.figures(year=filters.year, employed=total_employed),
        by_region=by_region,
        bands=[
            {"band": band_label(i), "persons": n, "share": share(n, total.persons)}
            for i, n in enumerate(bands)
        ],
    )


COVERAGE_COLUMNS = (
    Column("persons", gettext_lazy("Participants"), COUNT),
    Column("men", gettext_lazy("Men"), COUNT),
    Column("women", gettext_lazy("Women"), COUNT),
    Column("employed", gettext_lazy("Employed population"), COUNT),
    Column("coverage", gettext_lazy("Share of the employed covered, %"), PERCENT),
    Column("age", gettext_lazy("Average age"), NUMBER),
    Column("stazh", gettext_lazy("Average participation, months"), NUMBER),
    Column("income", gettext_lazy("Average monthly income, tenge"), MONEY),
    Column("months", gettext_lazy("Months with contributions in the year, average"), NUMBER),
    Column("low_income", gettext_lazy("Income up to 120,000 tenge"), COUNT),
)


def coverage_tables(filters: ReportFilters) -> list[Table]:
    data = coverage_get(filters)
    by_region = Table(
        slug="coverage",
        title=_("Participants by region"),
        columns=(Column("region", gettext_lazy("Region"), TEXT), *COVERAGE_COLUMNS),
        rows=data.by_region,
        total={"region": _("Total"), **data.total} if data.by_region else None,
        note=_(
            "Participants: persons with at least one contribution for a month of the year; "
            "participation counts the months with contributions since 2005; income is the "
            "average monthly income implied by the contributions."
        ),
        chart=ChartSpec("bars", "region", ("persons",)),
    )
    bands = Table(
        slug="income-bands",
        title=_("Participants by average monthly income"),
        columns=(
            Column("band", gettext_lazy("Average monthly income, tenge"), TEXT),
            Column("persons", gettext_lazy("Participants"), COUNT),
            Column("share", gettext_lazy("Share, %"), PERCENT),
        ),
        rows=data.bands if data.total["persons"] else [],
        chart=ChartSpec("bars", "band", ("persons",)),
    )
    return [by_region, bands]
