"""When an award pays: its start and (exclusive) end per benefit, from the e-case's facts.

Pure functions of dates; the caller passes what the documents and the calculation said.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

from benefits.models.awards import BenefitType

# A person under 18 is a dependent child (rules.md §4.2); older only while disabled or a
# full-time student, which a later decision (recalculate / terminate) records.
DEPENDENT_CHILD_AGE_YEARS = 18


@dataclass(frozen=True)
class AwardPeriod:
    start: date
    end: date | None  # exclusive; None: open-ended, or a lump sum
    # Loss of breadwinner: the day the youngest dependent turns 18, when the award is reviewed.
    dependents_adult_on: date | None = None


def award_period(
    *,
    benefit: str,
    right_date: date,
    pension_date: date,
    months: int | None,
    expertise_until: date | None = None,
    child_birth_date: date | None = None,
    dependent_birth_dates: tuple[date, ...] = (),
) -> AwardPeriod:
    """``months``: the calculation's duration (job loss) or the childcare age limit in months,
    which the calculator took from ``childcare.max_age_months`` in force on the right date.
    """
    if benefit == BenefitType.DISABILITY:
        # The expertise sets the degree up to a day inclusive; paid at most to pension age.
        until = expertise_until + timedelta(days=1) if expertise_until else pension_date
        return AwardPeriod(right_date, min(until, pension_date))
    if benefit == BenefitType.JOB_LOSS:
        assert months is not None
        return AwardPeriod(right_date, min(right_date + relativedelta(months=months), pension_date))
    if benefit == BenefitType.CHILDCARE:
        assert months is not None
        born = child_birth_date or right_date
        return AwardPeriod(right_date, born + relativedelta(months=months))
    if benefit == BenefitType.BREADWINNER:
        if not dependent_birth_dates:
            return AwardPeriod(right_date, None)
        youngest = max(dependent_birth_dates)
        turns_18 = youngest + relativedelta(years=DEPENDENT_CHILD_AGE_YEARS)
        return AwardPeriod(right_date, None, dependents_adult_on=turns_18)
    # Maternity and adoption: one payment for the whole leave.
    return AwardPeriod(right_date, None)
