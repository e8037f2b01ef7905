"""Benefit rules: pure calculators of the six benefits (rules.md §3-4), no ORM.

``calculate(benefit, facts, params=...)`` returns a ``Result`` with its trace. The
``ParameterSet`` is passed in so that the same code runs on the shipped data file (golden
cases, tests) and on the database (``gfss.legal.selectors.parameter_set()``).
"""

from collections.abc import Callable

from benefits.rules import adoption, breadwinner, childcare, disability, job_loss, maternity
from benefits.rules.errors import BenefitUnknownError
from benefits.rules.facts import (
    Contribution,
    Facts,
    average_income,
    income_from_contributions,
    stazh_months,
)
from benefits.rules.result import Benefit, RefusalReason, Result
from benefits.rules.trace import Step, Trace
from gfss.legal.params import ParameterSet

CALCULATORS: dict[Benefit, Callable[..., Result]] = {
    Benefit.DISABILITY: disability.calculate,
    Benefit.BREADWINNER: breadwinner.calculate,
    Benefit.JOB_LOSS: job_loss.calculate,
    Benefit.MATERNITY: maternity.calculate,
    Benefit.ADOPTION: adoption.calculate,
    Benefit.CHILDCARE: childcare.calculate,
}
BENEFIT_CODES: tuple[str, ...] = tuple(str(benefit) for benefit in Benefit)


def calculate(benefit: str, facts: Facts, *, params: ParameterSet) -> Result:
    try:
        calculator = CALCULATORS[Benefit(benefit)]
    except ValueError:
        raise BenefitUnknownError(benefit) from None
    return calculator(facts, params=params)


__all__ = [
    "BENEFIT_CODES",
    "Benefit",
    "Contribution",
    "Facts",
    "RefusalReason",
    "Result",
    "Step",
    "Trace",
    "average_income",
    "calculate",
    "income_from_contributions",
    "stazh_months",
]
