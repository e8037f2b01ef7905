"""The entitlement: what an award is due for a month, as known on a date. The one definition.

Read by the payment runs, the settlement of back-dated changes, the overpayment check, the
award pages and the API; nothing else computes what is due. It is read set-based (three
queries for any number of awards) through the ORM, so PostgreSQL and SQLite run the same
code, and the arithmetic is Python's exact ``Decimal``, never the database's.

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

import bisect
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone

from benefits.models import Award, AwardAmount, AwardDecision
from gfss.common.money import ZERO
from gfss.common.periods import add_months, month_start, next_period


@dataclass(frozen=True)
class Due:
    period: date
    gross: Decimal
    opv: Decimal
    net: Decimal


def _nothing(period: date) -> Due:
    return Due(period, ZERO, ZERO, ZERO)


@dataclass
class AwardEntitlement:
    """One award's facts, enough to say what any month is due."""

    award_id: int
    benefit: str
    revision: int
    first: date
    last: date | None  # the last month with a right; None: open-ended
    lump_sum: bool
    holds: list[tuple[date, date | None]] = field(default_factory=list)
    # (valid_from, row id, gross, opv, net), sorted by valid_from then id
    amounts: list[tuple[date, int, Decimal, Decimal, Decimal]] = field(default_factory=list)

    def has_right(self, period: date) -> bool:
        if period < self.first or (self.last is not None and period > self.last):
            return False
        if not self.holds:
            return True
        following = next_period(period)
        # A suspension resumed on the day it began holds no day at all.
        return not any(
            start < following and (end is None or end > max(period, start))
            for start, end in self.holds
        )

    def amount_in_force(self, period: date) -> tuple[date, int, Decimal, Decimal, Decimal] | None:
        """The amount row in force in the month, whether or not the month is due."""
        index = bisect.bisect_left(self.amounts, (next_period(month_start(period)),)) - 1
        return self.amounts[index] if index >= 0 else None

    def due(self, period: date) -> Due:
        period = month_start(period)
        amount = self.amount_in_force(period) if self.has_right(period) else None
        if amount is None:
            return _nothing(period)
        _, _, gross, opv, net = amount
        return Due(period, gross, opv, net)

    def months(self, *, through: date) -> list[date]:
        """The calendar months of the right up to ``through`` (held ones included)."""
        last = month_start(through) if self.last is None else min(self.last, month_start(through))
        months, month = [], self.first
        while month <= last:
            months.append(month)
            month = add_months(month, 1)
        return months


def _end_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.max))


def _holds(decisions: list[tuple[str, date]]) -> list[tuple[date, date | None]]:
    holds: list[tuple[date, date | None]] = []
    for kind, effective in decisions:
        if kind == AwardDecision.Kind.SUSPEND:
            holds.append((effective, None))
        elif holds and holds[-1][1] is None:
            holds[-1] = (holds[-1][0], effective)
    return holds


def entitlements(
    award_ids: list[int], *, known_on: date | None = None
) -> dict[int, AwardEntitlement]:
    """The entitlement of each award, as known at the end of ``known_on`` (default: now)."""
    known = Q() if known_on is None else Q(created_at__lte=_end_of(known_on))
    out: dict[int, AwardEntitlement] = {}
    for a in Award.objects.filter(pk__in=award_ids).values(
        "pk", "benefit", "revision", "start_date", "end_date", "terminated_on", "lump_sum"
    ):
        if known_on is not None and a["terminated_on"] is not None:
            # A termination counts from when it was confirmed, like the other decisions.
            confirmed = AwardDecision.objects.filter(
                award_id=a["pk"],
                kind=AwardDecision.Kind.TERMINATE,
                status=AwardDecision.Status.APPLIED,
                confirmed_at__lte=_end_of(known_on),
            ).exists()
            a["terminated_on"] = a["terminated_on"] if confirmed else None
        ends = [d for d in (a["end_date"], a["terminated_on"]) if d is not None]
        end = min(ends) if ends else None
        first = month_start(a["start_date"])
        if a["lump_sum"]:
            last: date | None = first if end is None or end > a["start_date"] else None
            if last is None:
                first, last = date.max.replace(day=1), date.min
        else:
            last = None if end is None else add_months(month_start(end), -1)
        out[a["pk"]] = AwardEntitlement(
            award_id=a["pk"],
            benefit=a["benefit"],
            revision=a["revision"],
            first=first,
            last=last,
            lump_sum=a["lump_sum"],
        )
    decisions: dict[int, list[tuple[str, date]]] = {}
    for award_id, kind, effective in (
        AwardDecision.objects.filter(
            known,
            award_id__in=list(out),
            kind__in=[AwardDecision.Kind.SUSPEND, AwardDecision.Kind.RESUME],
            status=AwardDecision.Status.APPLIED,
        )
        .order_by("award_id", "effective_date", "id")
        .values_list("award_id", "kind", "effective_date")
    ):
        decisions.setdefault(award_id, []).append((kind, effective))
    for award_id, rows in decisions.items():
        out[award_id].holds = _holds(rows)
    for row in (
        AwardAmount.objects.filter(known, award_id__in=list(out))
        .order_by("award_id", "valid_from", "id")
        .values_list("award_id", "valid_from", "id", "gross", "opv", "net")
    ):
        out[row[0]].amounts.append(row[1:])
    return out


def award_entitlement(award_id: int, *, known_on: date | None = None) -> AwardEntitlement:
    return entitlements([award_id], known_on=known_on)[award_id]


def award_amount_in_force(award_id: int, *, period: date) -> AwardAmount | None:
    """The ``AwardAmount`` row a month takes its amount from (the award pages, the tests)."""
    amount = award_entitlement(award_id).amount_in_force(period)
    return None if amount is None else AwardAmount.objects.get(pk=amount[1])
