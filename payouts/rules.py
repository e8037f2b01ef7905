"""The payout rules as pure functions and named decisions (Decimal and dates in, no ORM).

The set-based SQL in ``services`` computes exactly these; tests hold the two to agreement.
"""

from datetime import date
from decimal import ROUND_DOWN, Decimal

from dateutil.relativedelta import relativedelta

from benefits.models.awards import BenefitType
from gfss.common.money import TIYN, ZERO, round_kzt
from gfss.common.periods import add_months, month_start

# OPV is not withheld from the breadwinner payment [I] (rules.md §3.3).
OPV_EXEMPT_BENEFITS = frozenset({BenefitType.BREADWINNER})

# [D] The most of one payment's net that a deduction may take to recover an overpayment.
# 25 % for job loss and disability is the fund's rule; breadwinner and childcare support
# children, so they get the same protective cap rather than the Labour Code's 50 %. Lump sums
# are paid once before any overpayment can arise: they recover by repayment only.
DEDUCTION_CAP: dict[str, Decimal] = {
    BenefitType.DISABILITY: Decimal("0.25"),
    BenefitType.JOB_LOSS: Decimal("0.25"),
    BenefitType.BREADWINNER: Decimal("0.25"),
    BenefitType.CHILDCARE: Decimal("0.25"),
    BenefitType.MATERNITY: ZERO,
    BenefitType.ADOPTION: ZERO,
}

# [D] A payment run catches up unpaid months at most this far back (the run's month included):
# the general limitation period of the Civil Code (art. 178) is three years. It also bounds the
# work of every run, whatever the age of the awards.
CATCH_UP_MONTHS = 36


def withholds_opv(benefit: str) -> bool:
    return benefit not in OPV_EXEMPT_BENEFITS


def split_gross(gross: Decimal, *, benefit: str, opv_rate: Decimal) -> tuple[Decimal, Decimal]:
    """OPV and net of a rounded gross (rules.md §3.4: OPV = round(gross × rate), net = rest)."""
    opv = round_kzt(gross * opv_rate) if withholds_opv(benefit) else ZERO
    return opv, gross - opv


def indexed_gross(gross: Decimal, *, percent: Decimal) -> Decimal:
    """The current amount × (1 + p/100), rounded half-up to the tiyn (rules.md §5)."""
    return round_kzt(gross * (100 + percent) / 100)


def coefficient_gross(gross: Decimal, *, old: Decimal, new: Decimal) -> Decimal:
    """The amount in force rescaled from the old coefficient to the new one, rounded once.

    [D] Scaling the amount in force (gross × 0.45 / 0.40) rather than recomputing
    СМД × КСУ × 0.45 from the stored calculation: the result is the formula's to within a tiyn,
    it composes with any change appended since the assignment (a recalculation, an earlier
    event) which the stored calculation does not know, and it needs no per-award facts.
    """
    return round_kzt(gross * new / old)


def deduction_cap(net: Decimal, *, benefit: str) -> Decimal:
    """The most a deduction may take from a payment: down to the tiyn so it never exceeds."""
    return (net * DEDUCTION_CAP[benefit]).quantize(TIYN, rounding=ROUND_DOWN)


def deductions(caps: list[Decimal], *, balance: Decimal) -> list[Decimal]:
    """Deductions from consecutive payments: each up to its cap, together up to the balance."""
    out = []
    left = max(balance, ZERO)
    for cap in caps:
        taken = min(cap, left)
        out.append(taken)
        left -= taken
    return out


def paid_months(
    *, start_date: date, end_date: date | None, lump_sum: bool
) -> tuple[date, date | None]:
    """[D] The payment calendar: the months ``[first, last]`` an award pays for.

    Monthly awards pay for every month from the month of their start up to the month before
    the month of their (exclusive) end, without proration by days, which rules.md does not
    define: a 4-month job-loss award from 5 December pays December to March, a childcare award
    from birth on 10 May to the first birthday pays May to April. ``last`` None: open-ended.
    A lump sum is the one line for the month of its start.
    """
    first = month_start(start_date)
    if lump_sum:
        return first, first
    if end_date is None:
        return first, None
    return first, add_months(month_start(end_date), -1)


def months_to_pay(
    *,
    start_date: date,
    end_date: date | None,
    lump_sum: bool,
    last_paid: date | None,
    period: date,
) -> list[date]:
    """The months a run for ``period`` pays: not yet paid, at most ``CATCH_UP_MONTHS`` back.

    [D] "Catch up": a suspension holds payments without ending the right, so once the award
    is active again its unpaid months since the last paid one are paid in the next run.
    """
    first, last = paid_months(start_date=start_date, end_date=end_date, lump_sum=lump_sum)
    floor = add_months(period, 1 - CATCH_UP_MONTHS)
    if lump_sum:
        return [first] if last_paid is None and floor <= first <= period else []
    begin = max(first, floor, add_months(last_paid, 1) if last_paid else first)
    end = period if last is None else min(period, last)
    months = []
    while begin <= end:
        months.append(begin)
        begin = add_months(begin, 1)
    return months


def extended_end(
    *, end_date: date, child_birth_date: date | None, from_months: int, to_months: int
) -> date:
    """The childcare end moved from the child's age ``from_months`` to ``to_months``.

    Without the birth date in the stored calculation it is the end less ``from_months`` (the
    award ran to the birthday); for a child born on the 29th-31st that can be a day early.
    """
    if child_birth_date is not None:
        return child_birth_date + relativedelta(months=to_months)
    return end_date + relativedelta(months=to_months - from_months)
