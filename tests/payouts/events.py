"""The recalculation event most tests apply: +5 % for the disability awards active on
2022-01-01."""

from datetime import date
from decimal import Decimal

from payouts.models import RecalculationEvent
from payouts.services.events import event_create


def disability_indexation() -> RecalculationEvent:
    return event_create(
        kind="indexation",
        effective_date=date(2022, 1, 1),
        percent=Decimal("5"),
        benefit_types=["disability"],
        selection="active_on",
        actor=None,
    )
