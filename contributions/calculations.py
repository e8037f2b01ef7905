"""Pure calculations on contributions: no ORM, ``Decimal`` and dates in.

- ``income_by_month``: rules.md §3.1, the income implied by each payer's contributions for a
  month, capped per payer, summed over payers, as an exact ``Fraction`` (SO ÷ 0.035 has no
  finite decimal expansion, rules.md §3.4). It is the same reading as
  ``benefits.rules.facts.income_from_contributions`` (a test holds the two together); it lives
  here too because ``contributions`` must not import ``benefits`` (architecture.md).
- ``penalty``: rules.md §2 [D-1].
"""

from collections.abc import Callable, Iterable
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from functools import partial
from typing import NamedTuple

from gfss.common.money import round_kzt
from gfss.legal.params import ParameterSet

# Compulsory social insurance began in 2005-01: the first month a contribution can be for, and
# where participation is counted from (rules.md §2 and §3.2, D-5).
FIRST_PERIOD = date(2005, 1, 1)


class PayerMonth(NamedTuple):
    """What one payer paid for one person for one month, reversals netted.

    Shaped like ``benefits.rules.facts.Contribution`` (payer, period, amount) so that the
    benefit calculators can take these rows as they are. ``payer`` is the payer's id as text.
    """

    payer: str
    period: date
    amount: Decimal


def income_by_month(rows: Iterable[PayerMonth], *, params: ParameterSet) -> dict[date, Fraction]:
    """Income per month, exactly: Σ over payers of min(SO ÷ rate, cap × MZP).

    Every payer-month of every calculation of a batch passes here, so the arithmetic is done on
    integer numerators and denominators, and each month becomes a ``Fraction`` once (a
    ``Fraction`` reduces itself after every operation, which costs more than the rule).
    """
    per_payer: dict[tuple[date, str], Decimal] = {}
    for payer, period, amount in rows:
        key = (period, payer)
        per_payer[key] = per_payer[key] + amount if key in per_payer else amount
    sums: dict[date, tuple[int, int]] = {}
    for (period, _payer), amount in per_payer.items():
        if amount <= 0:  # every payment of the month reversed (refunded): no income
            continue
        rate_numerator, rate_denominator, cap, cap_denominator = params.derived(
            ("income_limits", period), partial(_income_limits, period, params)
        )
        so, so_denominator = amount.as_integer_ratio()
        # SO ÷ rate as numerator / denominator, replaced by the cap when it is above it.
        income, denominator = so * rate_denominator, so_denominator * rate_numerator
        if income * cap_denominator > cap * denominator:
            income, denominator = cap, cap_denominator
        if period in sums:
            total, total_denominator = sums[period]
            income = total * denominator + income * total_denominator
            denominator *= total_denominator
        sums[period] = (income, denominator)
    return {period: Fraction(*income) for period, income in sums.items()}


def _income_limits(period: date, params: ParameterSet) -> tuple[int, int, int, int]:
    """The SO rate and the cap of the income of a payer-month, as numerators and denominators."""
    rate = params.get("so.rate", on=period).fraction
    cap_mzp = params.get("so.object_cap_mzp", on=period).fraction
    mzp = params.get("mzp", on=period).fraction
    return (
        rate.numerator,
        rate.denominator,
        cap_mzp.numerator * mzp.numerator,
        cap_mzp.denominator * mzp.denominator,
    )


def due_date(period: date, *, due_day: int, is_working_day: Callable[[date], bool]) -> date:
    """SO for ``period`` are due on ``due_day`` of the next month, moved to the next working
    day when that is a day off (rules.md §2, D-2)."""
    following = date(period.year + period.month // 12, period.month % 12 + 1, 1)
    day = following.replace(day=due_day)
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def penalty_factor(*, due: date, paid_on: date, params: ParameterSet) -> Fraction:
    """The penalty on one tenge, exact (D-11): Σ over each day from the day after ``due``
    through ``paid_on`` (inclusive) of multiple × NBK base rate in force that day / 100 / 365.
    A day's share has no finite decimal (÷ 365), so it stays a fraction until the rounding."""
    total = Fraction(0)
    day = due + timedelta(days=1)
    while day <= paid_on:
        multiple = params.get("so.penalty_base_rate_multiple", on=day).decimal
        rate = params.get("nbk.base_rate", on=day).decimal
        total += Fraction(multiple) * Fraction(rate) / 100 / 365
        day += timedelta(days=1)
    return total


def penalty(*, arrears: Decimal, due: date, paid_on: date, params: ParameterSet) -> Decimal:
    """rules.md §2 [D-1]: arrears × the factor above, rounded to the tiyn at the end only."""
    return round_kzt(Fraction(arrears) * penalty_factor(due=due, paid_on=paid_on, params=params))
