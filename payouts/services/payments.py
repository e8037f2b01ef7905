"""The monthly payment run: one line per award and month, deductions, closing and files.

A run for a month is a batch run over active award ids. Each chunk inserts the lines of its
awards in one ``INSERT … SELECT … ON CONFLICT (award_id, period) DO NOTHING`` (PostgreSQL), so
running the month again adds nothing; a deduction recovering an overpayment is written with
its line in the same statement. On SQLite the same chunk is computed in Python
(``payment_lines``), which the tests hold to the statement's results on PostgreSQL.
"""

import json
import logging
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, Max, QuerySet, Sum

from benefits.models import Award, AwardAmount
from gfss.common.exceptions import ConflictError
from gfss.common.money import ZERO
from gfss.common.periods import add_months, month_start, next_period
from gfss.jobs.models import BatchRun
from gfss.jobs.registry import ChunkOutcome, Scope
from gfss.jobs.services import batchrun_start
from payouts import rules
from payouts.models import Payment, PaymentRun, Recovery

logger = logging.getLogger(__name__)

PAYMENT_JOB_KIND = "payment_run"
# One payment run at a time, whatever the month: deductions read the overpayment balances,
# and two runs deducting from the same balance at once could together take more than it.
PAYMENT_JOB_KEY = "payment_run"


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


def payable_awards(period: date) -> QuerySet[Award]:
    floor = add_months(period, 1 - rules.CATCH_UP_MONTHS)
    return Award.objects.filter(
        status=Award.Status.ACTIVE,
        start_date__lt=next_period(period),
    ).exclude(end_date__lte=floor)


@dataclass(frozen=True)
class Line:
    award_id: int
    benefit: str
    period: date
    gross: Decimal
    opv: Decimal
    net: Decimal
    deduction: Decimal


def _balances(award_ids: list[int]) -> dict[int, Decimal]:
    from payouts.selectors import overpayment_balances

    return overpayment_balances(award_ids=award_ids)


def payment_lines(award_ids: list[int], *, period: date) -> list[Line]:
    """The reference computation in Python: the lines a run for ``period`` adds."""
    awards = list(
        Award.objects.filter(pk__in=award_ids)
        .annotate(last_paid=Max("payments__period"))
        .order_by("pk")
        .values("pk", "benefit", "start_date", "end_date", "lump_sum", "last_paid")
    )
    amounts: dict[int, list[AwardAmount]] = {}
    for amount in AwardAmount.objects.filter(award_id__in=award_ids).order_by(
        "award_id", "valid_from", "id"
    ):
        amounts.setdefault(amount.award_id, []).append(amount)
    balances = _balances(award_ids)
    lines = []
    for a in awards:
        months = rules.months_to_pay(
            start_date=a["start_date"],
            end_date=a["end_date"],
            lump_sum=a["lump_sum"],
            last_paid=a["last_paid"],
            period=period,
        )
        found = []
        for month in months:
            in_force = [x for x in amounts.get(a["pk"], []) if x.valid_from < next_period(month)]
            if in_force and in_force[-1].gross > 0:
                found.append((month, in_force[-1]))
        caps = [
            rules.deduction_cap(x.net, benefit=a["benefit"]) if a["pk"] in balances else ZERO
            for _, x in found
        ]
        taken = rules.deductions(caps, balance=balances.get(a["pk"], ZERO))
        lines.extend(
            Line(a["pk"], a["benefit"], month, x.gross, x.opv, x.net, deduction)
            for (month, x), deduction in zip(found, taken, strict=True)
        )
    return lines


def _insert_python(run: PaymentRun, award_ids: list[int]) -> int:
    lines = payment_lines(award_ids, period=run.period)
    payments = Payment.objects.bulk_create(
        Payment(
            run=run,
            award_id=line.award_id,
            benefit=line.benefit,
            period=line.period,
            gross=line.gross,
            opv=line.opv,
            net=line.net,
            deduction=line.deduction,
            payable=line.net - line.deduction,
        )
        for line in lines
    )
    Recovery.objects.bulk_create(
        Recovery(
            award_id=p.award_id,
            kind=Recovery.Kind.DEDUCTION,
            amount=p.deduction,
            payment=p,
            received_on=run.period,
        )
        for p in payments
        if p.deduction > 0
    )
    return len(payments)


# A chunk's statement is estimated far above its real size (generate_series counts as 1000
# rows), so PostgreSQL would JIT-compile it: half a second per chunk spent compiling a
# statement that runs in a third of that. Off for the chunk's transaction only.
NO_JIT_SQL = "SET LOCAL jit = off"

PAYMENT_SQL = """
WITH chunk AS (SELECT unnest(%(ids)s::bigint[]) AS id),
paid AS MATERIALIZED (
    -- Read once, before this statement's own inserts: a per-award subquery here may be
    -- planned as a scan of the table the statement is growing, quadratic in the chunk.
    SELECT p.award_id, max(p.period) AS last_paid
    FROM payouts_payment p JOIN chunk ON chunk.id = p.award_id
    GROUP BY p.award_id
),
a AS (
    SELECT a.id, a.benefit, a.lump_sum,
           date_trunc('month', a.start_date::timestamp)::date AS first,
           (date_trunc('month', a.end_date::timestamp) - interval '1 month')::date AS last,
           paid.last_paid
    FROM benefits_award a
    JOIN chunk ON chunk.id = a.id
    LEFT JOIN paid ON paid.award_id = a.id
),
months AS (
    SELECT a.id AS award_id, a.benefit, m::date AS period
    FROM a
    CROSS JOIN LATERAL generate_series(
        CASE WHEN a.lump_sum THEN a.first
             ELSE GREATEST(a.first, %(floor)s::date,
                           (a.last_paid + interval '1 month')::date) END,
        CASE WHEN a.lump_sum THEN a.first ELSE LEAST(%(period)s::date, a.last) END,
        interval '1 month'
    ) AS m
    WHERE NOT a.lump_sum
       OR (a.last_paid IS NULL AND a.first BETWEEN %(floor)s::date AND %(period)s::date)
),
balance AS (
    SELECT award_id, sum(amount) AS left_to_recover FROM (
        SELECT award_id, amount FROM payouts_overpayment WHERE award_id IN (SELECT id FROM chunk)
        UNION ALL
        SELECT award_id, -amount FROM payouts_recovery WHERE award_id IN (SELECT id FROM chunk)
    ) moves
    GROUP BY award_id HAVING sum(amount) > 0
),
priced AS (
    SELECT m.award_id, m.benefit, m.period, am.gross, am.opv, am.net,
           b.left_to_recover,
           CASE WHEN b.left_to_recover IS NULL THEN 0
                ELSE floor(am.net * (%(caps)s::jsonb ->> m.benefit)::numeric * 100) / 100
           END AS cap
    FROM months m
    JOIN LATERAL (
        SELECT x.gross, x.opv, x.net FROM benefits_awardamount x
        WHERE x.award_id = m.award_id AND x.valid_from < m.period + interval '1 month'
        ORDER BY x.valid_from DESC, x.id DESC LIMIT 1
    ) am ON TRUE
    LEFT JOIN balance b ON b.award_id = m.award_id
    WHERE am.gross > 0
),
deducted AS (
    SELECT priced.*,
           LEAST(cap, GREATEST(0, COALESCE(left_to_recover, 0) - COALESCE(sum(cap) OVER (
               PARTITION BY award_id ORDER BY period
               ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0))) AS deduction
    FROM priced
),
ins AS (
    INSERT INTO payouts_payment
        (created_at, updated_at, uuid, run_id, award_id, benefit, period,
         gross, opv, net, deduction, payable)
    SELECT now(), now(), gen_random_uuid(), %(run)s, award_id, benefit, period,
           gross, opv, net, deduction, net - deduction
    FROM deducted
    ON CONFLICT (award_id, period) DO NOTHING
    RETURNING id, award_id, deduction
),
rec AS (
    INSERT INTO payouts_recovery
        (created_at, updated_at, award_id, kind, amount, payment_id, received_on, note,
         recorded_by_id)
    SELECT now(), now(), award_id, 'deduction', deduction, id, %(period)s::date, '', NULL
    FROM ins WHERE deduction > 0
    RETURNING 1
)
SELECT (SELECT count(*) FROM ins), (SELECT count(*) FROM rec)
"""


def payment_sql(run: PaymentRun, award_ids: list[int]) -> tuple[str, dict[str, Any]]:
    caps = {benefit: str(cap) for benefit, cap in rules.DEDUCTION_CAP.items()}
    return PAYMENT_SQL, {
        "ids": award_ids,
        "run": run.pk,
        "period": run.period,
        "floor": add_months(run.period, 1 - rules.CATCH_UP_MONTHS),
        "caps": json.dumps(caps),
    }


def payment_insert_ids(
    run: PaymentRun, award_ids: list[int], *, set_based: bool | None = None
) -> int:
    """Add the missing lines of these awards to the run; the number of lines added."""
    if not award_ids:
        return 0
    if set_based is None:
        set_based = connection.vendor == "postgresql"
    if not set_based:
        return _insert_python(run, award_ids)
    sql, params = payment_sql(run, award_ids)
    with connection.cursor() as cursor:
        cursor.execute(NO_JIT_SQL)
        cursor.execute(sql, params)
        return int(cursor.fetchone()[0])


class PaymentRunJob:
    """The batch-job kind of a month's payments, chunk by chunk of award ids."""

    chunk_size = 20_000

    def scope(self, params: dict[str, Any]) -> Scope:
        awards = payable_awards(date.fromisoformat(params["period"]))
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
            payable_awards(period)
            .filter(pk__gt=after_id, pk__lte=upper_id)
            .order_by("pk")
            .values_list("pk", flat=True)[:limit]
        )
        if not ids:
            return ChunkOutcome(last_id=upper_id, done=0, changed=0, skipped=0)
        added = payment_insert_ids(run, ids)
        return ChunkOutcome(last_id=ids[-1], done=len(ids), changed=added, skipped=0)

    def finish(self, *, run_id: int, params: dict[str, Any]) -> dict[str, Any]:
        totals = Payment.objects.filter(run__period=params["period"]).aggregate(
            payable=Sum("payable", default=ZERO), lines=Count("id")
        )
        return {
            "period": params["period"],
            "lines": totals["lines"],
            "payable": str(totals["payable"]),
        }
