"""Create the recalculation events of rules.md §5 (2022-2023, and the 2026 indexation).

Idempotent: an event already defined (same kind, date and benefits) is left as it is.
Applying them is a separate, explicit step (admin action or ``events_apply``).
"""

from datetime import date
from decimal import Decimal
from typing import Any

from django.core.management.base import BaseCommand

from benefits.models import BenefitType
from gfss.common.exceptions import ConflictError
from payouts.models import RecalculationEvent
from payouts.services.events import event_create

Kind = RecalculationEvent.Kind
Selection = RecalculationEvent.Selection
LONG_TERM = [BenefitType.DISABILITY, BenefitType.BREADWINNER]

EVENTS: list[dict[str, Any]] = [
    {
        "kind": Kind.INDEXATION,
        "effective_date": date(2022, 1, 1),
        "percent": Decimal("5"),
        "benefit_types": LONG_TERM,
        "selection": Selection.ACTIVE_ON,
        "legal_ref": "Law No. 286-VI; rules.md §5 [V, seed]",
        "description": "Indexation +5 % from 2022-01-01",
    },
    {
        "kind": Kind.INDEXATION,
        "effective_date": date(2022, 4, 1),
        "percent": Decimal("4"),
        "benefit_types": LONG_TERM,
        "selection": Selection.ACTIVE_ON,
        "legal_ref": "Law No. 286-VI; rules.md §5 [V, seed]",
        "description": "Indexation +4 % from 2022-04-01",
    },
    {
        "kind": Kind.INDEXATION,
        "effective_date": date(2023, 1, 1),
        "percent": Decimal("8.5"),
        "benefit_types": LONG_TERM,
        "selection": Selection.ASSIGNED_BEFORE,
        "legal_ref": "Law No. 286-VI; rules.md §5 [V, seed]",
        "description": "Indexation +8.5 % from 2023-01-01, awards assigned before",
    },
    {
        "kind": Kind.COEFFICIENT_CHANGE,
        "effective_date": date(2023, 1, 1),
        "benefit_types": [BenefitType.JOB_LOSS],
        "selection": Selection.PAYING_FROM,
        "parameters": {"from": "0.40", "to": "0.45"},
        "legal_ref": "SC art. 118 p.3; rules.md §5 [V, seed]",
        "description": "Job-loss replacement 0.40 → 0.45 from 2023-01",
    },
    {
        "kind": Kind.PERIOD_EXTENSION,
        "effective_date": date(2023, 1, 1),
        "benefit_types": [BenefitType.CHILDCARE],
        "selection": Selection.ACTIVE_ON,
        "parameters": {"from_months": 12, "to_months": 18},
        "legal_ref": "SC art. 84 p.1; rules.md §5 [V, seed]",
        "description": "Childcare to 1.5 years for awards paying on 2023-01-01",
    },
]
# [S] in rules.md: loaded only on request.
EVENT_2026 = {
    "kind": Kind.INDEXATION,
    "effective_date": date(2026, 1, 1),
    "percent": Decimal("10"),
    "benefit_types": LONG_TERM,
    "selection": Selection.ASSIGNED_BEFORE,
    "legal_ref": "rules.md §5 [S]",
    "description": "Indexation +10 % from 2026-01-01",
}


class Command(BaseCommand):
    help = "Create the 2022-2023 recalculation events of rules.md §5 (idempotent)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--with-2026", action="store_true", help="also the [S] 2026 event")

    def handle(self, *args: Any, **options: Any) -> None:
        events = EVENTS + ([EVENT_2026] if options["with_2026"] else [])
        for data in events:
            try:
                event = event_create(actor=None, **data)
            except ConflictError:
                self.stdout.write(f"exists: {data['description']}")
            else:
                self.stdout.write(f"created #{event.pk}: {event.description}")
