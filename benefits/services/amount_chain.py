"""Appending links to award amount chains: a recalculation's base or an event's step.

Every change goes through ``amount_chain_extend``: it derives each award's chain with the new
links (``benefits.amounts.derive_series``) and appends, as new rows, the new links and every
later link whose amount follows from them. Rows are never updated (architecture.md "Data
rules"), and the award's revision moves so that payouts settles the months already paid.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import F
from django.db.models.functions import Now

from benefits.amounts import Entry, derive_series, split_gross
from benefits.models import Award, AwardAmount
from gfss.legal.selectors import parameter_value

OPV_RATE_CODE = "benefit.opv_rate"


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
