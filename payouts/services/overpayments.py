"""Repayments: money a person pays back on an award's overpayment.

Overpayments themselves are found by the settlement (``settlement``) and recovered by the
runs' deductions; a repayment is recorded here. Both lock the award's account first, so they
can never take the same balance twice, and the account's balance cannot go below zero.
"""

from datetime import date
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from benefits.models import Award
from gfss.common import display
from gfss.common.exceptions import ApplicationError, ConflictError, NotFoundError
from gfss.org.actors import Actor
from payouts.models import Recovery
from payouts.services.settlement import accounts_lock


@transaction.atomic
def repayment_record(
    *,
    award_id: int,
    amount: Decimal,
    received_on: date,
    bank_reference: str,
    actor: Actor | None,
    note: str = "",
) -> Recovery:
    """Money the person paid back, with the bank's reference; at most the balance left."""
    if not Award.objects.filter(pk=award_id).exists():
        raise NotFoundError(_("No such award."), code="award_not_found")
    bank_reference = bank_reference.strip()
    if not bank_reference:
        raise ApplicationError(
            _("Give the bank's reference of the repayment."), code="repayment_reference_missing"
        )
    if amount <= 0:
        raise ApplicationError(_("A repayment must be positive."), code="repayment_not_positive")
    account = accounts_lock([award_id])[award_id]
    if Recovery.objects.filter(
        award_id=award_id, kind=Recovery.Kind.REPAYMENT, bank_reference=bank_reference
    ).exists():
        raise ConflictError(
            _("The repayment with the bank reference %(reference)s is already recorded.")
            % {"reference": bank_reference},
            code="repayment_reference_used",
            extra={"bank_reference": bank_reference},
        )
    if amount > account.balance:
        raise ApplicationError(
            _("The repayment %(amount)s is more than the %(balance)s left to recover.")
            % {"amount": display.money(amount), "balance": display.money(account.balance)},
            code="repayment_exceeds_balance",
            extra={"balance": str(account.balance)},
        )
    recovery = Recovery(
        award_id=award_id,
        kind=Recovery.Kind.REPAYMENT,
        amount=amount,
        received_on=received_on,
        bank_reference=bank_reference,
        note=note,
        recorded_by=actor,
    )
    recovery.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            recovery.save()
    except IntegrityError:
        raise ConflictError(
            _("The repayment with the bank reference %(reference)s is already recorded.")
            % {"reference": bank_reference},
            code="repayment_reference_used",
        ) from None
    account.balance -= amount
    account.save(update_fields=["balance", "updated_at"])
    return recovery
