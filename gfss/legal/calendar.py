"""Working days of Kazakhstan: the ``holidays`` calendar (holidays, moved days off, working
Saturdays) with the administrator's table of exceptions on top."""

from collections.abc import Callable
from datetime import date, timedelta
from functools import lru_cache

import holidays

from gfss.legal.models import CalendarException


@lru_cache(maxsize=64)
def _national_calendar(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("KZ", years=year)


def _national_working_day(day: date) -> bool:
    calendar = _national_calendar(day.year)
    if day in calendar:
        return False
    return day.weekday() < 5 or day in calendar.weekend_workdays


def working_day_checker(first: date, last: date) -> Callable[[date], bool]:
    """``is_working_day`` for days in ``[first, last]`` with one query for the exceptions."""
    exceptions = dict(
        CalendarException.objects.filter(day__range=(first, last)).values_list("day", "kind")
    )

    def is_working(day: date) -> bool:
        kind = exceptions.get(day)
        if kind is not None:
            return kind == CalendarException.Kind.WORKING_DAY
        return _national_working_day(day)

    return is_working


def is_working_day(day: date) -> bool:
    return working_day_checker(day, day)(day)


def add_working_days(start: date, n: int) -> date:
    """The ``n``-th working day after ``start`` (``start`` itself not counted)."""
    if n < 0:
        raise ValueError("n must not be negative")
    # A generous window so that one query fetches every exception that can matter.
    is_working = working_day_checker(start, start + timedelta(days=n * 3 + 30))
    day, left = start, n
    while left:
        day += timedelta(days=1)
        if is_working(day):
            left -= 1
    return day


def next_working_day_on_or_after(day: date) -> date:
    """The due-date rule (rules.md D-2): a deadline on a day off moves to the next working day."""
    return day if is_working_day(day) else add_working_days(day, 1)
