"""Loss of working capacity (rules.md §4.1, SC arts. 171-182), monthly."""

from benefits.rules.common import Calculation, require
from benefits.rules.errors import DegreeOutOfRangeError
from benefits.rules.facts import Facts
from benefits.rules.limits import DEGREE_MAX, DEGREE_MIN
from benefits.rules.result import Benefit, Result
from gfss.legal.params import ParameterSet


def calculate(facts: Facts, *, params: ParameterSet) -> Result:
    degree = require(facts.degree, fact="degree")
    if not DEGREE_MIN <= degree <= DEGREE_MAX:
        raise DegreeOutOfRangeError(degree, low=DEGREE_MIN, high=DEGREE_MAX)
    calculation = Calculation(Benefit.DISABILITY, facts, params=params)
    return calculation.long_term_amount(
        prefix="disability", factor_name="КУТ", factor=lambda _: (degree, []), withhold_opv=True
    )
