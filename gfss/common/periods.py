"""Monthly periods: a period is the first day of its month."""

from collections.abc import Iterator
from datetime import date

from dateutil.relativedelta import relativedelta


def month_start(day: date) -> date:
    return day.replace(day=1)


def add_months(period: date, months: int) -> date:
    return period + relativedelta(months=months)


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
