"""Money: tenge as ``Decimal`` with two places (tiyn).

The fund works in tenge only (KZT), so no model carries a currency column. Every amount is a
``Decimal``; floats never appear. One helper rounds, half-up, and only where a rule says so
(rules.md §3.4): the final gross, OPV, net, penalty and refund amounts.
"""

from decimal import ROUND_HALF_UP, Decimal

from django.db import models

TIYN = Decimal("0.01")
ZERO = Decimal("0.00")
MONEY_MAX_DIGITS = 18
MONEY_DECIMAL_PLACES = 2


def round_kzt(value: Decimal, *, places: Decimal = TIYN) -> Decimal:
    """Round a final amount half-up, to the tiyn unless told otherwise."""
    return value.quantize(places, rounding=ROUND_HALF_UP)


def money_field(**kwargs: object) -> models.DecimalField:
    """A money column: 18 digits, 2 of them tiyn."""
    return models.DecimalField(
        max_digits=MONEY_MAX_DIGITS, decimal_places=MONEY_DECIMAL_PLACES, **kwargs
    )
