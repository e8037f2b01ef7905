from datetime import date

import pytest

from gfss.legal.calendar import add_working_days, is_working_day
from gfss.legal.models import CalendarException

pytestmark = pytest.mark.django_db


def test_working_saturday_and_moved_day_off_of_march_2022() -> None:
    # 2022-03-05 (Sat) was worked, 03-07 given off, 03-08 a holiday.
    assert add_working_days(date(2022, 3, 4), 4) == date(2022, 3, 11)
    assert is_working_day(date(2022, 3, 5))
    assert not is_working_day(date(2022, 3, 7))


def test_nauryz_and_weekends_are_skipped() -> None:
    assert add_working_days(date(2022, 3, 18), 1) == date(2022, 3, 24)


def test_administrator_exception_wins_over_the_package() -> None:
    CalendarException.objects.create(day=date(2025, 6, 2), kind="day_off", note="swap")
    CalendarException.objects.create(day=date(2025, 6, 7), kind="working_day", note="swap")
    assert not is_working_day(date(2025, 6, 2))
    assert is_working_day(date(2025, 6, 7))
    # Fri 2025-05-30 + 2: Mon 06-02 is off now, so Tue 06-03 and Wed 06-04.
    assert add_working_days(date(2025, 5, 30), 2) == date(2025, 6, 4)
