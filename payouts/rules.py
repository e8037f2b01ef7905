"""The payout rules as pure functions and named decisions (Decimal and dates in, no ORM).

What a month is due is the entitlement's (``benefits.entitlement``) and the amount arithmetic
is ``benefits.amounts``'; here: how much of a payment may recover an overpayment, how far back
a run catches up, and how a period extension moves an end date.
"""

from datetime import date
from decimal import ROUND_DOWN, Decimal

from dateutil.relativedelta import relativedelta

from benefits.models.awards import BenefitType
from gfss.common.money import TIYN, ZERO

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


def deduction_cap(net: Decimal, *, benefit: str) -> Decimal:
    """The most a deduction may take from a payment: down to the tiyn so it never exceeds."""
    return (net * DEDUCTION_CAP[benefit]).quantize(TIYN, rounding=ROUND_DOWN)


# [D] A top-up pays a difference for months already past: while an overpayment is left to
# recover, the top-up offsets it first, wholly, before the monthly deductions take their share.
TOP_UP_DEDUCTION_CAP = Decimal("1")


def top_up_deduction_cap(net: Decimal) -> Decimal:
    return (net * TOP_UP_DEDUCTION_CAP).quantize(TIYN, rounding=ROUND_DOWN)


def deductions(caps: list[Decimal], *, balance: Decimal) -> list[Decimal]:
    """Deductions from consecutive payments: each up to its cap, together up to the balance."""
    out = []
    left = max(balance, ZERO)
    for cap in caps:
        taken = min(cap, left)
        out.append(taken)
        left -= taken
    return out


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
