"""IIN and BIN checks (rules.md §7). Each failure names the check that failed."""

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from gfss.common.identifiers import check_digit

ID_LENGTH = 12
_CENTURY_BY_DIGIT = {1: 1800, 2: 1800, 3: 1900, 4: 1900, 5: 2000, 6: 2000}
_BIN_TYPES = {"4", "5", "6"}
_BIN_DIVISIONS = {"0", "1", "2", "3"}


def _validate_format_and_check_digit(value: str, *, kind: Any) -> None:
    if len(value) != ID_LENGTH or not value.isdigit():
        raise ValidationError(
            _("%(kind)s must be exactly 12 digits."), code="format", params={"kind": kind}
        )
    expected = check_digit(value)
    if expected is None or expected != int(value[11]):
        raise ValidationError(
            _("%(kind)s %(value)s fails its check digit."),
            code="check_digit",
            params={"kind": kind, "value": value},
        )


def iin_birth_date(value: str) -> date:
    """The birth date encoded in an IIN; ``ValueError`` when it is not a real date."""
    century = _CENTURY_BY_DIGIT.get(int(value[6]))
    if century is None:
        raise ValueError(value)
    return date(century + int(value[0:2]), int(value[2:4]), int(value[4:6]))


def iin_sex(value: str) -> str:
    """``M`` for an odd century digit, ``F`` for an even one."""
    return "M" if int(value[6]) % 2 else "F"


def validate_iin(value: str) -> None:
    _validate_format_and_check_digit(value, kind=_("IIN"))
    if int(value[6]) not in _CENTURY_BY_DIGIT:
        raise ValidationError(
            _("IIN %(value)s has century digit %(digit)s; only 1-6 are issued."),
            code="century",
            params={"value": value, "digit": value[6]},
        )
    try:
        iin_birth_date(value)
    except ValueError:
        raise ValidationError(
            _("IIN %(value)s does not start with a real birth date (YYMMDD)."),
            code="birth_date",
            params={"value": value},
        ) from None


def validate_bin(value: str) -> None:
    _validate_format_and_check_digit(value, kind=_("BIN"))
    month = int(value[2:4])
    if not 1 <= month <= 12:
        raise ValidationError(
            _("BIN %(value)s has month %(month)s in its registration date."),
            code="registration_month",
            params={"value": value, "month": value[2:4]},
        )
    if value[4] not in _BIN_TYPES or value[5] not in _BIN_DIVISIONS:
        raise ValidationError(
            _("BIN %(value)s has an unknown entity type or division (digits 5-6)."),
            code="entity_type",
            params={"value": value},
        )


def validate_bin_or_iin(value: str) -> None:
    """A payer is identified by a BIN, or by an IIN when self-employed."""
    try:
        validate_bin(value)
    except ValidationError as bin_error:
        try:
            validate_iin(value)
        except ValidationError:
            raise bin_error from None
