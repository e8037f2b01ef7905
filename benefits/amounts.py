"""The money rules of an award's amounts, as pure functions (Decimal and dates in, no ORM).

One definition each: OPV withholding (rules.md §3.3-3.4), the indexation and coefficient
arithmetic of the events (§5), and how an award's dated series of amounts is derived from its
bases and the events applied to it. ``payouts`` uses these; nothing here knows of payments.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Any

from benefits.models.awards import BenefitType
from benefits.rules.common import opv_of
from gfss.common.money import ZERO, round_kzt

# OPV is not withheld from the breadwinner payment [I] (rules.md §3.3).
OPV_EXEMPT_BENEFITS = frozenset({BenefitType.BREADWINNER})


def withholds_opv(benefit: str) -> bool:
    return benefit not in OPV_EXEMPT_BENEFITS


def split_gross(gross: Decimal, *, benefit: str, opv_rate: Decimal) -> tuple[Decimal, Decimal]:
    """OPV and net of a rounded gross (rules.md §3.4: OPV = round(gross × rate), net = rest)."""
    opv = opv_of(gross, rate=Fraction(opv_rate)) if withholds_opv(benefit) else ZERO
    return opv, gross - opv


def indexed_gross(gross: Decimal, *, percent: Decimal) -> Decimal:
    """The current amount × (1 + p/100), exactly, rounded half-up to the tiyn (rules.md §5)."""
    return round_kzt(Fraction(gross) * (100 + Fraction(percent)) / 100)


def coefficient_gross(gross: Decimal, *, old: Decimal, new: Decimal) -> Decimal:
    """The amount in force rescaled from the old coefficient to the new one, rounded once.

    [D] Scaling the amount in force (gross × 0.45 / 0.40) rather than recomputing
    СМД × КСУ × 0.45 from the stored calculation: it composes with any change appended since
    the assignment (a recalculation, an earlier event) and needs no per-award facts.
    """
    return round_kzt(Fraction(gross) * Fraction(new) / Fraction(old))


def step_gross(gross: Decimal, step: dict[str, Any]) -> Decimal:
    """Apply one event step (``{"percent": …}`` or ``{"from": …, "to": …}``) to an amount."""
    if "percent" in step:
        return indexed_gross(gross, percent=Decimal(step["percent"]))
    return coefficient_gross(gross, old=Decimal(step["from"]), new=Decimal(step["to"]))


@dataclass(frozen=True)
class Entry:
    """One link of an award's amount chain.

    A **base** (``base`` set: the formula's amount of an assignment or a recalculation, before
    any event) or an **event step** (``event`` set, with its ``step``). ``row_id`` orders the
    entries of one day that are of the same kind.
    """

    valid_from: date
    row_id: int
    base: Decimal | None = None
    event: int | None = None
    step: dict[str, Any] | None = None

    @property
    def key(self) -> tuple[str, Any]:
        return ("event", self.event) if self.event is not None else ("base", self.valid_from)

    def order(self) -> tuple[date, int, int]:
        return (self.valid_from, 0 if self.base is not None else 1, self.row_id)


def derive_series(entries: list[Entry]) -> list[tuple[Entry, Decimal]]:
    """The amount of every link: the latest base with every event up to it, then each event.

    A base (a recalculation from a date) starts from the formula again and re-applies, in
    date order, every event the award received before that date; each later event then
    applies to the new amount. So a later event never brings back an old base (rules.md §5:
    the history reads base → event → recalculation → event). Of entries with the same key
    (the same base date, the same event) the latest row counts.
    """
    latest: dict[tuple[str, Any], Entry] = {}
    for entry in sorted(entries, key=lambda e: e.row_id):
        latest[entry.key] = entry
    chain = sorted(latest.values(), key=Entry.order)
    out: list[tuple[Entry, Decimal]] = []
    applied: list[Entry] = []
    current: Decimal | None = None
    for entry in chain:
        if entry.base is not None:
            current = entry.base
            for event in applied:
                current = step_gross(current, event.step or {})
        elif current is not None:
            current = step_gross(current, entry.step or {})
            applied.append(entry)
        else:
            continue
        out.append((entry, current))
    return out
