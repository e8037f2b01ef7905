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

# The dated parameter of the OPV rate withheld from benefits (rules.md §3.3).
OPV_RATE_CODE = "benefit.opv_rate"
# OPV is not withheld from the breadwinner payment [I] (rules.md §3.3).
OPV_EXEMPT_BENEFITS = frozenset({BenefitType.BREADWINNER})


def withholds_opv(benefit: str) -> bool:
    return benefit not in OPV_EXEMPT_BENEFITS


def split_gross(gross: Decimal, *, benefit: str, opv_rate: Decimal) -> tuple[Decimal, Decimal]:
    """OPV and net of a rounded gross (rules.md §3.4: OPV = round(gross × rate), net = rest)."""
    opv = opv_of(gross, rate=Fraction(opv_rate)) if withholds_opv(benefit) else ZERO
    return opv, gross - opv


def step_factor(step: dict[str, Any]) -> Fraction:
    """What an event step (``{"percent": …}`` or ``{"from": …, "to": …}``) multiplies the
    amount in force by, exactly: 1 + p/100 (indexation, rules.md §5), or new ÷ old coefficient.

    [D] Scaling the amount in force (gross × 0.45 / 0.40) rather than recomputing
    СМД × КСУ × 0.45 from the stored calculation: it composes with any change appended since
    the assignment (a recalculation, an earlier event) and needs no per-award facts.
    """
    if "percent" in step:
        return (100 + Fraction(Decimal(step["percent"]))) / 100
    return Fraction(Decimal(step["to"])) / Fraction(Decimal(step["from"]))


def step_gross(gross: Decimal, step: dict[str, Any]) -> Decimal:
    """Apply one event step to an amount: the exact product, rounded once (rules.md §3.4)."""
    return round_kzt(Fraction(gross) * step_factor(step))


def indexed_gross(gross: Decimal, *, percent: Decimal) -> Decimal:
    """The current amount × (1 + p/100), exactly, rounded half-up to the tiyn (rules.md §5)."""
    return step_gross(gross, {"percent": str(percent)})


# The same arithmetic inside SQL, for the batch jobs that apply a step to many awards in one
# statement: in whole tiyn, as 64-bit integers on PostgreSQL and SQLite alike, so that no
# float (SQLite's REAL) and no decimal context touches an amount before its one rounding.
# tests/benefits/test_amounts_sql.py holds these to ``step_gross`` and ``split_gross`` on both.
_INT64_MAX = 2**63 - 1


def tiyn_sql(money: str) -> str:
    """A money column (two places) as its whole number of tiyn."""
    return f"CAST(ROUND(({money}) * 100) AS BIGINT)"


def money_sql(tiyn: str) -> str:
    """Whole tiyn back as tenge with two places (exact in a two-place column)."""
    return f"(({tiyn}) / 100.0)"


def scaled_tiyn_sql(tiyn: str, factor: Fraction) -> str:
    """``round_kzt`` of tiyn × factor, in whole tiyn: ⌊(2·n·t + d) / 2d⌋, half-up for t ≥ 0.

    Integer division truncates on both databases, which is the floor for the non-negative
    amounts the columns hold. Where the product would not fit 64 bits the result is NULL, so
    the statement fails on a NOT NULL column instead of SQLite turning it into a float.
    """
    if factor < 0:
        raise ValueError("scaled_tiyn_sql scales by a non-negative factor")
    n, d = factor.numerator, factor.denominator
    bound = (_INT64_MAX - d) // (2 * n) if n else _INT64_MAX
    return f"(CASE WHEN ({tiyn}) <= {bound} THEN (2 * {n} * ({tiyn}) + {d}) / {2 * d} END)"


def opv_tiyn_sql(gross_tiyn: str, *, benefit: str, rate: Fraction) -> str:
    """The OPV of a gross in whole tiyn, as ``split_gross`` withholds it (rules.md §3.4)."""
    exempt = ", ".join(f"'{code}'" for code in sorted(OPV_EXEMPT_BENEFITS))
    return (
        f"(CASE WHEN ({benefit}) IN ({exempt}) THEN 0 ELSE {scaled_tiyn_sql(gross_tiyn, rate)} END)"
    )


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
