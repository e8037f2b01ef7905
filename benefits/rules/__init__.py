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

# The facts each calculator reads from the claim besides the average monthly income (stated,
# or derived from the ledger with the participation months): what a form asks for each benefit.
CLAIM_FACTS: dict[Benefit, tuple[str, ...]] = {
    Benefit.DISABILITY: ("stazh_months", "degree"),
    Benefit.BREADWINNER: ("stazh_months", "dependents"),
    Benefit.JOB_LOSS: ("stazh_months", "previous_job_loss_months"),
    Benefit.MATERNITY: ("days",),
    Benefit.ADOPTION: ("days",),
    Benefit.CHILDCARE: ("birth_order",),
}
# Facts a calculator takes as zero when absent (a first job-loss claim).
OPTIONAL_FACTS = frozenset({"previous_job_loss_months"})


def calculate(benefit: str, facts: Facts, *, params: ParameterSet) -> Result:
    try:
        calculator = CALCULATORS[Benefit(benefit)]
    except ValueError:
        raise BenefitUnknownError(benefit) from None
    return calculator(facts, params=params)


__all__ = [
    "BENEFIT_CODES",
    "CLAIM_FACTS",
    "OPTIONAL_FACTS",
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
