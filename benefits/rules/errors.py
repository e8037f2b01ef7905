"""Input errors of the benefit calculators: the facts cannot be calculated at all.

A refusal (the person has no right) is a result, not an error; these are bad or missing inputs,
answered with HTTP 400 and a specific code.
"""

from decimal import Decimal

from django.utils.translation import gettext as _

from gfss.common.exceptions import ApplicationError


class BenefitUnknownError(ApplicationError):
    def __init__(self, benefit: str) -> None:
        super().__init__(
            _("No benefit with code %(benefit)s exists.") % {"benefit": repr(benefit)},
            code="benefit_unknown",
            extra={"benefit": benefit},
        )


class DegreeOutOfRangeError(ApplicationError):
    def __init__(self, degree: Decimal, *, low: Decimal, high: Decimal) -> None:
        super().__init__(
            _("The degree of loss of working capacity %(degree)s is outside %(low)s-%(high)s.")
            % {"degree": degree, "low": low, "high": high},
            code="degree_out_of_range",
            extra={"degree": str(degree), "min": str(low), "max": str(high)},
        )


class DaysNotPositiveError(ApplicationError):
    def __init__(self, days: int) -> None:
        super().__init__(
            _("The days on the sick-leave certificate must be positive, not %(days)s.")
            % {"days": days},
            code="days_not_positive",
            extra={"days": days},
        )


class DependentsInvalidError(ApplicationError):
    def __init__(self, dependents: int) -> None:
        super().__init__(
            _("The number of dependents must be at least 1, not %(dependents)s.")
            % {"dependents": dependents},
            code="dependents_invalid",
            extra={"dependents": dependents},
        )


class BirthOrderInvalidError(ApplicationError):
    def __init__(self, birth_order: int) -> None:
        super().__init__(
            _("The child's birth order must be at least 1, not %(order)s.")
            % {"order": birth_order},
            code="birth_order_invalid",
            extra={"birth_order": birth_order},
        )


class FactMissingError(ApplicationError):
    def __init__(self, fact: str) -> None:
        super().__init__(
            _("The fact %(fact)s is needed for this benefit and was not given.")
            % {"fact": repr(fact)},
            code="fact_missing",
            extra={"fact": fact},
        )


class FactInvalidError(ApplicationError):
    """A count or an amount that cannot be negative was negative."""

    def __init__(self, fact: str, value: object) -> None:
        super().__init__(
            _("The fact %(fact)s cannot be %(value)s.") % {"fact": repr(fact), "value": value},
            code="fact_invalid",
            extra={"fact": fact, "value": str(value)},
        )


class FactOutOfRangeError(ApplicationError):
    """A count beyond its legal range (benefits.rules.limits)."""

    def __init__(self, fact: str, value: int, *, low: int, high: int) -> None:
        super().__init__(
            _("The fact %(fact)s must be from %(low)s to %(high)s, not %(value)s.")
            % {"fact": repr(fact), "low": low, "high": high, "value": value},
            code="fact_out_of_range",
            extra={"fact": fact, "value": value, "min": low, "max": high},
        )
