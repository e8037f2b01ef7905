"""Pension age (rules.md §3.5): disability and job-loss payments stop there, and people of
pension age are not participants, so they cannot apply.

rules.md §3.5 [V]: men 63; women 60.5 in 2022, 61 in 2025, "rising 0.5 a year to 63 in 2027".
Those three statements do not fit one 0.5-a-year line, so this table keeps every figure the
rules state exactly (60.5 in 2022, 61 in 2025, 63 from 2027) and fills the years between
[D: 2023-2024 stay at 61, as the 2025 figure implies a pause; 2026 is 62 so that 2027 reaches
63]. The years before 2022 follow the 0.5-a-year rise from 58 in 2017. A named table rather than
a dated legal parameter because ``gfss/legal/data/parameters.yaml`` mirrors the fund's
parameter file, which has no pension ages; correct the table here if the fund's data differs.
"""

from datetime import date

from dateutil.relativedelta import relativedelta

from participants.models import Sex

MEN_PENSION_AGE_MONTHS = 63 * 12

# Calendar year → women's pension age in months, in force in that year.
WOMEN_PENSION_AGE_MONTHS: dict[int, int] = {
    2017: 58 * 12,
    2018: 58 * 12 + 6,
    2019: 59 * 12,
    2020: 59 * 12 + 6,
    2021: 60 * 12,
    2022: 60 * 12 + 6,
    2023: 61 * 12,
    2024: 61 * 12,
    2025: 61 * 12,
    2026: 62 * 12,
    2027: 63 * 12,
}
FIRST_YEAR, LAST_YEAR = min(WOMEN_PENSION_AGE_MONTHS), max(WOMEN_PENSION_AGE_MONTHS)


def women_pension_age_months(year: int) -> int:
    return WOMEN_PENSION_AGE_MONTHS[min(max(year, FIRST_YEAR), LAST_YEAR)]


def pension_date(*, birth_date: date, sex: str) -> date:
    """The day the person reaches pension age.

    A woman reaches it in the first year whose age in force she has reached by then: the age
    that applies is the one of the year she gets there, not of the year she was born.
    """
    if sex == Sex.MALE:
        return birth_date + relativedelta(months=MEN_PENSION_AGE_MONTHS)
    year = birth_date.year + women_pension_age_months(birth_date.year) // 12 - 2
    while True:
        reached = birth_date + relativedelta(months=women_pension_age_months(year))
        if reached.year <= year:
            return reached
        year += 1
