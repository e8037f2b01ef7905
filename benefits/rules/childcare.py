"""Childcare (rules.md §4.6, SC arts. 84-86): clamp(СМД24 × 0.40, floor, cap), monthly."""

from fractions import Fraction

from benefits.rules.common import LONG_TERM_AVERAGE_MONTHS, Calculation, require
from benefits.rules.errors import BirthOrderInvalidError
from benefits.rules.facts import Facts
from benefits.rules.result import Benefit, RefusalReason, Result
from gfss.common.money import round_kzt
from gfss.legal.params import ParameterSet

# The cap is a share of 7 MZP; the 7 is part of the parameter's definition
# (childcare.cap_share_of_7mzp) [V] Art. 85 p.2.
CAP_MZP_MULTIPLE = 7


def calculate(facts: Facts, *, params: ParameterSet) -> Result:
    birth_order = require(facts.birth_order, fact="birth_order")
    if birth_order < 1:
        raise BirthOrderInvalidError(birth_order)
    calculation = Calculation(Benefit.CHILDCARE, facts, params=params)
    trace = calculation.trace
    avg = calculation.average_income(months=LONG_TERM_AVERAGE_MONTHS)

    age_limit = calculation.param("childcare.max_age_months")
    calculation.months = int(age_limit.decimal)
    trace.add(
        "childcare_age_limit",
        formula="childcare.max_age_months",
        parameters=[age_limit],
        result=calculation.months,
    )
    # Without income in the window the person has no insured income to replace; the floor is
    # the state allowance, paid by the state, not a GFSS payment (rules.md D-8 read for childcare).
    if avg <= 0:
        return calculation.refuse(RefusalReason.AMOUNT_NOT_POSITIVE)

    replacement = calculation.param("childcare.replacement")
    allowance = calculation.param("childcare.state_allowance_mrp")
    allowance_mrp = allowance.scale.lookup(birth_order)
    if allowance_mrp is None:
        raise BirthOrderInvalidError(birth_order)
    mrp = calculation.param("mrp")
    grossed_up = calculation.param("childcare.floor_grossed_up")
    # An MRP multiple is rounded before any gross-up (rules.md §3.4).
    allowance_amount = Fraction(round_kzt(Fraction(allowance_mrp) * mrp.fraction))
    if grossed_up.decimal:
        opv_rate = calculation.param("benefit.opv_rate")
        floor = allowance_amount / (1 - opv_rate.fraction)
        trace.add(
            "childcare_floor",
            formula="round(allowance MRP × MRP) / (1 − benefit.opv_rate)",
            values={"allowance MRP": allowance_mrp, "MRP": mrp.decimal},
            parameters=[allowance, mrp, grossed_up, opv_rate],
            result=floor,
        )
    else:
        floor = allowance_amount
        trace.add(
            "childcare_floor",
            formula="round(allowance MRP × MRP)",
            values={"allowance MRP": allowance_mrp, "MRP": mrp.decimal},
            parameters=[allowance, mrp, grossed_up],
            result=floor,
        )

    cap_share = calculation.param("childcare.cap_share_of_7mzp")
    mzp = calculation.param("mzp")
    # A share of 0 means there is no cap (before the Social Code).
    cap = cap_share.fraction * CAP_MZP_MULTIPLE * mzp.fraction if cap_share.decimal else None
    trace.add(
        "childcare_cap",
        formula=f"share × {CAP_MZP_MULTIPLE} × МЗП (share 0: no cap)",
        values={"share": cap_share.decimal, "МЗП": mzp.decimal},
        parameters=[cap_share, mzp],
        result=cap if cap is not None else "none",
    )

    amount = avg * replacement.fraction
    gross = max(amount, floor) if cap is None else min(max(amount, floor), cap)
    return calculation.pay(
        gross,
        formula="clamp(СМД × replacement, floor, cap)",
        values={
            "СМД × replacement": amount,
            "floor": floor,
            "cap": cap if cap is not None else "none",
        },
        parameters=[replacement],
        withhold_opv=True,
    )
