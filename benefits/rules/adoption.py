"""Adoption of a newborn (rules.md §4.5): the maternity formula, days from the certificate."""

from benefits.rules.facts import Facts
from benefits.rules.maternity import calculate_leave
from benefits.rules.result import Benefit, Result
from gfss.legal.params import ParameterSet


def calculate(facts: Facts, *, params: ParameterSet) -> Result:
    return calculate_leave(Benefit.ADOPTION, facts, params=params)
