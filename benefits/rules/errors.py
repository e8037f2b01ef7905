"""Input errors of the benefit calculators: the facts cannot be calculated at all.

A refusal (the person has no right) is a result, not an error; these are bad or missing inputs,
answered with HTTP 400 and a specific code.
"""

from decimal import Decimal

from gfss.common.exceptions import ApplicationError


class BenefitUnknownError(ApplicationError):
    def __init__(self, benefit: str) -> None:
        super().__init__(
            f"No benefit with code {benefit!r} exists.",
            code="benefit_unknown",
            extra={"benefit": benefit},
        )


class DegreeOutOfRangeError(ApplicationError):
    def __init__(self, degree: Decimal, *, low: Decimal, high: Decimal) -> None:
        super().__init__(
            f"The degree of loss of working capacity {degree} is outside {low}-{high}.",
            code="degree_out_of_range",
            extra={"degree": str(degree), "min": str(low), "max": str(high)},
        )


class DaysNotPositiveError(ApplicationError):
    def __init__(self, days: int) -> None:
        super().__init__(
            f"The days on the sick-leave certificate must be positive, not {days}.",
            code="days_not_positive",
            extra={"days": days},
        )


class DependentsInvalidError(ApplicationError):
    def __init__(self, dependents: int) -> None:
        super().__init__(
            f"The number of dependents must be at least 1, not {dependents}.",
            code="dependents_invalid",
            extra={"dependents": dependents},
        )


class BirthOrderInvalidError(ApplicationError):
    def __init__(self, birth_order: int) -> None:
        super().__init__(
            f"The child's birth order must be at least 1, not {birth_order}.",
            code="birth_order_invalid",
            extra={"birth_order": birth_order},
        )


class FactMissingError(ApplicationError):
    def __init__(self, fact: str) -> None:
        super().__init__(
            f"The fact {fact!r} is needed for this benefit and was not given.",
            code="fact_missing",
            extra={"fact": fact},
        )


class FactInvalidError(ApplicationError):
    """A count or an amount that cannot be negative was negative."""

    def __init__(self, fact: str, value: object) -> None:
        super().__init__(
            f"The fact {fact!r} cannot be {value}.",
            code="fact_invalid",
            extra={"fact": fact, "value": str(value)},
        )


class FactOutOfRangeError(ApplicationError):
    """A count beyond its legal range (benefits.rules.limits)."""

    def __init__(self, fact: str, value: int, *, low: int, high: int) -> None:
        super().__init__(
            f"The fact {fact!r} must be from {low} to {high}, not {value}.",
            code="fact_out_of_range",
            extra={"fact": fact, "value": value, "min": low, "max": high},
        )
