"""``manage.py event_apply ID [--dry-run]``: apply a recalculation event, or dry-run it."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from gfss.common.exceptions import ApplicationError
from payouts.management.commands._batch import refusal, report, wait
from payouts.models import RecalculationEvent
from payouts.services.event_dry_runs import event_dry_run_start
from payouts.services.events import event_apply_start


class Command(BaseCommand):
    help = (
        "Apply a recalculation event to its awards (the same batch job as the event page), or "
        "with --dry-run compute what it would change, and print it."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("event_id", type=int, help="the event's number")
        parser.add_argument(
            "--dry-run", action="store_true", help="write nothing but the event's report"
        )
        parser.add_argument(
            "--timeout", type=float, default=3600, help="seconds to wait for a worker"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        start = event_dry_run_start if options["dry_run"] else event_apply_start
        try:
            run = start(event_id=options["event_id"], actor=None)
        except ApplicationError as error:
            raise refusal(error) from None
        run = wait(run, out=self.stdout, timeout=options["timeout"])
        report(run, out=self.stdout)
        if options["dry_run"]:
            event = RecalculationEvent.objects.get(pk=options["event_id"])
            for month in event.dry_run_report["months"]:
                self.stdout.write(
                    f"  {month['period']}: {month['awards']} awards · gross "
                    f"{month['gross_change']} · net {month['net_change']}"
                )
