"""Penalties on late social contributions (rules.md §2, D-1 and D-2).

A document's money for a period is late when its value date falls after the period's due date.
What the penalty is charged on is that money net of refunds: the sum of the document's ledger
rows for the period, reversals (refunds) and re-entries (bank returns) included, as income and
participation count them (``_paid_net``, the one definition both functions below use).

Each (document, period) is assessed once: the lines are grouped in SQL, the penalty of each
group is computed in Python (the base rate changes by the day), and the accruals are inserted
in bulk. ``penalties_assessed_at`` marks the documents done, so that running it again adds
nothing. When the ledger of an assessed document changes later (a refund reverses a line, a
bank return puts it back), ``penalties_reassess`` appends the difference between the penalty
on the new net and what was accrued: the rows of a (document, period) add up to the penalty on
what is paid now, however many refunds and returns came between, and running it again adds
nothing.
"""

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction

from django.db import transaction
from django.db.models import Min, Sum
from django.utils import timezone

from contributions.calculations import penalty_factor
from contributions.models import (
    KNP_CONTRIBUTION,
    ContributionLine,
    PaymentDocument,
    PenaltyAccrual,
)
from contributions.selectors import due_dates
from gfss.common.money import ZERO, round_kzt
from gfss.legal.params import ParameterSet
from gfss.legal.selectors import parameter_set

logger = logging.getLogger(__name__)

_DOCUMENTS_PER_BATCH = 1_000


@dataclass(frozen=True)
class PenaltyRun:
    documents: int
    accruals: int
    amount: Decimal


@dataclass(frozen=True)
class _Paid:
    """What one document paid for one period, net of refunds."""

    document_id: int
    payer_id: int
    period: date
    value_date: date
    net: Decimal


def _paid_net(document_ids: list[int], periods: Iterable[date] | None = None) -> list[_Paid]:
    """Per (document, period): the sum of every ledger row, reversals and re-entries included."""
    lines = ContributionLine.objects.filter(document_id__in=document_ids)
    if periods is not None:
        lines = lines.filter(period__in=sorted(set(periods)))
    rows = (
        lines.values("document_id", "payer_id", "period", "value_date")
        .annotate(net=Sum("amount"))
        .values_list("document_id", "payer_id", "period", "value_date", "net")
        .order_by()
    )
    return [_Paid(*row) for row in rows]


class _Factors:
    """The penalty factor of each (due date, payment date), computed once per run."""

    def __init__(self, params: ParameterSet) -> None:
        self.params = params
        self.known: dict[tuple[date, date], Fraction] = {}

    def penalty(self, net: Decimal, *, due: date, paid_on: date) -> Decimal:
        if net <= 0 or paid_on <= due:
            return ZERO
        factor = self.known.get((due, paid_on))
        if factor is None:
            factor = self.known[(due, paid_on)] = penalty_factor(
                due=due, paid_on=paid_on, params=self.params
            )
        return round_kzt(Fraction(net) * factor)


def penalties_accrue(*, document_ids: list[int] | None = None) -> PenaltyRun:
    """Assess every KNP 012 document not yet assessed (or only ``document_ids``), a batch of
    documents per transaction."""
    factors = _Factors(parameter_set())
    documents = accruals = 0
    amount = ZERO
    while True:
        batch = _penalties_accrue_batch(document_ids=document_ids, factors=factors)
        if batch.documents == 0:
            break
        documents += batch.documents
        accruals += batch.accruals
        amount += batch.amount
    logger.info("penalties accrued documents=%s accruals=%s", documents, accruals)
    return PenaltyRun(documents=documents, accruals=accruals, amount=amount)


@transaction.atomic
def _penalties_accrue_batch(*, document_ids: list[int] | None, factors: _Factors) -> PenaltyRun:
    pending = PaymentDocument.objects.filter(
        knp=KNP_CONTRIBUTION, penalties_assessed_at__isnull=True
    ).order_by("pk")
    if document_ids is not None:
        pending = pending.filter(pk__in=document_ids)
    # Two workers never assess the same documents: each takes the rows the other has not locked,
    # and a refund in progress holds its documents' rows (``penalties_reassess``) until it ends.
    ids = list(
        pending.select_for_update(skip_locked=True, no_key=True).values_list("pk", flat=True)[
            :_DOCUMENTS_PER_BATCH
        ]
    )
    if not ids:
        return PenaltyRun(documents=0, accruals=0, amount=ZERO)
    groups = _paid_net(ids)
    dues = due_dates((group.period for group in groups), params=factors.params)
    accruals = []
    for group in groups:
        due = dues[group.period]
        if group.net <= 0 or group.value_date <= due:
            continue
        accruals.append(
            PenaltyAccrual(
                document_id=group.document_id,
                payer_id=group.payer_id,
                kind=PenaltyAccrual.Kind.LATE_PAYMENT,
                period=group.period,
                due_date=due,
                paid_on=group.value_date,
                days_late=(group.value_date - due).days,
                arrears=group.net,
                amount=factors.penalty(group.net, due=due, paid_on=group.value_date),
            )
        )
    PenaltyAccrual.objects.bulk_create(accruals, batch_size=2_000, ignore_conflicts=True)
    PaymentDocument.objects.filter(pk__in=ids).update(
        penalties_assessed_at=timezone.now(), updated_at=timezone.now()
    )
    return PenaltyRun(
        documents=len(ids),
        accruals=len(accruals),
        amount=sum((a.amount for a in accruals), ZERO),
    )


@transaction.atomic
def penalties_reassess(*, changed: Iterable[tuple[int | None, date]]) -> PenaltyRun:
    """The ledger rows of these (document, period) changed (a refund, a bank return): each
    assessed one gets a row bringing its penalty to the penalty on its new net. Documents not
    yet assessed are left to ``penalties_accrue``, which reads the net too."""
    wanted = {(document_id, period) for document_id, period in changed if document_id}
    if not wanted:
        return PenaltyRun(documents=0, accruals=0, amount=ZERO)
    # Locked, assessed or not, so that the nightly assessment (which skips locked documents)
    # never reads the ledger of one while its refund is being written.
    assessed = set(
        PaymentDocument.objects.filter(pk__in=sorted({d for d, _p in wanted}))
        .order_by("pk")
        .select_for_update(no_key=True)
        .filter(knp=KNP_CONTRIBUTION, penalties_assessed_at__isnull=False)
        .values_list("pk", flat=True)
    )
    wanted = {(d, p) for d, p in wanted if d in assessed}
    if not wanted:
        return PenaltyRun(documents=0, accruals=0, amount=ZERO)
    periods = {p for _d, p in wanted}
    groups = [
        g for g in _paid_net(sorted(assessed), periods) if (g.document_id, g.period) in wanted
    ]
    # The due date stays the one the payment was assessed against.
    accrued = {
        (row["document_id"], row["period"]): row
        for row in PenaltyAccrual.objects.filter(
            document_id__in=sorted(assessed), period__in=sorted(periods)
        )
        .values("document_id", "period")
        .annotate(arrears=Sum("arrears"), amount=Sum("amount"), due=Min("due_date"))
        .values("document_id", "period", "arrears", "amount", "due")
        .order_by()
    }
    factors = _Factors(parameter_set())
    dues = due_dates(periods, params=factors.params)
    rows = []
    for group in groups:
        before = accrued.get((group.document_id, group.period))
        due = before["due"] if before else dues[group.period]
        if group.value_date <= due:
            continue
        arrears_before = before["arrears"] if before else ZERO
        amount_before = before["amount"] if before else ZERO
        arrears = max(group.net, ZERO)
        amount = factors.penalty(arrears, due=due, paid_on=group.value_date)
        if arrears == arrears_before and amount == amount_before:
            continue
        rows.append(
            PenaltyAccrual(
                document_id=group.document_id,
                payer_id=group.payer_id,
                kind=PenaltyAccrual.Kind.REFUND
                if arrears < arrears_before
                else PenaltyAccrual.Kind.REFUND_RETURNED,
                period=group.period,
                due_date=due,
                paid_on=group.value_date,
                days_late=(group.value_date - due).days,
                arrears=arrears - arrears_before,
                amount=amount - amount_before,
            )
        )
    PenaltyAccrual.objects.bulk_create(rows, batch_size=2_000)
    return PenaltyRun(
        documents=len({row.document_id for row in rows}),
        accruals=len(rows),
        amount=sum((row.amount for row in rows), ZERO),
    )
