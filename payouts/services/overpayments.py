"""Overpayments: months paid beyond a corrected entitlement, and their recovery."""

import logging
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Sum

from benefits.models import Award
from gfss.common.exceptions import ApplicationError, NotFoundError
from gfss.common.money import ZERO
from gfss.common.periods import month_start
from payouts.models import Overpayment, Payment, Recovery
from payouts.selectors import entitled_net, overpayment_balance

logger = logging.getLogger(__name__)


def _award_locked(award_id: int) -> Award:
    award = Award.objects.select_for_update(of=("self",), no_key=True).filter(pk=award_id).first()
    if award is None:
        raise NotFoundError("No such award.", code="award_not_found")
    return award


@transaction.atomic
def overpayment_detect(
    *, award_id: int, from_date: date, actor: Any | None = None
) -> list[Overpayment]:
    """Compare the months paid from ``from_date`` with the entitlement as it stands now.

    Call it after the change that reaches back is recorded (the award terminated from a past
    date, an amount appended from a past date). Each month paid above its entitlement gets an
    overpayment row for the part not already recorded, so detecting twice adds nothing.
    """
    award = _award_locked(award_id)
    payments = list(
        Payment.objects.filter(award=award, period__gte=month_start(from_date))
        .annotate(recorded=Sum("overpayments__amount", default=ZERO))
        .order_by("period")
    )
    found = []
    for payment in payments:
        entitled = entitled_net(award=award, period=payment.period)
        excess = payment.net - entitled - payment.recorded
        if excess > 0:
            found.append(
                Overpayment(
                    award=award,
                    payment=payment,
                    period=payment.period,
                    amount=excess,
                    paid_net=payment.net,
                    entitled_net=entitled,
                    detected_from=from_date,
                    created_by=actor,
                )
            )
    Overpayment.objects.bulk_create(found)
    if found:
        logger.info("overpayment detected award=%s months=%s", award.pk, len(found))
    return found


@transaction.atomic
def repayment_record(
    *, award_id: int, amount: Decimal, received_on: date, actor: Any | None, note: str = ""
) -> Recovery:
    """Money the person paid back; at most the balance still to recover."""
    award = _award_locked(award_id)
    if amount <= 0:
        raise ApplicationError("A repayment must be positive.", code="repayment_not_positive")
    balance = overpayment_balance(award_id=award.pk)
    if amount > balance:
        raise ApplicationError(
            f"The repayment {amount} is more than the {balance} left to recover.",
            code="repayment_exceeds_balance",
            extra={"balance": str(balance)},
        )
    recovery = Recovery(
        award=award,
        kind=Recovery.Kind.REPAYMENT,
        amount=amount,
        received_on=received_on,
        note=note,
        recorded_by=actor,
    )
    recovery.full_clean()
    recovery.save()
    return recovery
