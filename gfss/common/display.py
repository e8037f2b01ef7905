"""The one way numbers, money, dates and months are written, in the active language.

Django's localisation does the digits (gfss/formats for Kazakh, which Django lacks): money with
two decimals, digits grouped by threes and the tenge sign (``32 725,83 ₸`` in kk and ru,
``32,725.83 ₸`` in en); days as ``19.11.2026``; months as ``10.2026`` or by their name. Pages
use the template filters of ``gfss.common.templatetags.fund``; PDFs and exports call these.
"""

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

from django.utils import formats
from django.utils.dates import MONTHS
from django.utils.timezone import is_aware, localtime

from gfss.common.money import round_kzt

TENGE = "\u00a0₸"


def _decimal(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    if isinstance(value, Fraction):
        return round_kzt(value)
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def number(value: Any, places: int | None = None) -> str:
    """A number with the language's separators; ``places`` decimals, or as many as it has
    (trailing zeros dropped). Anything not a number is returned as it came."""
    amount = _decimal(value)
    if amount is None:
        return "" if value is None else str(value)
    if places is None:
        amount = amount.normalize()
        exponent = amount.as_tuple().exponent
        places = max(0, -exponent) if isinstance(exponent, int) else 0
    else:
        # Django's formatting cuts the digits it does not show; shown figures round half-up.
        amount = amount.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return formats.number_format(amount, places, use_l10n=True, force_grouping=True)


def amount(value: Any) -> str:
    """Money without its sign, always with two decimals (table columns headed in tenge)."""
    return number(value, 2)


def money(value: Any) -> str:
    """Money with two decimals and the tenge sign."""
    text = amount(value)
    return f"{text}{TENGE}" if text and _decimal(value) is not None else text


def day(value: date | datetime | str | None) -> str:
    """A date as ``19.11.2026``; an instant in the local time zone, with its time."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value)
        except ValueError:
            return str(value)
    if isinstance(value, datetime):
        moment = localtime(value) if is_aware(value) else value
        return formats.date_format(moment, "SHORT_DATETIME_FORMAT")
    return formats.date_format(value, "SHORT_DATE_FORMAT")


def month(value: date | str | None) -> str:
    """A month (a period) as ``10.2026``."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value if len(value) > 7 else f"{value}-01")
        except ValueError:
            return str(value)
    return f"{value.month:02d}.{value.year}"


def month_name(value: date) -> str:
    """A month by its name, as a heading says it: ``октябрь 2026``, ``қазан 2026``."""
    return f"{MONTHS[value.month]} {value.year}"
