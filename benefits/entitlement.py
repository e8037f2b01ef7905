"""The entitlement: what an award is due for a month, as known on a date. The one definition.

Read by the payment runs, the settlement of back-dated changes, the overpayment check, the
award pages and the API; nothing else computes what is due. It is one SQL query (``due_sql``)
that PostgreSQL and SQLite both run: the batch jobs put it inside their ``INSERT … SELECT``
statements over a chunk of awards, the pages read it for one award's months through
``entitlements``. The database only picks rows (which amount is in force, whether a month is
due); it does no arithmetic on money.

A month is due in full or not at all [D]: rules.md defines no proration by days, so
- an award pays for the months from the month of its start to the month before the month of
  its (exclusive) end: its end date, a confirmed termination or a death, whichever is first;
  a 4-month job-loss award from 5 December pays December to March;
- a month is not due if a suspension is in force on any of its days: suspended from 20 March
  and resumed on 1 April, March is not due and April is;
- a lump sum is due once, for the month of its start, unless ended on or before its start.
The amount for a month is the amount in force in it (``AwardAmount``: the row with the latest
``valid_from`` in or before the month, ties: the latest row).
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from django.db import connection
from django.utils import timezone

from benefits.models import Award, AwardAmount
from gfss.common.money import ZERO
from gfss.common.periods import month_start, next_period

_DECISIONS = "benefits_awarddecision"
# (b) comes after (a) in the award's decisions: by effective date, then as recorded.
_LATER = (
    "({b}.effective_date > {a}.effective_date "
    "OR ({b}.effective_date = {a}.effective_date AND {b}.id > {a}.id))"
)


def _known(table: str, *, known_on: bool) -> str:
    return f"AND {table}.created_at <= %(known_at)s" if known_on else ""


def _held(*, known_on: bool) -> str:
    """A suspension in force on a day of the month: begun before the next month and not
    closed by a resumption on or before the month's first day (or on its own day). A
    resumption closes a suspension only as the award's very next status decision."""
    return f"""EXISTS (
        SELECT 1 FROM {_DECISIONS} s
        WHERE s.award_id = c.award_id AND s.kind = 'suspend' AND s.status = 'applied'
          AND s.effective_date < c.period_next {_known("s", known_on=known_on)}
          AND NOT EXISTS (
            SELECT 1 FROM {_DECISIONS} r
            WHERE r.award_id = s.award_id AND r.kind = 'resume' AND r.status = 'applied'
              {_known("r", known_on=known_on)} AND {_LATER.format(a="s", b="r")}
              AND (r.effective_date <= c.period OR r.effective_date = s.effective_date)
              AND NOT EXISTS (
                SELECT 1 FROM {_DECISIONS} d
                WHERE d.award_id = s.award_id AND d.kind IN ('suspend', 'resume')
                  AND d.status = 'applied' {_known("d", known_on=known_on)}
                  AND {_LATER.format(a="s", b="d")} AND {_LATER.format(a="d", b="r")})))"""


def _not_terminated(op: str, bound: str, *, known_on: bool) -> str:
    """The award's termination leaves its right on ``bound`` (``terminated_on op bound``)."""
    plain = f"a.terminated_on IS NULL OR a.terminated_on {op} {bound}"
    if not known_on:
        return f"({plain})"
    # As known on a date, a termination counts from its confirmation.
    return (
        f"({plain} OR NOT EXISTS (SELECT 1 FROM {_DECISIONS} t WHERE t.award_id = a.id "
        "AND t.kind = 'terminate' AND t.status = 'applied' "
        "AND t.confirmed_at <= %(known_at)s))"
    )


def _carried(table: str, carry: tuple[str, ...]) -> str:
    return "".join(f", {table}.{column} AS {column}" for column in carry)


def entitled_sql(
    candidates: str, *, known_on: bool = False, carry: tuple[str, ...] = (), awards: str = ""
) -> str:
    """For each candidate row (award_id, period, period_next): the award's benefit, the amount
    in force in the month (``amount_id`` and its ``amount_gross``, ``amount_opv``,
    ``amount_net``, due or not), whether the month is one of the right
    (``in_right``: after the start, before the end, a held month included) and whether it is
    due (``entitled``: of the right and not held); and the candidate's columns ``carry`` as
    they are. ``awards``, a condition on ``z.award_id`` that every candidate's award meets (a
    chunk's range of ids), bounds the amounts read by an index range instead of by the
    candidates' query run a second time."""
    right = f"""((a.lump_sum AND a.start_date >= c.period AND a.start_date < c.period_next
          AND (a.end_date IS NULL OR a.end_date > a.start_date)
          AND {_not_terminated(">", "a.start_date", known_on=known_on)})
        OR (NOT a.lump_sum AND a.start_date < c.period_next
          AND (a.end_date IS NULL OR a.end_date >= c.period_next)
          AND {_not_terminated(">=", "c.period_next", known_on=known_on)}))"""
    # The amount in force in a month is the last of the award's amounts (by valid_from, then
    # id) to begin before the next month: the one whose successor begins on or after it.
    # Ranged once per amount of the candidates' awards and joined, instead of looked up for
    # each month by an index probe, which cost a 120,000-month chunk 0.7 s.
    return f"""
    SELECT c.award_id AS award_id, c.period AS period, a.benefit AS benefit,
      y.id AS amount_id, y.gross AS amount_gross, y.opv AS amount_opv, y.net AS amount_net,
      CASE WHEN {right} THEN 1 ELSE 0 END AS in_right,
      CASE WHEN {right} AND NOT {_held(known_on=known_on)} THEN 1 ELSE 0 END AS entitled
      {_carried("c", carry)}
    FROM ({candidates}) c JOIN benefits_award a ON a.id = c.award_id
    LEFT JOIN (
      SELECT z.id, z.award_id, z.valid_from, z.gross, z.opv, z.net,
        LEAD(z.valid_from) OVER (PARTITION BY z.award_id ORDER BY z.valid_from, z.id) AS until
      FROM benefits_awardamount z
      WHERE {awards or f"z.award_id IN (SELECT k.award_id FROM ({candidates}) k)"}
        {_known("z", known_on=known_on)}
    ) y ON y.award_id = c.award_id AND y.valid_from < c.period_next
      AND (y.until IS NULL OR y.until >= c.period_next)"""


def due_sql(
    candidates: str, *, known_on: bool = False, carry: tuple[str, ...] = (), awards: str = ""
) -> str:
    """What each candidate month is due: (award_id, period, benefit, amount_id, in_right,
    entitled, gross, opv, net), zeros where the month is not due, and the candidate's columns
    ``carry`` as they are (a caller's figures for the month, which then need no join back);
    ``awards`` as for ``entitled_sql``."""
    due = "e.entitled = 1 AND e.amount_id IS NOT NULL"
    return f"""
    SELECT e.award_id AS award_id, e.period AS period, e.benefit AS benefit,
      e.amount_id AS amount_id, e.in_right AS in_right, e.entitled AS entitled,
      CASE WHEN {due} THEN e.amount_gross ELSE 0 END AS gross,
      CASE WHEN {due} THEN e.amount_opv ELSE 0 END AS opv,
      CASE WHEN {due} THEN e.amount_net ELSE 0 END AS net {_carried("e", carry)}
    FROM ({entitled_sql(candidates, known_on=known_on, carry=carry, awards=awards)}{_fence()}) e"""


def _fence() -> str:
    """Keep the planner from merging the subquery into the outer one: merged, each use of
    ``entitled`` would run its subqueries again for every row."""
    return " OFFSET 0" if connection.vendor == "postgresql" else " LIMIT -1 OFFSET 0"


def months_sql(months: Iterable[date], *, name: str = "m") -> tuple[str, dict[str, Any]]:
    """The months as a query of (period, period_next) rows, and its parameters: one VALUES
    list (both databases name its columns column1, column2), which PostgreSQL plans as one
    scan, where a UNION of one SELECT a month cost it 65 ms to plan for 214 months."""
    adapt = connection.ops.adapt_datefield_value
    rows, params = [], {}
    for index, month in enumerate(months):
        rows.append(f"(%({name}{index})s, %({name}{index}n)s)")
        params[f"{name}{index}"] = adapt(month)
        params[f"{name}{index}n"] = adapt(next_period(month))
    if not rows:
        raise ValueError("months_sql needs at least one month")
    return (
        f"SELECT column1 AS period, column2 AS period_next FROM (VALUES {', '.join(rows)}) AS {name}v",
        params,
    )


def month_span(first: date, last: date) -> list[date]:
    months, month = [], month_start(first)
    while month <= last:
        months.append(month)
        month = next_period(month)
    return months


def as_date(value: Any) -> date:
    """A date column as the database hands it back (SQLite: its ISO text)."""
    if isinstance(value, str):
        return date.fromisoformat(value[:10])
    return value.date() if isinstance(value, datetime) else value


def _end_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.max))


def known_params(known_on: date | None) -> dict[str, Any]:
    """The parameter ``due_sql(…, known_on=True)`` reads: the end of that day."""
    if known_on is None:
        return {}
    return {"known_at": connection.ops.adapt_datetimefield_value(_end_of(known_on))}


@dataclass(frozen=True)
class Due:
    period: date
    gross: Decimal
    opv: Decimal
    net: Decimal


def _nothing(period: date) -> Due:
    return Due(period, ZERO, ZERO, ZERO)


def _money(value: Any) -> Decimal:
    # SQLite hands back the stored number; two places, as every money column has.
    return Decimal(str(value)).quantize(Decimal("0.01"))


@dataclass
class AwardEntitlement:
    """One award's right month by month, read from ``due_sql``: which months are of the right
    and which are due are the query's answer, not a rule of its own here."""

    award_id: int
    benefit: str
    revision: int
    start: date  # the month of the award's start: no month before it can be of the right
    known_on: date | None = None
    # month → (amount_id or None, in_right, entitled, gross, opv, net)
    rows: dict[date, tuple[int | None, bool, bool, Decimal, Decimal, Decimal]] = field(
        default_factory=dict
    )

    def _row(self, period: date) -> tuple[int | None, bool, bool, Decimal, Decimal, Decimal]:
        period = month_start(period)
        if period not in self.rows:
            _fill({self.award_id: self}, [period], known_on=self.known_on)
        return self.rows[period]

    def has_right(self, period: date) -> bool:
        return self._row(period)[2]

    def amount_in_force(self, period: date) -> int | None:
        """The id of the amount row in force in the month, whether or not the month is due."""
        return self._row(period)[0]

    def due(self, period: date) -> Due:
        period = month_start(period)
        _, _, _, gross, opv, net = self._row(period)
        return Due(period, gross, opv, net)

    def months(self, *, through: date) -> list[date]:
        """The calendar months of the right up to ``through`` (held ones included)."""
        span = month_span(self.start, month_start(through))
        missing = [month for month in span if month not in self.rows]
        if missing:
            _fill({self.award_id: self}, missing, known_on=self.known_on)
        return [month for month in span if self.rows[month][1]]


def _fill(
    entitled: dict[int, AwardEntitlement], months: list[date], *, known_on: date | None
) -> None:
    """Read ``due_sql`` for these awards and months into their rows."""
    ids = sorted(entitled)
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        months_query, params = months_sql(months)
        params.update(known_params(known_on))
        placeholders = []
        for index, pk in enumerate(chunk):
            params[f"a{index}"] = pk
            placeholders.append(f"%(a{index})s")
        candidates = (
            f"SELECT w.id AS award_id, mo.period AS period, mo.period_next AS period_next "
            f"FROM benefits_award w CROSS JOIN ({months_query}) mo "
            f"WHERE w.id IN ({', '.join(placeholders)})"
        )
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT d.award_id, d.period, d.amount_id, d.in_right, d.entitled, d.gross, "
                f"d.opv, d.net FROM ({due_sql(candidates, known_on=known_on is not None)}) d",
                params,
            )
            for award_id, when, amount_id, in_right, right, gross, opv, net in cursor.fetchall():
                entitled[award_id].rows[as_date(when)] = (
                    amount_id,
                    bool(in_right),
                    bool(right) and amount_id is not None,
                    _money(gross),
                    _money(opv),
                    _money(net),
                )


def entitlements(
    award_ids: list[int], *, known_on: date | None = None, through: date | None = None
) -> dict[int, AwardEntitlement]:
    """The entitlement of each award, as known at the end of ``known_on`` (default: now), its
    months read from its start up to ``through`` (default: this month) at once; later ones
    when asked."""
    out = {
        a["pk"]: AwardEntitlement(
            award_id=a["pk"],
            benefit=a["benefit"],
            revision=a["revision"],
            start=month_start(a["start_date"]),
            known_on=known_on,
        )
        for a in Award.objects.filter(pk__in=award_ids).values(
            "pk", "benefit", "revision", "start_date"
        )
    }
    if out:
        through = month_start(through or timezone.localdate())
        first = min(e.start for e in out.values())
        if first <= through:
            _fill(out, month_span(first, through), known_on=known_on)
    return out


def award_entitlement(award_id: int, *, known_on: date | None = None) -> AwardEntitlement:
    return entitlements([award_id], known_on=known_on)[award_id]


def award_amount_in_force(award_id: int, *, period: date) -> AwardAmount | None:
    """The ``AwardAmount`` row a month takes its amount from (the award pages, the tests)."""
    amount_id = award_entitlement(award_id).amount_in_force(period)
    return None if amount_id is None else AwardAmount.objects.get(pk=amount_id)
