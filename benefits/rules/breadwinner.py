"""Loss of breadwinner (rules.md §4.2, SC arts. 229-241): one monthly payment for the family.

No pension contribution is withheld from it [I], unlike the other five benefits.
"""

from decimal import Decimal

from benefits.rules.common import Calculation, require
from benefits.rules.errors import DependentsInvalidError
from benefits.rules.facts import Facts
from benefits.rules.result import Benefit, Result
from gfss.legal.params import ParameterInForce, ParameterSet

# Arts. 76, 117, 174 withhold OPV from the other five benefits, not from this one [I].
OPV_WITHHELD = False


def calculate(facts: Facts, *, params: ParameterSet) -> Result:
    dependents = require(facts.dependents, fact="dependents")
    if dependents < 1:
        raise DependentsInvalidError(dependents)
    calculation = Calculation(Benefit.BREADWINNER, facts, params=params)
    return calculation.long_term_amount(
        prefix="breadwinner",
        factor_name="КИ",
        factor=lambda c: _dependents_coefficient(c, dependents=dependents),
        withhold_opv=OPV_WITHHELD,
    )


def _dependents_coefficient(
    calculation: Calculation, *, dependents: int
) -> tuple[Decimal, list[ParameterInForce]]:
    scale = calculation.param("breadwinner.dependents_coefficient")
    coefficient = scale.scale.lookup(dependents)
    if coefficient is None:
        raise DependentsInvalidError(dependents)
    calculation.trace.add(
        "dependents_coefficient",
        formula="КИ(dependents)",
        values={"dependents": dependents},
        parameters=[scale],
        result=coefficient,
    )
    return coefficient, [scale]
