"""Settlement: every change that reaches back into months already paid becomes money.

For an award whose revision (``benefits``: every change of what it is due moves it) is newer
than the one its account last settled, each month up to its last regular payment is compared
with the entitlement as it stands now: what is due minus what was settled (the regular line,
plus top-ups found before, less overpayments found before) becomes an ``Underpayment`` (a
top-up the next run pays) or an ``Overpayment`` (recovered by deductions or repayment). The
rows are new, one per award, month and revision: settling twice adds nothing, and the ledger
is never updated. The account row, locked first, carries the balance and the revision
settled, so a run, a repayment and a settlement never move the same money at once.

The work is set-based over a range of award ids: a few ``INSERT … SELECT`` statements around
the entitlement's query (``benefits.entitlement.due_sql``), the same SQL on PostgreSQL and
SQLite. Every difference is rounded to the tiyn inside the statement, so SQLite's binary
numbers cannot leave a trace of a tiyn in a stored amount.
"""

import json
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import Max
from django.utils import timezone

from benefits.entitlement import as_date, due_sql, month_span, months_sql
from benefits.models import AwardAmount, AwardDecision
from gfss.common.bulk import set_based_statements
from gfss.common.money import ZERO
from payouts.models import AwardAccount, Cause, Payment, RecalculationEvent


@dataclass
class Settled:
    """What a settlement found: counts and net sums of top-ups and overpayments."""

    top_ups: int = 0
    top_up_net: Decimal = ZERO
    overpayments: int = 0
    overpaid_net: Decimal = ZERO

    def add(self, other: "Settled") -> None:
        self.top_ups += other.top_ups
        self.top_up_net += other.top_up_net
        self.overpayments += other.overpayments
        self.overpaid_net += other.overpaid_net


def accounts_lock(award_ids: list[int]) -> dict[int, AwardAccount]:
    """The accounts of these awards, opened where missing, locked in award order."""
    have = set(
        AwardAccount.objects.filter(award_id__in=award_ids).values_list("award_id", flat=True)
    )
    AwardAccount.objects.bulk_create(
        [AwardAccount(award_id=pk) for pk in award_ids if pk not in have], ignore_conflicts=True
    )
    return {
        account.award_id: account
        for account in AwardAccount.objects.select_for_update()
        .filter(award_id__in=award_ids)
        .order_by("award_id")
    }


def accounts_lock_range(lo: int, hi: int, *, where: str = "", params: dict | None = None) -> None:
    """Lock the existing accounts of the awards lo < id <= hi (meeting ``where`` on award
    ``a``), in award order; no-op where the database has no row locks (SQLite serialises)."""
    if not connection.features.has_select_for_update:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.id FROM payouts_awardaccount c JOIN benefits_award a ON a.id = c.award_id "
            f"WHERE c.award_id > %(lo)s AND c.award_id <= %(hi)s {where} "
            "ORDER BY c.award_id FOR UPDATE OF c",
            {"lo": lo, "hi": hi, **(params or {})},
        )


def last_regular_paid(award_ids: list[int]) -> dict[int, date]:
    """Per award, the latest month a regular line paid."""
    return dict(
        Payment.objects.filter(award_id__in=award_ids, kind=Payment.Kind.REGULAR)
        .values("award_id")
        .annotate(last=Max("period"))
        .values_list("award_id", "last")
    )


# The amount reasons an event writes, as the event kind that wrote them.
_EVENT_KINDS: dict[str, str] = {
    AwardAmount.Reason.INDEXATION: RecalculationEvent.Kind.INDEXATION,
    AwardAmount.Reason.COEFFICIENT: RecalculationEvent.Kind.COEFFICIENT_CHANGE,
}
_DECISION_CAUSES: dict[str, str] = {
    AwardDecision.Kind.SUSPEND: Cause.SUSPENSION,
    AwardDecision.Kind.RESUME: Cause.RESUMPTION,
    AwardDecision.Kind.TERMINATE: Cause.TERMINATION,
}


def event_cause(event: RecalculationEvent) -> tuple[str, dict[str, Any]]:
    """The cause of what applying the event settles."""
    return Cause.EVENT, {
        "event": event.pk,
        "kind": event.kind,
        "date": event.effective_date.isoformat(),
    }


def change_causes(award_ids: list[int]) -> dict[int, tuple[str, dict[str, Any]]]:
    """Per award, its latest change as a settlement's cause: code and particulars."""
    causes: dict[int, tuple[datetime, str, dict[str, Any]]] = {}
    for award_id, reason, valid_from, comment, event, at in AwardAmount.objects.filter(
        award_id__in=award_ids
    ).values_list("award_id", "reason", "valid_from", "comment", "event", "created_at"):
        if award_id not in causes or at >= causes[award_id][0]:
            day = valid_from.isoformat()
            found: tuple[str, dict[str, Any]]
            if reason in _EVENT_KINDS:
                found = (Cause.EVENT, {"event": event, "kind": _EVENT_KINDS[reason], "date": day})
            else:
                params = {"date": day, **({"comment": comment} if comment else {})}
                found = (Cause(reason), params)
            causes[award_id] = (at, *found)
    for award_id, kind, effective, at in AwardDecision.objects.filter(
        award_id__in=award_ids, status=AwardDecision.Status.APPLIED, kind__in=_DECISION_CAUSES
    ).values_list("award_id", "kind", "effective_date", "updated_at"):
        if award_id not in causes or at >= causes[award_id][0]:
            causes[award_id] = (at, _DECISION_CAUSES[kind], {"date": effective.isoformat()})
    return {award_id: (cause, params) for award_id, (_, cause, params) in causes.items()}


# Working tables of one settlement, private to the connection: the awards to settle and the
# differences found, so that each is computed once and joined by key.
_WORK_TABLES = (
    "CREATE TEMPORARY TABLE IF NOT EXISTS settle_awards "
    "(award_id bigint PRIMARY KEY, revision integer NOT NULL)",
    "CREATE TEMPORARY TABLE IF NOT EXISTS settle_differences (award_id bigint NOT NULL, "
    "period date NOT NULL, gross numeric(18, 2) NOT NULL, "
    "opv numeric(18, 2) NOT NULL, net numeric(18, 2) NOT NULL, "
    "paid_net numeric(18, 2) NOT NULL, due_net numeric(18, 2) NOT NULL, payment_id bigint)",
    # The months to compare with what the ledger holds for each, written and analysed before
    # the differences are computed: planned from the payment table's statistics instead, a
    # chunk's 120,000 award-months were once estimated at 5, and the ledger was joined to them
    # by a nested loop that compared 7.2 billion pairs.
    "CREATE TEMPORARY TABLE IF NOT EXISTS settle_ledger (award_id bigint NOT NULL, "
    "period date NOT NULL, gross numeric(18, 2) NOT NULL, opv numeric(18, 2) NOT NULL, "
    "net numeric(18, 2) NOT NULL, payment_id bigint, PRIMARY KEY (award_id, period))",
)
# Per award and month, what was settled so far: the regular line (one per award and month, so
# written as it is, with its id for an overpayment to point at), then the top-ups found less
# the overpayments found, summed per month and added to it. Grouping the regular lines too
# cost a chunk a hash of 120,000 sums, which spilled to disk.
_LEDGER_REGULAR = """
    SELECT p.award_id, p.period, p.gross, p.opv, p.net, p.id
    FROM payouts_payment p JOIN settle_awards w ON w.award_id = p.award_id
    WHERE p.kind = 'regular' AND p.award_id > %(lo)s AND p.award_id <= %(hi)s"""
# SQLite reads ``ON CONFLICT`` after a ``SELECT`` without ``WHERE`` as a join's ``ON``.
_LEDGER_CORRECTIONS = """
    SELECT t.award_id, t.period, t.gross, t.opv, t.net, NULL FROM (
      SELECT q.award_id AS award_id, q.period AS period, SUM(q.gross) AS gross,
             SUM(q.opv) AS opv, SUM(q.net) AS net
      FROM (
        SELECT u.award_id, u.period, u.gross, u.opv, u.net
        FROM payouts_underpayment u JOIN settle_awards w ON w.award_id = u.award_id
        WHERE u.award_id > %(lo)s AND u.award_id <= %(hi)s
        UNION ALL
        SELECT o.award_id, o.period, -o.gross, -o.opv, -o.amount
        FROM payouts_overpayment o JOIN settle_awards w ON w.award_id = o.award_id
        WHERE o.award_id > %(lo)s AND o.award_id <= %(hi)s
      ) q GROUP BY q.award_id, q.period) t WHERE true
    ON CONFLICT (award_id, period) DO UPDATE SET gross = settle_ledger.gross + excluded.gross,
      opv = settle_ledger.opv + excluded.opv, net = settle_ledger.net + excluded.net"""
# The months of the right the ledger has no line for, up to the award's last regular line
# (a held month, a month left unpaid), added to it at zero: then the chunk's ledger holds
# every month to compare, each with what was paid for it, and the differences read the
# entitlement beside it with no join back. (A month the ledger has a line for is compared
# too, even one before a start moved later.)
_UNPAID_MONTHS = """
    SELECT a.id, mo.period, 0, 0, 0, NULL
    FROM benefits_award a
    JOIN (SELECT r.award_id, MAX(r.period) AS last FROM settle_ledger r
          WHERE r.payment_id IS NOT NULL GROUP BY r.award_id) lp ON lp.award_id = a.id
    JOIN ({months}) mo ON mo.period <= lp.last AND mo.period_next > a.start_date
    WHERE NOT EXISTS (SELECT 1 FROM settle_ledger l
                      WHERE l.award_id = a.id AND l.period = mo.period)"""
_PAID = ("paid_gross", "paid_opv", "paid_net", "payment_id")
_CHUNK = "z.award_id > %(lo)s AND z.award_id <= %(hi)s"
_COMPARED = """
    SELECT l.award_id, l.period, mo.period_next, l.gross AS paid_gross, l.opv AS paid_opv,
      l.net AS paid_net, l.payment_id AS payment_id
    FROM settle_ledger l JOIN ({months}) mo ON mo.period = l.period"""
_DIFFERENCES = """
    SELECT d.award_id AS award_id, d.period AS period,
      ROUND(d.gross - d.paid_gross, 2) AS gross, ROUND(d.opv - d.paid_opv, 2) AS opv,
      ROUND(d.net - d.paid_net, 2) AS net, d.paid_net AS paid_net, d.net AS due_net,
      d.payment_id AS payment_id
    FROM ({due}) d"""


def _months_bounds() -> tuple[date, date] | None:
    """The first and last month to compare, from the chunk's ledger (already written): from
    the earliest start of an award it has a regular line for to its latest month."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT MIN(l.period), MAX(l.period), (SELECT MIN(a.start_date) FROM benefits_award a "
            "WHERE a.id IN (SELECT r.award_id FROM settle_ledger r WHERE r.payment_id IS NOT NULL)) "
            "FROM settle_ledger l"
        )
        low, high, first = cursor.fetchone()
    days = [as_date(d) for d in (first, low, high) if d is not None]
    return (min(days), max(days)) if days else None


def settle_range(
    lo: int,
    hi: int,
    *,
    batch_run_id: int | None,
    cause: tuple[str, dict[str, Any]] | None = None,
    where: str = "",
    where_params: dict[str, Any] | None = None,
) -> Settled:
    """Settle the awards lo < id <= hi (meeting ``where`` on award ``a``) whose revision is
    newer than their account's. Their accounts are opened here and locked by the caller's
    transaction; what is found lands in the ledger and on the accounts."""
    set_based_statements()
    params: dict[str, Any] = {"lo": lo, "hi": hi, **(where_params or {})}
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO payouts_awardaccount (created_at, updated_at, award_id, balance, "
            "top_ups_pending, settled_revision) SELECT %(now)s, %(now)s, a.id, 0, 0, 0 "
            f"FROM benefits_award a WHERE a.id > %(lo)s AND a.id <= %(hi)s {where} "
            "AND a.revision > 0 AND NOT EXISTS (SELECT 1 FROM payouts_awardaccount c "
            "WHERE c.award_id = a.id) ON CONFLICT (award_id) DO NOTHING",
            {**params, "now": now},
        )
        accounts_lock_range(lo, hi, where=where, params=where_params)
        for statement in _WORK_TABLES:
            cursor.execute(statement)
        for table in ("settle_awards", "settle_differences", "settle_ledger"):
            cursor.execute(f"DELETE FROM {table}")
        cursor.execute(
            "INSERT INTO settle_awards (award_id, revision) SELECT a.id, a.revision "
            "FROM benefits_award a JOIN payouts_awardaccount c ON c.award_id = a.id "
            f"WHERE a.id > %(lo)s AND a.id <= %(hi)s {where} "
            "AND c.settled_revision < a.revision",
            params,
        )
        if not cursor.rowcount:
            return Settled()
        if connection.vendor == "postgresql":
            cursor.execute("ANALYZE settle_awards")
        for part in (_LEDGER_REGULAR, _LEDGER_CORRECTIONS):
            cursor.execute(
                "INSERT INTO settle_ledger (award_id, period, gross, opv, net, payment_id) " + part,
                {"lo": lo, "hi": hi},
            )
        bounds = _months_bounds()
        if bounds is not None:
            months, month_params = months_sql(month_span(*bounds))
            cursor.execute(
                "INSERT INTO settle_ledger (award_id, period, gross, opv, net, payment_id) "
                + _UNPAID_MONTHS.format(months=months),
                month_params,
            )
            if connection.vendor == "postgresql":
                cursor.execute("ANALYZE settle_ledger")
            differences = _DIFFERENCES.format(
                due=due_sql(_COMPARED.format(months=months), carry=_PAID, awards=_CHUNK)
            )
            cursor.execute(
                "INSERT INTO settle_differences (award_id, period, gross, opv, net, "
                "paid_net, due_net, payment_id) SELECT s.award_id, s.period, "
                "s.gross, s.opv, s.net, s.paid_net, s.due_net, s.payment_id "
                f"FROM ({differences}) s WHERE s.net <> 0",
                {**month_params, "lo": lo, "hi": hi},
            )
        causes = {} if cause else change_causes(_todo_ids())
        code, particulars = cause or ("", {})
        today = connection.ops.adapt_datefield_value(timezone.localdate())
        params = {
            "now": now,
            "run": batch_run_id,
            "cause": code,
            "particulars": json.dumps(particulars),
            "today": today,
        }
        cursor.execute(
            "INSERT INTO payouts_underpayment (created_at, updated_at, award_id, period, gross, "
            "opv, net, revision, cause, cause_params, batch_run_id) SELECT %(now)s, %(now)s, "
            "s.award_id, s.period, s.gross, s.opv, s.net, w.revision, %(cause)s, "
            "%(particulars)s, %(run)s FROM settle_differences s "
            "JOIN settle_awards w ON w.award_id = s.award_id WHERE s.net > 0",
            params,
        )
        cursor.execute(
            "INSERT INTO payouts_overpayment (created_at, updated_at, award_id, payment_id, "
            "period, amount, gross, opv, paid_net, entitled_net, revision, detected_from, "
            "cause, cause_params, batch_run_id) SELECT %(now)s, %(now)s, s.award_id, "
            "s.payment_id, s.period, -s.net, -s.gross, -s.opv, s.paid_net, s.due_net, "
            "w.revision, %(today)s, %(cause)s, %(particulars)s, %(run)s "
            "FROM settle_differences s JOIN settle_awards w ON w.award_id = s.award_id "
            "WHERE s.net < 0",
            params,
        )
        if causes:
            for table in ("payouts_underpayment", "payouts_overpayment"):
                cursor.executemany(
                    f"UPDATE {table} SET cause = %s, cause_params = %s WHERE award_id = %s "
                    "AND revision = (SELECT w.revision FROM settle_awards w "
                    "WHERE w.award_id = %s)",
                    [(c, json.dumps(p), pk, pk) for pk, (c, p) in causes.items()],
                )
        found = _found(cursor)
        _mark_settled(cursor, now)
        cursor.execute("DELETE FROM settle_differences")
    return found


def _todo_ids() -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT award_id FROM settle_awards")
        return [row[0] for row in cursor.fetchall()]


def _found(cursor: Any) -> Settled:
    """What this settlement found, from its differences."""
    cursor.execute(
        "SELECT COUNT(*), SUM(net) FROM settle_differences WHERE net > 0 UNION ALL "
        "SELECT COUNT(*), SUM(-net) FROM settle_differences WHERE net < 0"
    )
    (ups, up_net), (overs, over_net) = cursor.fetchall()

    def money(total: Any) -> Decimal:
        return ZERO if total is None else Decimal(str(total)).quantize(ZERO)

    return Settled(
        top_ups=ups, top_up_net=money(up_net), overpayments=overs, overpaid_net=money(over_net)
    )


def _mark_settled(cursor: Any, now: Any) -> None:
    """Add what the settlement found to the accounts and mark the revisions settled."""
    cursor.execute(
        """UPDATE payouts_awardaccount SET
          top_ups_pending = ROUND(payouts_awardaccount.top_ups_pending + t.up, 2),
          balance = ROUND(payouts_awardaccount.balance + t.over, 2),
          settled_revision = t.revision, updated_at = %(now)s
        FROM (SELECT w.award_id AS award_id, w.revision AS revision,
                COALESCE(SUM(CASE WHEN s.net > 0 THEN s.net ELSE 0 END), 0) AS up,
                COALESCE(SUM(CASE WHEN s.net < 0 THEN -s.net ELSE 0 END), 0) AS over
              FROM settle_awards w LEFT JOIN settle_differences s ON s.award_id = w.award_id
              GROUP BY w.award_id, w.revision) t
        WHERE t.award_id = payouts_awardaccount.award_id""",
        {"now": now},
    )
