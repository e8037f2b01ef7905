"""Property: whatever happens to an award and whenever it is recorded, once everything is
settled the money paid less the money recovered is exactly what was due.

The test draws a sequence of monthly runs with changes recorded between them, each effective
from a month up to the one being run (so most reach back into paid months): indexations,
recalculations, suspensions, resumptions and a death. What is due is computed here from the
sequence itself (its own small oracle, in exact fractions), not from the entitlement.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest
from django.db import transaction
from django.db.models import Sum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from benefits.models import AwardAmount
from benefits.services.amount_chain import Link, amount_chain_extend
from benefits.services.award_decisions import award_resume, award_suspend, awards_end_reported
from gfss.common.exceptions import ApplicationError
from gfss.common.money import ZERO, round_kzt
from gfss.common.periods import add_months
from payouts.models import AwardAccount, Payment, Recovery
from payouts.services.overpayments import repayment_record
from tests.payouts.test_settlement import case_award, run

pytestmark = pytest.mark.django_db

FIRST = date(2025, 3, 1)  # the e-case award's first month
MONTHS = 9
OPV = Fraction(1, 10)


def month(index: int) -> date:
    return add_months(FIRST, index)


change = st.one_of(
    st.tuples(st.just("index"), st.sampled_from(["5", "4", "8.5", "10", "-3"])),
    st.tuples(st.just("recalc"), st.decimals("30000.00", "120000.00", places=2)),
    st.tuples(st.just("suspend"), st.none()),
    st.tuples(st.just("resume"), st.none()),
    st.tuples(st.just("death"), st.none()),
)
# (run index at which it is recorded, months back from that run it takes effect, the change)
step = st.tuples(st.integers(0, MONTHS - 1), st.integers(0, 4), change)


@dataclass
class Oracle:
    """What is due per month, from the accepted changes alone."""

    base: Decimal
    bases: list[tuple[int, Decimal]] = field(default_factory=list)
    events: list[tuple[int, int, Fraction]] = field(default_factory=list)  # month, seq, factor
    holds: list[list[int | None]] = field(default_factory=list)
    death: int | None = None

    def gross(self, m: int) -> Decimal:
        bases = [(at, b) for at, b in [(0, self.base), *self.bases] if at <= m]
        value = bases[-1][1] if bases else self.base
        for at, _, factor in sorted(self.events):
            if at <= m:
                value = round_kzt(Fraction(value) * factor)
        return value

    def due_net(self, m: int) -> Decimal:
        if self.death is not None and m >= self.death:
            return ZERO
        if any(start <= m and (end is None or end > m) for start, end in self.holds):
            return ZERO
        gross = self.gross(m)
        return gross - round_kzt(Fraction(gross) * OPV)


@settings(
    max_examples=6,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(step, max_size=7))
def test_paid_less_recovered_is_what_was_due(specialist, steps) -> None:
    with transaction.atomic():
        _check(specialist, steps)
        transaction.set_rollback(True)


def _check(specialist, steps) -> None:
    award = case_award(specialist, gross="50000.00")
    oracle = Oracle(base=Decimal("50000.00"))
    sequence = 0
    for run_index in range(MONTHS):
        for at, back, (kind, value) in sorted(steps, key=lambda s: s[0]):
            if at != run_index:
                continue
            effective = max(0, run_index - back)
            # The award starts on 2025-03-10: a change from its first month is from that day.
            day = max(month(effective), award.start_date)
            sequence += 1
            try:
                if kind in ("index", "recalc"):
                    link = (
                        Link(
                            valid_from=day,
                            reason=AwardAmount.Reason.INDEXATION,
                            event=sequence,
                            step={"percent": value},
                        )
                        if kind == "index"
                        else Link(
                            valid_from=day,
                            reason=AwardAmount.Reason.RECALCULATION,
                            base=value,
                        )
                    )
                    amount_chain_extend({award.pk: [link]}, actor_id=specialist.pk)
                elif kind == "suspend":
                    award_suspend(
                        actor=specialist,
                        award_id=award.pk,
                        effective_date=day,
                        reason="p",
                    )
                elif kind == "resume":
                    award_resume(
                        actor=specialist,
                        award_id=award.pk,
                        effective_date=day,
                        reason="p",
                    )
                else:
                    if oracle.death is not None:
                        continue
                    awards_end_reported(
                        actor=specialist,
                        award_ids=[award.pk],
                        effective_date=day,
                        reason="p",
                    )
            except ApplicationError:
                continue
            if kind == "index":
                oracle.events.append((effective, sequence, 1 + Fraction(Decimal(value)) / 100))
            elif kind == "recalc":
                oracle.bases = [(at_, b) for at_, b in oracle.bases if at_ != effective]
                oracle.bases.append((effective, value))
                oracle.bases.sort()
            elif kind == "suspend":
                oracle.holds.append([effective, None])
            elif kind == "resume":
                oracle.holds[-1][1] = effective
            elif oracle.death is None or effective < oracle.death:
                oracle.death = effective
        run(month(run_index))
    # One more run pays the top-ups still waiting; the balance left is repaid.
    run(month(MONTHS))
    account = AwardAccount.objects.get(award=award)
    if account.balance:
        repayment_record(
            award_id=award.pk,
            amount=account.balance,
            received_on=month(MONTHS),
            bank_reference="final",
            actor=specialist,
        )
    account.refresh_from_db()
    assert (account.balance, account.top_ups_pending) == (ZERO, ZERO)
    paid = Payment.objects.filter(award=award).aggregate(s=Sum("net", default=ZERO))["s"]
    recovered = Recovery.objects.filter(award=award).aggregate(s=Sum("amount", default=ZERO))["s"]
    due = sum((oracle.due_net(m) for m in range(MONTHS + 1)), ZERO)
    assert paid - recovered == due
