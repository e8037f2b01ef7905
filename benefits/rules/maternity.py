"""Pregnancy and childbirth (rules.md §4.4, SC arts. 76-78): СМД12 × days / 30, paid once.

Adoption of a newborn (§4.5) uses the same formula; ``adoption.py`` calls ``calculate_leave``.
"""

from benefits.rules.common import Calculation, require
from benefits.rules.errors import DaysNotPositiveError
from benefits.rules.facts import Facts
from benefits.rules.result import Benefit, Result
from gfss.legal.params import ParameterSet

# СМД over the 12 months before the month of the right (Art. 78) [V].
AVERAGE_MONTHS = 12
# The daily amount is the monthly average ÷ 30 (Art. 78) [V].
DAYS_PER_MONTH = 30


def calculate(facts: Facts, *, params: ParameterSet) -> Result:
    return calculate_leave(Benefit.MATERNITY, facts, params=params)


def calculate_leave(benefit: Benefit, facts: Facts, *, params: ParameterSet) -> Result:
    days = require(facts.days, fact="days")
    if days <= 0:
        raise DaysNotPositiveError(days)
    calculation = Calculation(benefit, facts, params=params, lump_sum=True)
    avg = calculation.average_income(months=AVERAGE_MONTHS)
    # No contributions in the window make СМД and so the amount 0, which pay() refuses [D-8].
    return calculation.pay(
        avg * days / DAYS_PER_MONTH,
        formula=f"СМД × days / {DAYS_PER_MONTH}",
        values={"СМД": avg, "days": days},
        parameters=[],
        withhold_opv=True,
    )
