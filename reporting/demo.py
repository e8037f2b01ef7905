"""Demo figures an administrator would enter: the employed population per year and region.

Generated from the demo's own participants so that the coverage KPI comes out near the
national 75.3 % of 2022 (domain.md), a little different by region; idempotent."""

import random
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Count
from django.db.models.functions import ExtractYear

from contributions.models import ContributionLine
from reporting.models import EmployedPopulation

NATIONAL_COVERAGE_2022 = Decimal("0.753")


@dataclass(frozen=True)
class DemoEmployed:
    rows: int


@transaction.atomic
def demo_employed_population_generate(*, seed: int) -> DemoEmployed:
    if EmployedPopulation.objects.exists():
        return DemoEmployed(0)
    rng = random.Random(seed)
    counts = (
        ContributionLine.objects.filter(
            kind=ContributionLine.Kind.CONTRIBUTION, person__region__isnull=False
        )
        .annotate(year=ExtractYear("period"))
        .values("year", "person__region_id")
        .annotate(persons=Count("person_id", distinct=True))
        .order_by("year", "person__region_id")
    )
    rows = [
        EmployedPopulation(
            year=row["year"],
            region_id=row["person__region_id"],
            persons=int(
                row["persons"] / (NATIONAL_COVERAGE_2022 + Decimal(rng.randrange(-60, 61)) / 1000)
            ),
            source="demo",
        )
        for row in counts
    ]
    EmployedPopulation.objects.bulk_create(rows)
    return DemoEmployed(len(rows))
