from datetime import date

from dateutil.relativedelta import relativedelta
from hypothesis import given
from hypothesis import strategies as st

from gfss.common.periods import add_months


@given(
    day=st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 12, 31)),
    months=st.integers(min_value=-1200, max_value=1200),
)
def test_add_months_is_calendar_month_arithmetic(day: date, months: int) -> None:
    assert add_months(day, months) == day + relativedelta(months=months)


def test_a_day_past_the_end_of_the_shorter_month_lands_on_its_last_day() -> None:
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert add_months(date(2023, 3, 31), -1) == date(2023, 2, 28)
    assert add_months(date(2022, 12, 15), 1) == date(2023, 1, 15)
