from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gfss.common.money import round_kzt


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        # The job-loss example of rules.md D-11: an exact 45,801.675 is a tie and goes up.
        (Fraction(45801675, 1000), "45801.68"),
        (Fraction(50000025, 2000), "25000.01"),  # 25,000.0125 is not a tie: it goes down.
        (Fraction(25000025, 1000), "25000.03"),
        # Just below a tie by far less than 28 digits could show: still down.
        (Fraction(45801675, 1000) - Fraction(1, 10**40), "45801.67"),
        (Fraction(1, 3), "0.33"),
        (Fraction(2, 3), "0.67"),
        (Fraction(5, 1000), "0.01"),
        (Decimal("45801.675"), "45801.68"),
        (Decimal("0.004999"), "0.00"),
        (7, "7.00"),
        (0, "0.00"),
    ],
)
def test_rounds_half_up_exactly(value: Decimal | Fraction | int, expected: str) -> None:
    result = round_kzt(value)
    assert isinstance(result, Decimal)
    assert str(result) == expected


def test_a_value_beyond_28_digits_rounds_on_its_exact_value() -> None:
    # 10**30 + 0.005: a 28-digit context would drop the half tiyn before rounding.
    assert str(round_kzt(Fraction(10**33 + 5, 1000))) == "1" + "0" * 30 + ".01"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Fraction(-45801675, 1000), "-45801.68"),  # a tie goes away from zero, the mirror
        (Fraction(-1, 3), "-0.33"),
        (Decimal("-0.005"), "-0.01"),
        (Fraction(-1, 1000), "0.00"),  # a zero comes back unsigned
    ],
)
def test_negative_values_round_to_the_mirror_of_their_positive(
    value: Decimal | Fraction, expected: str
) -> None:
    assert str(round_kzt(value)) == expected


@pytest.mark.parametrize(
    ("value", "places", "expected"),
    [
        (Fraction(5, 2), Decimal(1), "3"),
        (Fraction(249, 100), Decimal(1), "2"),
        (Fraction(123456, 1000), Decimal("0.1"), "123.5"),
    ],
)
def test_rounds_to_other_places(value: Fraction, places: Decimal, expected: str) -> None:
    assert str(round_kzt(value, places=places)) == expected


def test_refuses_a_float() -> None:
    with pytest.raises(TypeError):
        round_kzt(0.1)  # type: ignore[arg-type]


@given(st.decimals(min_value=-(10**12), max_value=10**12, places=6))
def test_agrees_with_decimal_half_up_on_decimals(value: Decimal) -> None:
    expected = value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    result = round_kzt(value)
    assert result == expected
    assert result.as_tuple().exponent == -2
    assert round_kzt(Fraction(value)) == result
