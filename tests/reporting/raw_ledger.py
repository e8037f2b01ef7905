"""What the monitoring should list, counted in Python from the raw ledger: the oracle the
summary-based monitoring is held to."""

from collections import defaultdict
from datetime import date
from decimal import Decimal

from contributions.models import ContributionLine
from gfss.common.periods import add_months
from participants.models import Payer
from reporting.indicators.payers import FallingPayer, large_payer_participants


def falling_payers_from_ledger(month: date, region_code: str | None = None) -> list[FallingPayer]:
    previous = add_months(month, -1)
    # A person counts for a payer and month whose contributions, refunds netted, are above 0.
    paid: dict[tuple[int, date, int], Decimal] = defaultdict(Decimal)
    lines = ContributionLine.objects.filter(
        period__in=[previous, month], kind=ContributionLine.Kind.CONTRIBUTION
    )
    for payer_id, period, person_id, amount in lines.values_list(
        "payer_id", "period", "person_id", "amount"
    ):
        paid[payer_id, period, person_id] += amount
    persons: dict[tuple[int, date], set[int]] = defaultdict(set)
    for (payer_id, period, person_id), amount in paid.items():
        if amount > 0:
            persons[payer_id, period].add(person_id)
    threshold = large_payer_participants(month)
    listed = []
    for payer in Payer.objects.select_related("region"):
        before, now = len(persons[payer.pk, previous]), len(persons[payer.pk, month])
        if before < threshold or now * 2 > before:
            continue
        if region_code and (payer.region is None or payer.region.code != region_code):
            continue
        listed.append(FallingPayer(payer.pk, payer.idn, payer.name, payer.region, before, now))
    return sorted(listed, key=lambda p: (p.region.code if p.region else "", p.idn))
