"""Months as the API and the staff pages write them (``YYYY-MM``)."""

from datetime import date

from contributions.exceptions import PeriodInvalid
from gfss.common.periods import parse_period


def period_from_text(text: str, *, field: str) -> date:
    """``2024-05`` to 2024-05-01; ``PeriodInvalid`` (HTTP 400, ``period_invalid``) otherwise."""
    try:
        period = parse_period(text.strip())
    except ValueError:
        raise PeriodInvalid(f"{field}={text!r} is not a month written as YYYY-MM.") from None
    return period


def period_range_from_text(
    first: str | None, last: str | None, *, default: tuple[date, date]
) -> tuple[date, date]:
    """The ``from``/``to`` pair of a request, each optional; ``from`` after ``to`` is an error."""
    start = period_from_text(first, field="from") if first else default[0]
    end = period_from_text(last, field="to") if last else default[1]
    if start > end:
        raise PeriodInvalid(f"from={start:%Y-%m} is after to={end:%Y-%m}.")
    return start, end
