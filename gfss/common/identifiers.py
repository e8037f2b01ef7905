"""The check digit of IINs and BINs (rules.md §7), and valid numbers for generated data and
tests. The registry's validators (participants) build on it."""

import random
from datetime import date

_CENTURY_DIGIT = {1800: (1, 2), 1900: (3, 4), 2000: (5, 6)}


def check_digit(digits: str) -> int | None:
    """The check digit of the first 11 digits; ``None`` when the number is never issued."""
    values = [int(c) for c in digits[:11]]
    first = sum(weight * value for weight, value in zip(range(1, 12), values, strict=True)) % 11
    if first != 10:
        return first
    weights = [3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2]
    second = sum(weight * value for weight, value in zip(weights, values, strict=True)) % 11
    return None if second == 10 else second


def make_iin(*, birth_date: date, sex: str, rng: random.Random) -> str:
    """A valid IIN for the birth date and sex (``M`` or ``F``), with a random serial."""
    male, female = _CENTURY_DIGIT[birth_date.year // 100 * 100]
    head = f"{birth_date:%y%m%d}{male if sex == 'M' else female}"
    while True:
        body = f"{head}{rng.randrange(10_000):04d}"
        digit = check_digit(body)
        if digit is not None:
            return f"{body}{digit}"


def make_bin(
    *, registered: date, rng: random.Random, entity_type: int = 4, division: int = 0
) -> str:
    head = f"{registered:%y%m}{entity_type}{division}"
    while True:
        body = f"{head}{rng.randrange(100_000):05d}"
        digit = check_digit(body)
        if digit is not None:
            return f"{body}{digit}"
