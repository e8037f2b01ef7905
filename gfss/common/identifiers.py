"""Valid IINs and BINs for generated data and tests (the real check digit of rules.md §7)."""

import random
from datetime import date

from participants.validators import check_digit

_CENTURY_DIGIT = {1800: (1, 2), 1900: (3, 4), 2000: (5, 6)}


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
