from datetime import date
from decimal import Decimal
from fractions import Fraction

from benefits.rules import Contribution, average_income, income_from_contributions, stazh_months
from gfss.legal.data_file import parameter_set_from_file

PARAMS = parameter_set_from_file()


def test_income_is_contribution_divided_by_the_rate_of_its_month():
    # given 17,500 SO for a 2024 month (3.5 %) and 25,000 for a 2025 month (5 %)
    contributions = [
        Contribution(payer="A", period=date(2024, 3, 1), amount=Decimal("17500.00")),
        Contribution(payer="A", period=date(2025, 3, 1), amount=Decimal("25000.00")),
    ]
    # when the income is derived
    incomes = income_from_contributions(contributions, params=PARAMS)
    # then each month uses its own rate (rules.md §3.1 example: 500,000)
    assert incomes == {date(2024, 3, 1): Decimal(500000), date(2025, 3, 1): Decimal(500000)}


def test_each_payer_is_capped_at_7_mzp_of_the_month_then_summed():
    # given two payers in a 2022 month, one above the 7 × 60,000 cap
    contributions = [
        Contribution(payer="A", period=date(2022, 5, 1), amount=Decimal("17500.00")),
        Contribution(payer="B", period=date(2022, 5, 1), amount=Decimal("7000.00")),
    ]
    # when the income is derived
    incomes = income_from_contributions(contributions, params=PARAMS)
    # then A counts 420,000 and B 200,000
    assert incomes == {date(2022, 5, 1): Decimal(620000)}


def test_amounts_of_one_payer_in_one_month_are_capped_together():
    # given one payer paying twice for the same 2024 month, 857,142.86 of income in all
    contributions = [
        Contribution(payer="A", period=date(2024, 5, 1), amount=Decimal("15000.00")),
        Contribution(payer="A", period=date(2024, 5, 1), amount=Decimal("15000.00")),
    ]
    # when the income is derived
    incomes = income_from_contributions(contributions, params=PARAMS)
    # then the payer's month is capped once at 7 × 85,000
    assert incomes == {date(2024, 5, 1): Decimal(595000)}


def test_the_cap_was_10_mzp_until_2017():
    # given 2017 SO of 5 % on 300,000 (above 10 × 24,459 = 244,590)
    contributions = [Contribution(payer="A", period=date(2017, 6, 1), amount=Decimal("15000"))]
    # when / then the 2017 cap applies
    assert income_from_contributions(contributions, params=PARAMS) == {
        date(2017, 6, 1): Decimal(244590)
    }


def test_a_month_whose_contributions_were_reversed_brings_no_income():
    # given a contribution and its reversal
    contributions = [
        Contribution(payer="A", period=date(2024, 5, 1), amount=Decimal("17500.00")),
        Contribution(payer="A", period=date(2024, 5, 1), amount=Decimal("-17500.00")),
    ]
    # when / then the month has no income at all
    assert income_from_contributions(contributions, params=PARAMS) == {}


def test_average_income_always_divides_by_n_and_only_counts_the_window():
    # given income in the month of the right, in the window, and just before it
    incomes = {
        date(2025, 3, 1): Fraction(1000000),  # month of the right: outside
        date(2025, 2, 1): Fraction(120000),  # last month of the window
        date(2024, 3, 1): Fraction(240000),  # first month of the 12-month window
        date(2024, 2, 1): Fraction(1000000),  # before the window
    }
    # when the 12-month average is taken for a right on 2025-03-15
    average = average_income(incomes, right_date=date(2025, 3, 15), months=12)
    # then only the two window months count, divided by 12
    assert average == Decimal(30000)


def test_average_income_is_exact():
    # given 100,000 in one month of a 24-month window
    incomes = {date(2024, 12, 1): Fraction(100000)}
    # when the average is taken
    average = average_income(incomes, right_date=date(2025, 1, 10), months=24)
    # then it is 12,500 / 3 exactly, neither rounded to the tiyn nor cut at 28 digits
    assert average == Fraction(12500, 3)
    assert average * 3 == 12500
    assert average != Decimal(100000) / 24


def test_stazh_counts_distinct_months_from_2005_before_the_month_of_the_right():
    # given periods with a duplicate, one before 2005, one in the month of the right
    periods = [
        date(2004, 12, 1),
        date(2005, 1, 1),
        date(2005, 1, 1),
        date(2010, 6, 15),
        date(2025, 2, 1),
        date(2025, 3, 1),
    ]
    # when stazh is counted for a right on 2025-03-10
    months = stazh_months(periods, right_date=date(2025, 3, 10))
    # then 2005-01, 2010-06 and 2025-02 count
    assert months == 3
