"""Loss of job (rules.md §4.3, SC arts. 113-119): СМД24 × КЗД × КСУ monthly, for ``months``."""

from fractions import Fraction

from benefits.rules.common import LONG_TERM_AVERAGE_MONTHS, Calculation, require
from benefits.rules.errors import FactInvalidError
from benefits.rules.facts import Facts, has_income_in_window
from benefits.rules.result import Benefit, RefusalReason, Result
from gfss.legal.params import ParameterSet

# A repeat claim loses 12 months of participation per month of job-loss benefit received
# before [V] (Art. 118 p.5).
STAZH_MONTHS_PER_PREVIOUS_MONTH = 12


def calculate(facts: Facts, *, params: ParameterSet) -> Result:
    previous = facts.previous_job_loss_months
    if previous < 0:
        raise FactInvalidError("previous_job_loss_months", previous)
    calculation = Calculation(Benefit.JOB_LOSS, facts, params=params)
    trace = calculation.trace
    avg = calculation.average_income(months=LONG_TERM_AVERAGE_MONTHS)

    stazh = require(facts.stazh_months, fact="stazh_months")
    if previous:
        stazh = max(0, stazh - STAZH_MONTHS_PER_PREVIOUS_MONTH * previous)
        trace.add(
            "stazh_repeat_claim",
            formula=f"max(0, стаж − {STAZH_MONTHS_PER_PREVIOUS_MONTH} × previous months)",
            values={"стаж": facts.stazh_months, "previous months": previous},
            result=stazh,
        )
    else:
        trace.add("stazh_months", formula="стаж", values={"стаж": stazh}, result=stazh)
    calculation.stazh_months = stazh

    ksu = calculation.coefficient_ksu(code="stazh.coefficient.job_loss", stazh=stazh)
    duration = calculation.param("job_loss.duration_months")
    months = duration.scale.lookup(stazh)
    if ksu is None or months is None:
        return calculation.refuse(RefusalReason.STAZH_BELOW_MINIMUM)
    calculation.months = int(months)
    trace.add(
        "months",
        formula="months(стаж)",
        values={"стаж": stazh},
        parameters=[duration],
        result=calculation.months,
    )

    if not _contribution_in_window(calculation):
        return calculation.refuse(RefusalReason.NO_CONTRIBUTION_IN_WINDOW)

    replacement = calculation.param("job_loss.replacement")
    return calculation.pay(
        avg * replacement.fraction * Fraction(ksu),
        formula="СМД × КЗД × КСУ",
        values={"СМД": avg, "КЗД": replacement.decimal, "КСУ": ksu},
        parameters=[replacement],
        withhold_opv=True,
    )


def _contribution_in_window(calculation: Calculation) -> bool:
    """Art. 115: at least one contribution in the window before the month of the right.

    Without a contribution history the check is taken as met (golden README).
    """
    facts = calculation.facts
    if facts.has_contribution_in_window is not None:
        met = facts.has_contribution_in_window
        calculation.trace.add(
            "contribution_in_window", formula="given", values={"given": met}, result=met
        )
    elif facts.monthly_incomes is not None:
        window = calculation.param("job_loss.window_months_with_contribution")
        months = int(window.decimal)
        met = has_income_in_window(
            facts.monthly_incomes, right_date=facts.right_date, months=months
        )
        calculation.trace.add(
            "contribution_in_window",
            formula=f"any income in the {months} months before the month of the right",
            values={"right_date": facts.right_date},
            parameters=[window],
            result=met,
        )
    else:
        met = True
        calculation.trace.add(
            "contribution_in_window",
            formula="no contribution history given: taken as met",
            result=met,
        )
    return met
