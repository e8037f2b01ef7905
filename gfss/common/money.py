"""Money: tenge as ``Decimal`` with two places (tiyn).

The fund works in tenge only (KZT), so no model carries a currency column. Every amount is a
``Decimal``; floats never appear. One helper rounds, half-up, and only where a rule says so
(rules.md §3.4): the final gross, OPV, net, penalty and refund amounts.
"""

from decimal import Decimal, DecimalTuple
from fractions import Fraction
from functools import cache
from typing import Any

from django.db import models

TIYN = Decimal("0.01")
ZERO = Decimal("0.00")
MONEY_MAX_DIGITS = 18
MONEY_DECIMAL_PLACES = 2


def round_kzt(value: Decimal | Fraction | int, *, places: Decimal = TIYN) -> Decimal:
    """Round a final amount half-up, to the tiyn unless told otherwise.

    The value may be an exact rational (the calculators work in ``Fraction``, rules.md D-11),
    a ``Decimal`` or an ``int``; the rounding is done in integers, so no decimal context (its
    28 digits) and no float touches the value before the one rounding. A tie goes away from
    zero, as ``ROUND_HALF_UP`` does: 0.005 → 0.01 and −0.005 → −0.01, so a negative amount
    rounds to the mirror of its positive. A result of zero is returned unsigned (0.00).
    """
    if isinstance(value, float | bool) or not isinstance(value, Decimal | Fraction | int):
        raise TypeError(f"round_kzt takes a Decimal, Fraction or int, not {type(value).__name__}")
    if isinstance(value, Decimal) and not value.is_finite():
        raise ValueError(f"round_kzt cannot round {value}")
    # Keyed by the digits, not the value: 0.01 and 0.010 are equal but round to other places.
    quantum, digits, exponent = _quantum(places.as_tuple())
    numerator, denominator = value.as_integer_ratio()
    steps, steps_denominator = abs(numerator) * quantum.denominator, denominator * quantum.numerator
    whole, rest = divmod(steps, steps_denominator)
    if 2 * rest >= steps_denominator:
        whole += 1
    # ``places`` may be any positive quantum (0.01, 1, 0.5); the digits of the result are the
    # rounded number of quanta times the quantum's own digits, at the quantum's exponent.
    coefficient = whole * digits
    sign = "-" if numerator < 0 and coefficient else ""
    return Decimal(f"{sign}{coefficient}E{exponent}")


@cache
def _quantum(shape: DecimalTuple) -> tuple[Fraction, int, int]:
    """The quantum as a fraction, its digits and its exponent (the calculators round to the
    same two or three quanta millions of times)."""
    places = Decimal(shape)  # type: ignore[arg-type]  # a DecimalTuple is a tuple of that shape
    if not isinstance(shape.exponent, int) or shape.sign or not any(shape.digits):
        raise ValueError(f"round_kzt cannot round to {places}")
    return Fraction(places), int("".join(map(str, shape.digits))), shape.exponent


def money_field(**kwargs: Any) -> models.DecimalField:
    """A money column: 18 digits, 2 of them tiyn."""
    return models.DecimalField(
        max_digits=MONEY_MAX_DIGITS, decimal_places=MONEY_DECIMAL_PLACES, **kwargs
    )
