"""Appending links to award amount chains: a recalculation's base or an event's step.

Every change goes through ``amount_chain_extend``: it derives each award's chain with the new
links (``benefits.amounts.derive_series``) and appends, as new rows, the new links and every
later link whose amount follows from them. Rows are never updated (architecture.md "Data
rules"), and the award's revision moves so that payouts settles the months already paid.

An event's step over a chunk of awards (``amount_chain_step``) is set-based: where the step
is the last link of the chain, which is nearly always so, its row is one ``INSERT … SELECT``
with the arithmetic done in whole tiyn inside the statement (``benefits.amounts``' SQL, held
to the Python arithmetic by a test on both databases); an award with links after the step's
date goes through ``amount_chain_extend``, which re-derives them.
"""

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django.db import connection
from django.db.models import F
from django.db.models.functions import Now
from django.utils import timezone

from benefits.amounts import (
    OPV_RATE_CODE,
    Entry,
    derive_series,
    money_sql,
    opv_tiyn_sql,
    scaled_tiyn_sql,
    split_gross,
    step_factor,
    tiyn_sql,
)
from benefits.models import Award, AwardAmount
from gfss.legal.models import ParameterValue
from gfss.legal.selectors import parameter_value


@dataclass(frozen=True)
class Link:
    """A link to add: a ``base`` from ``valid_from``, or the ``step`` of an ``event``."""

    valid_from: date
    reason: str
    base: Decimal | None = None
    event: int | None = None
    step: dict[str, Any] | None = None
    comment: str = ""


def _entry(row: AwardAmount) -> Entry:
    return Entry(
        valid_from=row.valid_from, row_id=row.pk, base=row.base, event=row.event, step=row.step
    )


class _OpvRates:
    def __init__(self) -> None:
        self._by_day: dict[date, Decimal] = {}

    def on(self, day: date) -> Decimal:
        if day not in self._by_day:
            self._by_day[day] = parameter_value(OPV_RATE_CODE, on=day)
        return self._by_day[day]


def amount_chain_extend(
    links: dict[int, list[Link]], *, actor_id: int | None
) -> dict[int, list[AwardAmount]]:
    """Add ``links`` (award id to its new links) and re-derive what follows; the rows added."""
    award_ids = sorted(links)
    benefits = dict(Award.objects.filter(pk__in=award_ids).values_list("pk", "benefit"))
    rows: dict[int, list[AwardAmount]] = {}
    for row in AwardAmount.objects.filter(award_id__in=award_ids).order_by("award_id", "id"):
        rows.setdefault(row.award_id, []).append(row)
    rates = _OpvRates()
    added: dict[int, list[AwardAmount]] = {}
    next_id = 1 + max((r.pk for award_rows in rows.values() for r in award_rows), default=0)
    for award_id in award_ids:
        existing = rows.get(award_id, [])
        reasons = {_entry(r).key: r.reason for r in existing}
        before = {entry.key: gross for entry, gross in derive_series([_entry(r) for r in existing])}
        new_entries = []
        for link in links[award_id]:
            entry = Entry(link.valid_from, next_id, link.base, link.event, link.step)
            reasons[entry.key] = link.reason
            new_entries.append(entry)
            next_id += 1
        new_keys = {e.key for e in new_entries}
        comments = {
            e.key: link.comment for e, link in zip(new_entries, links[award_id], strict=True)
        }
        chain = derive_series([_entry(r) for r in existing] + new_entries)
        changed = False
        out = []
        for entry, gross in chain:
            changed = changed or entry.key in new_keys or before.get(entry.key) != gross
            if not changed:
                continue
            opv, net = split_gross(
                gross, benefit=benefits[award_id], opv_rate=rates.on(entry.valid_from)
            )
            out.append(
                AwardAmount(
                    award_id=award_id,
                    valid_from=entry.valid_from,
                    gross=gross,
                    opv=opv,
                    net=net,
                    reason=reasons[entry.key],
                    base=entry.base,
                    event=entry.event,
                    step=entry.step or {},
                    comment=comments.get(entry.key, "")[:300],
                    created_by_id=actor_id,
                )
            )
        if out:
            added[award_id] = out
    AwardAmount.objects.bulk_create(row for award_rows in added.values() for row in award_rows)
    awards_revise(added)
    return added


def awards_revise(award_ids: Iterable[int]) -> int:
    """Mark a change of what these awards are due (payouts settles the new revision)."""
    return Award.objects.filter(pk__in=list(award_ids)).update(
        revision=F("revision") + 1, updated_at=Now()
    )


# The links an event's step adds to a chunk of awards, one row per award, computed once and
# read by the caller (payouts records each application from it): the amount in force on the
# link's date, and the new amount in whole tiyn.
STEPS_TABLE = "amount_chain_steps"
_STEPS_DDL = (
    f"CREATE TEMPORARY TABLE IF NOT EXISTS {STEPS_TABLE} (award_id bigint PRIMARY KEY, "
    "benefit varchar(16) NOT NULL, valid_from date NOT NULL, amount_id bigint NOT NULL, "
    "old_gross numeric(18, 2) NOT NULL, old_net numeric(18, 2) NOT NULL, "
    "gross_tiyn bigint NOT NULL, opv_tiyn bigint NOT NULL, later integer NOT NULL)"
)


def _opv_tiyn_on(gross_tiyn: str, *, benefit: str, day: str) -> str:
    """The OPV of a new amount at the rate in force on its ``day`` (a dated parameter)."""
    rates = list(
        ParameterValue.objects.filter(parameter__code=OPV_RATE_CODE, value__isnull=False)
        .order_by("-valid_from")
        .values_list("valid_from", "value")
    )
    adapt = connection.ops.adapt_datefield_value
    cases = " ".join(
        f"WHEN {day} >= '{adapt(since)}' THEN "
        f"{opv_tiyn_sql(gross_tiyn, benefit=benefit, rate=Fraction(rate))}"
        for since, rate in rates
        if rate is not None  # filtered above; the column allows a scale instead
    )
    # Before the first value there is no rate: NULL fails the NOT NULL column, as
    # ``parameter_value`` would refuse.
    return f"(CASE {cases} END)" if cases else "NULL"


def amount_chain_steps(awards_table: str, *, day: date, step: dict[str, Any]) -> int:
    """Fill ``STEPS_TABLE`` with the link ``step`` would add from ``day`` (or the award's
    start, if later) to each award of ``awards_table`` (a column ``award_id``) that has an
    amount in force then; the number of rows. Writes nothing else."""
    new_gross = scaled_tiyn_sql(tiyn_sql("x.gross"), step_factor(step))
    with connection.cursor() as cursor:
        cursor.execute(_STEPS_DDL)
        cursor.execute(f"DELETE FROM {STEPS_TABLE}")
        cursor.execute(
            f"""INSERT INTO {STEPS_TABLE} (award_id, benefit, valid_from, amount_id, old_gross,
              old_net, gross_tiyn, opv_tiyn, later)
            SELECT n.award_id, n.benefit, n.valid_from, n.amount_id, n.old_gross, n.old_net,
              n.gross_tiyn, {_opv_tiyn_on("n.gross_tiyn", benefit="n.benefit", day="n.valid_from")},
              CASE WHEN EXISTS (SELECT 1 FROM benefits_awardamount z
                WHERE z.award_id = n.award_id AND z.valid_from > n.valid_from) THEN 1 ELSE 0 END
            FROM (SELECT s.award_id AS award_id, s.benefit AS benefit, s.valid_from AS valid_from,
                x.id AS amount_id, x.gross AS old_gross, x.net AS old_net,
                {new_gross} AS gross_tiyn
              FROM (SELECT a.id AS award_id, a.benefit AS benefit,
                  CASE WHEN a.start_date > %(day)s THEN a.start_date ELSE %(day)s END
                    AS valid_from
                FROM {awards_table} w JOIN benefits_award a ON a.id = w.award_id) s
              JOIN benefits_awardamount x ON x.id = (SELECT y.id FROM benefits_awardamount y
                WHERE y.award_id = s.award_id AND y.valid_from <= s.valid_from
                ORDER BY y.valid_from DESC, y.id DESC LIMIT 1)) n""",
            {"day": connection.ops.adapt_datefield_value(day)},
        )
        return cursor.rowcount


def amount_chain_step(
    awards_table: str,
    *,
    day: date,
    event: int,
    step: dict[str, Any],
    reason: str,
    comment: str,
    actor_id: int | None,
) -> int:
    """Add the ``event``'s ``step`` from ``day`` to the chain of each award of
    ``awards_table`` with an amount in force then, and move their revisions; the number of
    awards. ``STEPS_TABLE`` keeps what was added (the amount before, the new one in tiyn)."""
    if not amount_chain_steps(awards_table, day=day, step=step):
        return 0
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    params = {
        "now": now,
        "reason": reason,
        "comment": comment[:300],
        "event": event,
        "step": json.dumps(step),
        "actor": actor_id,
    }
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO benefits_awardamount (created_at, updated_at, award_id, valid_from, "
            "gross, opv, net, reason, comment, base, event, step, created_by_id) "
            f"SELECT %(now)s, %(now)s, s.award_id, s.valid_from, {money_sql('s.gross_tiyn')}, "
            f"{money_sql('s.opv_tiyn')}, {money_sql('s.gross_tiyn - s.opv_tiyn')}, %(reason)s, "
            f"%(comment)s, NULL, %(event)s, %(step)s, %(actor)s FROM {STEPS_TABLE} s "
            "WHERE s.later = 0 ORDER BY s.award_id",
            params,
        )
        cursor.execute(
            "UPDATE benefits_award SET revision = revision + 1, updated_at = %(now)s "
            f"WHERE id IN (SELECT s.award_id FROM {STEPS_TABLE} s WHERE s.later = 0)",
            params,
        )
        cursor.execute(f"SELECT s.award_id, s.valid_from FROM {STEPS_TABLE} s WHERE s.later = 1")
        later = cursor.fetchall()
    if later:
        amount_chain_extend(
            {
                award_id: [
                    Link(
                        valid_from=_day(on), reason=reason, event=event, step=step, comment=comment
                    )
                ]
                for award_id, on in later
            },
            actor_id=actor_id,
        )
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {STEPS_TABLE}")
        (count,) = cursor.fetchone()
    return count


def _day(value: Any) -> date:
    """A date column as the database hands it back (SQLite: its ISO text)."""
    return date.fromisoformat(value[:10]) if isinstance(value, str) else value
