"""``manage.py payment_run YYYY-MM [--close]``: the month's payment run, as the page runs it."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from gfss.common.exceptions import ApplicationError
from gfss.common.periods import parse_period
from payouts.management.commands._batch import refusal, report, wait
from payouts.services.closing import payment_run_close
from payouts.services.payments import payment_run_start


class Command(BaseCommand):
    help = (
        "Run the payments of a month (the same batch job as the payment-run page), print what "
        "it did, and with --close close the month and build its payout files."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("period", help="the month, YYYY-MM")
        parser.add_argument(
            "--close", action="store_true", help="close the month once the run is done"
        )
        parser.add_argument(
            "--timeout", type=float, default=3600, help="seconds to wait for a worker"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            period = parse_period(options["period"])
        except ValueError:
            raise CommandError(
                f"period_invalid: {options['period']!r} is not a month (YYYY-MM)."
            ) from None
        try:
            run = payment_run_start(period=period, actor=None)
        except ApplicationError as error:
            raise refusal(error) from None
        report(wait(run, out=self.stdout, timeout=options["timeout"]), out=self.stdout)
        if not options["close"]:
            return
        try:
            files = payment_run_close(period=period, actor=None)
        except ApplicationError as error:
            raise refusal(error) from None
        report(wait(files, out=self.stdout, timeout=options["timeout"]), out=self.stdout)
        self.stdout.write(self.style.SUCCESS(f"{period:%Y-%m} is closed."))
