"""The deadline of each refund stage in working days, from dated parameters (tag D: a recorded
project decision, gfss/legal/data/parameters.yaml, until the fund confirms the figures).

The clock of a stage starts on the day the previous step was taken.
"""

from datetime import date

from gfss.legal.calendar import add_working_days
from gfss.legal.selectors import parameter_value
from refunds.models import RefundApplication

Status = RefundApplication.Status

STAGE_PARAMETERS: dict[str, str] = {
    Status.CHECKED: "refund.decision_working_days",
    Status.DECIDED: "refund.confirmation_working_days",
    Status.APPROVED: "refund.order_working_days",
    Status.ORDERED: "refund.payment_working_days",
}


def stage_due(*, status: str, started_on: date) -> date:
    """When the stage an application has just entered must be done; a final status keeps the
    day it was reached."""
    code = STAGE_PARAMETERS.get(status)
    if code is None:
        return started_on
    return add_working_days(started_on, int(parameter_value(code, on=started_on)))
