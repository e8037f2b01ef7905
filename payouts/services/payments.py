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

from django.db import connection, transaction
from django.db.models import Count, F, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from benefits.entitlement import due_sql, month_span, months_sql
from benefits.models import Award
from contributions.calculations import FIRST_PERIOD
from contributions.periods import period_in_window
from gfss.common import display
from gfss.common.bulk import rows_update, set_based_statements
from gfss.common.exceptions import ApplicationError, ConflictError
from gfss.common.money import ZERO
from gfss.common.periods import add_months, month_start, next_period
from gfss.jobs.models import BatchRun
from gfss.jobs.registry import ChunkOutcome, Scope
from gfss.jobs.services import batchrun_start
from gfss.org.actors import Actor
from payouts import rules
from payouts.models import (
    AwardAccount,
    Overpayment,
    Payment,
    PaymentRun,
    Recovery,
)
from payouts.services.settlement import Settled, settle_range

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
        _(
            "The payments of %(period)s are closed; a closed month is final and cannot be run again (late changes are paid as catch-up in the next open month)."
        )
        % {"period": display.month(period)},
        code="payment_run_closed",
        extra={"period": period.isoformat()},
    )


@transaction.atomic
def payment_run_start(
    *, period: date, actor: Actor | None, chunk_size: int | None = None
) -> BatchRun:
    """Start (or re-run: it adds only what is missing) the payments of an open month."""
    period = month_start(period)
    if period < FIRST_PERIOD:
        # No award is paid before the first month of contributions (a month after the current
        # one is refused below as in the future).
        period_in_window(period, field="period")
    if period > month_start(timezone.localdate()):
        raise PeriodInFutureError(period=period)
    run, _created = PaymentRun.objects.get_or_create(period=period, defaults={"created_by": actor})
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


def _new_uuid() -> str:
    """A new line's uuid made by the database (SQLite: 32 hex digits, as Django stores it)."""
    if connection.vendor == "postgresql":
        return "gen_random_uuid()"
    return "lower(hex(randomblob(16)))"


_PAYMENT_COLUMNS = (
    "created_at, updated_at, uuid, kind, underpayment_id, run_id, award_id, benefit, period, "
    "gross, opv, net, deduction, payable"
)
# The months a run may pay an award: from its catch-up floor to the run's month, after the
# award's last regular line; the entitlement says which are due.
_REGULAR_CANDIDATES = """
    SELECT a.id AS award_id, mo.period AS period, mo.period_next AS period_next
    FROM benefits_award a
    JOIN ({months}) mo ON mo.period_next > a.start_date
    LEFT JOIN (SELECT p.award_id, MAX(p.period) AS last FROM payouts_payment p
               WHERE p.kind = 'regular' AND p.award_id > %(lo)s AND p.award_id <= %(hi)s
               GROUP BY p.award_id) lp ON lp.award_id = a.id
    WHERE a.id > %(lo)s AND a.id <= %(hi)s AND (lp.last IS NULL OR mo.period > lp.last)
      AND (a.end_date IS NULL OR a.end_date > %(floor)s)
      AND (a.terminated_on IS NULL OR a.terminated_on > %(floor)s)"""


def _deduct(lines: list[Payment], balances: dict[int, Decimal]) -> None:
    """Take what is left to recover from the award's lines: top-ups first, then each regular
    line up to its cap, in month order (rules.deductions)."""
    by_award: dict[int, list[Payment]] = {}
    for line in lines:
        line.deduction = ZERO
        by_award.setdefault(line.award_id, []).append(line)
    for award_id, award_lines in by_award.items():
        award_lines.sort(key=lambda p: (p.kind != Payment.Kind.TOP_UP, p.period))
        caps = [
            rules.top_up_deduction_cap(p.net)
            if p.kind == Payment.Kind.TOP_UP
            else rules.deduction_cap(p.net, benefit=p.benefit)
            for p in award_lines
        ]
        taken = rules.deductions(caps, balance=balances[award_id])
        for line, deduction in zip(award_lines, taken, strict=True):
            line.deduction = deduction
            balances[award_id] -= deduction


def _recover(run: PaymentRun, lo: int, hi: int, *, after_line: int) -> list[Recovery]:
    """The deductions from this chunk's new lines of the awards with a balance to recover."""
    balances = dict(
        AwardAccount.objects.filter(award_id__gt=lo, award_id__lte=hi, balance__gt=0)
        .order_by("award_id")
        .values_list("award_id", "balance")
    )
    if not balances:
        return []
    lines = list(Payment.objects.filter(award_id__in=list(balances), id__gt=after_line))
    _deduct(lines, balances)
    taken = [p for p in lines if p.deduction > 0]
    rows_update(
        Payment,
        ["deduction", "payable"],
        ((p.pk, p.deduction, p.net - p.deduction) for p in taken),
    )
    recoveries = [
        Recovery(
            award_id=p.award_id,
            kind=Recovery.Kind.DEDUCTION,
            amount=p.deduction,
            payment=p,
            received_on=run.period,
        )
        for p in taken
    ]
    Recovery.objects.bulk_create(recoveries, batch_size=5000)
    account_ids = dict(
        AwardAccount.objects.filter(award_id__in={p.award_id for p in taken}).values_list(
            "award_id", "pk"
        )
    )
    rows_update(
        AwardAccount,
        ["balance"],
        ((pk, balances[award_id]) for award_id, pk in sorted(account_ids.items())),
    )
    return recoveries


def awards_pay(run: PaymentRun, lo: int, hi: int, *, batch_run_id: int | None) -> RunOutcome:
    """Settle the changes of the awards lo < id <= hi, then add their lines to the run:
    regular months, top-ups, and the deductions that recover overpayments. One transaction,
    the accounts locked; a few statements over the range, whatever its size."""
    set_based_statements()
    settled = settle_range(lo, hi, batch_run_id=batch_run_id)
    floor = add_months(run.period, 1 - rules.CATCH_UP_MONTHS)
    months, params = months_sql(month_span(floor, run.period))
    adapt = connection.ops.adapt_datefield_value
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    params.update(lo=lo, hi=hi, run=run.pk, now=now, floor=adapt(floor), period=adapt(run.period))
    due = due_sql(
        _REGULAR_CANDIDATES.format(months=months),
        awards="z.award_id > %(lo)s AND z.award_id <= %(hi)s",
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM payouts_payment")
        (after_line,) = cursor.fetchone()
        cursor.execute(
            f"INSERT INTO payouts_payment ({_PAYMENT_COLUMNS}) SELECT %(now)s, %(now)s, "
            f"{_new_uuid()}, 'regular', NULL, %(run)s, d.award_id, d.benefit, d.period, "
            f"d.gross, d.opv, d.net, 0, d.net FROM ({due}) d WHERE d.net > 0",
            params,
        )
        regular = cursor.rowcount
        cursor.execute(
            f"INSERT INTO payouts_payment ({_PAYMENT_COLUMNS}) SELECT %(now)s, %(now)s, "
            f"{_new_uuid()}, 'top_up', u.id, %(run)s, u.award_id, a.benefit, u.period, "
            "u.gross, u.opv, u.net, 0, u.net FROM payouts_underpayment u "
            "JOIN benefits_award a ON a.id = u.award_id "
            "WHERE u.award_id > %(lo)s AND u.award_id <= %(hi)s AND u.period <= %(period)s "
            "AND NOT EXISTS (SELECT 1 FROM payouts_payment p WHERE p.underpayment_id = u.id)",
            params,
        )
        top_ups = cursor.rowcount
        if top_ups:
            lines_of = (
                "FROM payouts_payment p WHERE p.award_id = payouts_awardaccount.award_id "
                "AND p.kind = 'top_up' AND p.id > %(after)s"
            )
            cursor.execute(
                "UPDATE payouts_awardaccount SET top_ups_pending = ROUND(top_ups_pending - "
                f"COALESCE((SELECT SUM(p.net) {lines_of}), 0), 2), updated_at = %(now)s "
                f"WHERE award_id > %(lo)s AND award_id <= %(hi)s AND EXISTS (SELECT 1 {lines_of})",
                {**params, "after": after_line},
            )
    recoveries = _recover(run, lo, hi, after_line=after_line)
    return RunOutcome(
        settled=settled,
        regular=regular,
        top_ups=top_ups,
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
        outcome = awards_pay(run, after_id, ids[-1], batch_run_id=run_id)
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
