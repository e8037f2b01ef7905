"""Penalties on late social contributions (rules.md §2, D-1 and D-2).

A document's money for a period is late when its value date falls after the period's due date.
Each (document, period) is assessed once: the lines are grouped in SQL, the penalty of each
group is computed in Python (the base rate changes by the day), and the accruals are inserted
in bulk. ``penalties_assessed_at`` marks the documents done, so that running it again adds
nothing.
"""

import logging
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction

from django.db import transaction
from django.db.models import Sum
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


def penalties_accrue(*, document_ids: list[int] | None = None) -> PenaltyRun:
    """Assess every KNP 012 document not yet assessed (or only ``document_ids``), a batch of
    documents per transaction."""
    params = parameter_set()
    documents = accruals = 0
    amount = ZERO
    while True:
        batch = _penalties_accrue_batch(document_ids=document_ids, params=params)
        if batch.documents == 0:
            break
        documents += batch.documents
        accruals += batch.accruals
        amount += batch.amount
    logger.info("penalties accrued documents=%s accruals=%s", documents, accruals)
    return PenaltyRun(documents=documents, accruals=accruals, amount=amount)


@transaction.atomic
def _penalties_accrue_batch(*, document_ids: list[int] | None, params: ParameterSet) -> PenaltyRun:
    pending = PaymentDocument.objects.filter(
        knp=KNP_CONTRIBUTION, penalties_assessed_at__isnull=True
    ).order_by("pk")
    if document_ids is not None:
        pending = pending.filter(pk__in=document_ids)
    # Two workers never assess the same documents: each takes the rows the other has not locked.
    ids = list(
        pending.select_for_update(skip_locked=True, no_key=True).values_list("pk", flat=True)[
            :_DOCUMENTS_PER_BATCH
        ]
    )
    if not ids:
        return PenaltyRun(documents=0, accruals=0, amount=ZERO)
    groups = list(
        ContributionLine.objects.filter(document_id__in=ids, reverses__isnull=True)
        .values("document_id", "payer_id", "period", "value_date")
        .annotate(arrears=Sum("amount"))
        .values_list("document_id", "payer_id", "period", "value_date", "arrears")
        .order_by()
    )
    dues = due_dates((group[2] for group in groups), params=params)
    factors: dict[tuple[date, date], Fraction] = {}
    accruals = []
    for document_id, payer_id, period, paid_on, arrears in groups:
        due = dues[period]
        if paid_on <= due:
            continue
        factor = factors.get((due, paid_on))
        if factor is None:
            factor = factors[(due, paid_on)] = penalty_factor(
                due=due, paid_on=paid_on, params=params
            )
        accruals.append(
            PenaltyAccrual(
                document_id=document_id,
                payer_id=payer_id,
                period=period,
                due_date=due,
                paid_on=paid_on,
                days_late=(paid_on - due).days,
                arrears=arrears,
                amount=round_kzt(Fraction(arrears) * factor),
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
