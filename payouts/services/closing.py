"""Closing a month: the month becomes final and the payout file of each benefit is built."""

import hashlib
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from gfss.common.exceptions import ConflictError
from gfss.common.periods import month_start
from gfss.jobs.models import BatchRun
from payouts.models import PAYOUT_KNP, Payment, PaymentRun, PayoutFile
from payouts.services.payments import PAYMENT_JOB_KIND, closed_error


@transaction.atomic(durable=True)
def payment_run_close(*, period: date, actor: Any | None) -> PaymentRun:
    """Close the month: no more lines for it; the payout file of each benefit is built."""
    period = month_start(period)
    run = PaymentRun.objects.select_for_update(no_key=True).filter(period=period).first()
    if run is None:
        raise ConflictError(f"No payments were run for {period:%Y-%m}.", code="payment_run_missing")
    if run.status == PaymentRun.Status.CLOSED:
        raise closed_error(period)
    if BatchRun.objects.filter(kind=PAYMENT_JOB_KIND, status__in=BatchRun.ACTIVE_STATUSES).exists():
        raise ConflictError(
            "A payment run is in progress; close the month when it has finished.",
            code="payment_run_in_progress",
        )
    run.status = PaymentRun.Status.CLOSED
    run.closed_at = timezone.now()
    run.closed_by = actor
    run.save(update_fields=["status", "closed_at", "closed_by", "updated_at"])
    payout_files_build(run=run)
    return run


def payout_files_build(*, run: PaymentRun) -> list[PayoutFile]:
    """One MT-102 document per benefit of the run (docs/mt102.md, KNP by benefit)."""
    from payouts.payout_file import payout_document

    files = []
    benefits = (
        Payment.objects.filter(run=run)
        .order_by("benefit")
        .values_list("benefit", flat=True)
        .distinct()
    )
    for benefit in benefits:
        payments = (
            Payment.objects.filter(run=run, benefit=benefit, payable__gt=0)
            .select_related("award__person")
            .order_by("pk")
        )
        reference = f"GFSS{run.period:%y%m}{PAYOUT_KNP[benefit]}{benefit[:3].upper()}"[:16]
        content, lines, total = payout_document(
            reference=reference, knp=PAYOUT_KNP[benefit], period=run.period, payments=payments
        )
        files.append(
            PayoutFile.objects.create(
                run=run,
                benefit=benefit,
                knp=PAYOUT_KNP[benefit],
                reference=reference,
                lines=lines,
                total=total,
                content=content,
                sha256=hashlib.sha256(content).hexdigest(),
            )
        )
    return files
