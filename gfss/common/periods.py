"""Monthly periods: a period is the first day of its month."""

import calendar
from collections.abc import Iterator
from datetime import date


def month_start(day: date) -> date:
    return day.replace(day=1)


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later (or earlier), clamped to the end of a shorter month.

    Plain arithmetic rather than ``relativedelta``: the settlement calls it for every month
    of every award, and relativedelta costs twenty times as much.
    """
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    month += 1
    if day.day <= 28:
        return day.replace(year=year, month=month)
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def next_period(period: date) -> date:
    return add_months(month_start(period), 1)


def periods_between(first: date, last: date) -> Iterator[date]:
    """Every period from ``first`` to ``last``, both included."""
    current, end = month_start(first), month_start(last)
    while current <= end:
        yield current
        current = add_months(current, 1)


def months_between(first: date, last: date) -> int:
    """Whole calendar months from the period of ``first`` to that of ``last``."""
    return (last.year - first.year) * 12 + last.month - first.month


def parse_period(text: str) -> date:
    """``YYYY-MM`` to a period; ``ValueError`` when malformed."""
    year, month = text.split("-")
    if len(year) != 4 or len(month) != 2:
        raise ValueError(text)
    return date(int(year), int(month), 1)
