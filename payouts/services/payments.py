"""The monthly payment run: settle what changed, pay what is due, recover what was overpaid.

A run for a month is a batch run over award ids. Each chunk, in one transaction with the
awards' accounts locked: settles the awards changed since their last settlement
(``settlement``), adds a regular line for each month due and not yet paid (the month itself
and catch-up), a top-up line for each underpayment found, and the deductions that recover
overpayments. What is due comes from the one entitlement (``benefits.entitlement``); the
same code runs on PostgreSQL and SQLite. Running the month again adds nothing: a regular
line is unique per award and month, a top-up per underpayment.
"""

import logging
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Count, F, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from benefits.entitlement import AwardEntitlement, entitlements
from benefits.models import Award
from gfss.common.bulk import rows_update
from gfss.common.exceptions import ApplicationError, ConflictError
from gfss.common.money import ZERO
from gfss.common.periods import add_months, month_start, next_period
from gfss.jobs.models import BatchRun
from gfss.jobs.registry import ChunkOutcome, Scope
from gfss.jobs.services import batchrun_start
from payouts import rules
from payouts.models import (
    AwardAccount,
    Overpayment,
    Payment,
    PaymentRun,
    Recovery,
    Underpayment,
)
from payouts.services.settlement import Settled, accounts_lock, last_regular_paid, settle

logger = logging.getLogger(__name__)

PAYMENT_JOB_KIND = "payment_run"
# One payment run at a time, whatever the month: deductions read the overpayment balances,
# and two runs deducting from the same balance at once could together take more than it.
PAYMENT_JOB_KEY = "payment_run"


class PeriodInFutureError(ApplicationError):
    def __init__(self, *, period: date) -> None:
        super().__init__(
            _("Payments for %(period)s cannot be run before the month has begun.")
            % {"period": f"{period:%m.%Y}"},
            code="period_in_future",
            extra={"period": period.isoformat()},
        )


def closed_error(period: date) -> ConflictError:
    return ConflictError(
        f"The payments of {period:%Y-%m} are closed; a closed month is final and cannot be "
        "run again (late changes are paid as catch-up in the next open month).",
        code="payment_run_closed",
        extra={"period": period.isoformat()},
    )


@transaction.atomic
def payment_run_start(
    *, period: date, actor: Any | None, chunk_size: int | None = None
) -> BatchRun:
    """Start (or re-run: it adds only what is missing) the payments of an open month."""
    period = month_start(period)
    if period > month_start(timezone.localdate()):
        raise PeriodInFutureError(period=period)
    run, _ = PaymentRun.objects.get_or_create(period=period, defaults={"created_by": actor})
    run = PaymentRun.objects.select_for_update(no_key=True).get(pk=run.pk)
    if run.status == PaymentRun.Status.CLOSED:
        raise closed_error(period)
    return batchrun_start(
        kind=PAYMENT_JOB_KIND,
        params={"period": period.isoformat()},
        actor=actor,
        key=PAYMENT_JOB_KEY,
        chunk_size=chunk_size,
    )


def run_awards(period: date) -> QuerySet[Award]:
    """The awards a run for ``period`` looks at: any with a month it may pay, any with a change
    not yet settled, any with top-ups waiting."""
    floor = add_months(period, 1 - rules.CATCH_UP_MONTHS)
    in_window = (
        Q(start_date__lt=next_period(period))
        & (Q(end_date__isnull=True) | Q(end_date__gt=floor))
        & (Q(terminated_on__isnull=True) | Q(terminated_on__gt=floor))
    )
    unsettled = Q(account__isnull=True) | Q(account__settled_revision__lt=F("revision"))
    return Award.objects.filter(
        in_window | unsettled | Q(account__top_ups_pending__gt=0),
        start_date__lt=next_period(period),
    )


@dataclass
class RunOutcome:
    """What one chunk of a run did."""

    settled: Settled
    regular: int = 0
    top_ups: int = 0
    deductions: int = 0
    deducted: Decimal = ZERO


def _regular_lines(
    run: PaymentRun, award_ids: list[int], entitled: dict[int, AwardEntitlement]
) -> list[Payment]:
    """A regular line for every month due and never paid since the award's last paid month,
    at most ``CATCH_UP_MONTHS`` back (a month before it was settled by a top-up instead)."""
    floor = add_months(run.period, 1 - rules.CATCH_UP_MONTHS)
    last_paid = last_regular_paid(award_ids)
    lines = []
    for award_id in award_ids:
        entitlement = entitled[award_id]
        after = last_paid.get(award_id)
        for month in entitlement.months(through=run.period):
            if month < floor or (after is not None and month <= after):
                continue
            due = entitlement.due(month)
            if due.net <= 0:
                continue
            lines.append(
                Payment(
                    run=run,
                    kind=Payment.Kind.REGULAR,
                    award_id=award_id,
                    benefit=entitlement.benefit,
                    period=month,
                    gross=due.gross,
                    opv=due.opv,
                    net=due.net,
                )
            )
    return lines


def _top_up_lines(run: PaymentRun, award_ids: list[int], benefits: dict[int, str]) -> list[Payment]:
    pending = Underpayment.objects.filter(
        award_id__in=award_ids, payment__isnull=True, period__lte=run.period
    ).order_by("award_id", "period", "id")
    return [
        Payment(
            run=run,
            kind=Payment.Kind.TOP_UP,
            underpayment=u,
            award_id=u.award_id,
            benefit=benefits[u.award_id],
            period=u.period,
            gross=u.gross,
            opv=u.opv,
            net=u.net,
        )
        for u in pending
    ]


def _deduct(lines: list[Payment], accounts: dict[int, AwardAccount]) -> None:
    """Take what is left to recover from the award's lines: top-ups first, then each regular
    line up to its cap, in month order (rules.deductions)."""
    by_award: dict[int, list[Payment]] = {}
    for line in lines:
        line.deduction = ZERO
        if accounts[line.award_id].balance > 0:
            by_award.setdefault(line.award_id, []).append(line)
    for award_id, award_lines in by_award.items():
        award_lines.sort(key=lambda p: (p.kind != Payment.Kind.TOP_UP, p.period))
        caps = [
            rules.top_up_deduction_cap(p.net)
            if p.kind == Payment.Kind.TOP_UP
            else rules.deduction_cap(p.net, benefit=p.benefit)
            for p in award_lines
        ]
        taken = rules.deductions(caps, balance=accounts[award_id].balance)
        for line, deduction in zip(award_lines, taken, strict=True):
            line.deduction = deduction
            accounts[award_id].balance -= deduction


def awards_pay(run: PaymentRun, award_ids: list[int], *, batch_run_id: int | None) -> RunOutcome:
    """Settle these awards' changes, then add their lines to the run: regular months, top-ups,
    and the deductions that recover overpayments. One transaction, the accounts locked."""
    if not award_ids:
        return RunOutcome(settled=Settled())
    accounts = accounts_lock(award_ids)
    entitled = entitlements(award_ids)
    settled = settle(award_ids, entitled=entitled, accounts=accounts, batch_run_id=batch_run_id)
    benefits = {pk: e.benefit for pk, e in entitled.items()}
    lines = _regular_lines(run, award_ids, entitled) + _top_up_lines(run, award_ids, benefits)
    _deduct(lines, accounts)
    for line in lines:
        line.payable = line.net - line.deduction
    Payment.objects.bulk_create(lines, batch_size=5000)
    recoveries = [
        Recovery(
            award_id=p.award_id,
            kind=Recovery.Kind.DEDUCTION,
            amount=p.deduction,
            payment=p,
            received_on=run.period,
        )
        for p in lines
        if p.deduction > 0
    ]
    Recovery.objects.bulk_create(recoveries, batch_size=5000)
    top_ups = [p for p in lines if p.kind == Payment.Kind.TOP_UP]
    for line in top_ups:
        accounts[line.award_id].top_ups_pending -= line.net
    touched = {p.award_id for p in lines}
    rows_update(
        AwardAccount,
        ["balance", "top_ups_pending"],
        (
            (accounts[pk].pk, accounts[pk].balance, accounts[pk].top_ups_pending)
            for pk in sorted(touched)
        ),
    )
    return RunOutcome(
        settled=settled,
        regular=len(lines) - len(top_ups),
        top_ups=len(top_ups),
        deductions=len(recoveries),
        deducted=sum((r.amount for r in recoveries), ZERO),
    )


class PaymentRunJob:
    """The batch-job kind of a month's payments, chunk by chunk of award ids."""

    chunk_size = 20_000

    def scope(self, params: dict[str, Any]) -> Scope:
        awards = run_awards(date.fromisoformat(params["period"])).distinct()
        upper = awards.order_by("-pk").values_list("pk", flat=True).first() or 0
        return Scope(total=awards.count(), upper_id=upper)

    def run_chunk(
        self, *, run_id: int, params: dict[str, Any], after_id: int, upper_id: int, limit: int
    ) -> ChunkOutcome:
        period = date.fromisoformat(params["period"])
        run = PaymentRun.objects.select_for_update(no_key=True).get(period=period)
        if run.status == PaymentRun.Status.CLOSED:
            raise closed_error(period)
        ids = list(
            run_awards(period)
            .filter(pk__gt=after_id, pk__lte=upper_id)
            .order_by("pk")
            .values_list("pk", flat=True)
            .distinct()[:limit]
        )
        if not ids:
            return ChunkOutcome(last_id=upper_id, done=0, changed=0, skipped=0)
        outcome = awards_pay(run, ids, batch_run_id=run_id)
        changed = outcome.regular + outcome.top_ups
        return ChunkOutcome(last_id=ids[-1], done=len(ids), changed=changed, skipped=0)

    def finish(self, *, run_id: int, params: dict[str, Any]) -> dict[str, Any]:
        """Store the month's totals on its run (the list of runs reads them, never sums)."""
        period = date.fromisoformat(params["period"])
        run = PaymentRun.objects.select_for_update(no_key=True).get(period=period)
        sums = Payment.objects.filter(run=run).aggregate(
            lines=Count("id"),
            **{
                name: Sum(name, default=ZERO)
                for name in ("gross", "opv", "net", "deduction", "payable")
            },
        )
        for name, value in sums.items():
            setattr(run, name, value)
        run.totals_at = timezone.now()
        run.save(update_fields=[*sums, "totals_at", "updated_at"])
        return run_totals(period=period, batch_run_id=run_id)


def run_totals(*, period: date, batch_run_id: int | None = None) -> dict[str, Any]:
    """The month's lines and money, and what the settlements of this batch run found."""
    lines = Payment.objects.filter(run__period=period).aggregate(
        lines=Count("id"),
        top_ups=Count("id", filter=Q(kind=Payment.Kind.TOP_UP)),
        top_up_net=Sum("net", filter=Q(kind=Payment.Kind.TOP_UP), default=ZERO),
        payable=Sum("payable", default=ZERO),
        deducted=Sum("deduction", default=ZERO),
    )
    found = Overpayment.objects.filter(batch_run_id=batch_run_id).aggregate(
        overpayments=Count("id"), overpaid=Sum("amount", default=ZERO)
    )
    return {
        "period": period.isoformat(),
        "lines": lines["lines"],
        "top_ups": lines["top_ups"],
        "top_up_net": str(lines["top_up_net"]),
        "payable": str(lines["payable"]),
        "deducted": str(lines["deducted"]),
        "overpayments": found["overpayments"],
        "overpaid": str(found["overpaid"]),
    }
