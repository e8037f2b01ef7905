"""The facts a benefit is calculated from, and how they are derived from contributions.

The golden runner and the database path both derive the average monthly income (СМД) and the
participation length (стаж) with the functions below, so that there is one reading of rules.md
§3.1-3.2.
"""

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from fractions import Fraction
from functools import cache

from contributions.calculations import FIRST_PERIOD, PayerMonth, income_by_month
from gfss.common.periods import add_months, month_start
from gfss.legal.params import ParameterSet


@dataclass(frozen=True)
class Contribution:
    """Social contributions one payer paid for one person for one month (``period``)."""

    payer: str
    period: date
    amount: Decimal


@dataclass(frozen=True)
class Facts:
    """What a claim states. Facts a benefit does not use are ignored by it.

    ``avg_monthly_income`` given directly wins over the one derived from ``monthly_incomes``
    (period -> income, see ``income_from_contributions``). ``has_contribution_in_window``
    ``None`` means: derive it from ``monthly_incomes``, or, without them, take it as met.
    """

    right_date: date
    avg_monthly_income: Decimal | None = None
    stazh_months: int | None = None
    monthly_incomes: Mapping[date, Fraction] | None = field(default=None, hash=False)
    degree: Decimal | None = None
    dependents: int | None = None
    days: int | None = None
    birth_order: int | None = None
    previous_job_loss_months: int = 0
    has_contribution_in_window: bool | None = None


def income_from_contributions(
    contributions: Iterable[Contribution], *, params: ParameterSet
) -> dict[date, Fraction]:
    """Income per month implied by the contributions (rules.md §3.1), exactly.

    The reading of §3.1 is the contributions app's own (``income_by_month``): per payer per
    month SO ÷ rate, capped at so.object_cap_mzp × MZP, then summed over payers.
    """
    return income_by_month(
        (
            PayerMonth(payer=c.payer, period=month_start(c.period), amount=c.amount)
            for c in contributions
        ),
        params=params,
    )


@cache  # a batch asks for the same few windows once per calculation
def window(*, right_date: date, months: int) -> tuple[date, date]:
    """The half-open period range ``[first, month of the right)`` of ``months`` months."""
    end = month_start(right_date)
    return add_months(end, -months), end


def average_income(incomes: Mapping[date, Fraction], *, right_date: date, months: int) -> Fraction:
    """СМД: the income of the ``months`` calendar months before the month of the right ÷ N.

    Always divided by N, however many months had income [V]; exact, not rounded [D-4].
    """
    first, end = window(right_date=right_date, months=months)
    # The incomes have a few denominators (one per SO rate, 1 for a capped month): adding the
    # numerators of each first makes a few Fraction additions instead of one per month.
    numerators: defaultdict[int, int] = defaultdict(int)
    for period, income in incomes.items():
        if first <= period < end:
            numerators[income.denominator] += income.numerator
    total = sum((Fraction(n, d) for d, n in numerators.items()), Fraction(0))
    return total / months


def stazh_months(periods: Iterable[date], *, right_date: date) -> int:
    """Distinct months with a contribution, from 2005-01 up to the month of the right [D-5]."""
    end = month_start(right_date)
    return len({period for period in map(month_start, periods) if FIRST_PERIOD <= period < end})


def has_income_in_window(
    incomes: Mapping[date, Fraction], *, right_date: date, months: int
) -> bool:
    """Whether any month of the window before the month of the right has income."""
    first, end = window(right_date=right_date, months=months)
    return any(first <= period < end and income > 0 for period, income in incomes.items())
