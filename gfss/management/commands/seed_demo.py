"""The demo: each app generates its own part, called here in the order of their dependencies."""

import argparse
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.utils import timezone, translation

from benefits.demo import demo_awards_bulk, demo_cases_generate
from benefits.models import Award
from contributions.demo import demo_contributions_bulk, demo_contributions_generate
from gfss.common.benchmarks import NATIONAL_PARTICIPANTS, scale_fraction
from gfss.org.demo import DEMO_PASSWORD, demo_staff_create
from participants.demo import population_copy, population_generate
from participants.models import Person
from payouts.demo import demo_payments_bulk, demo_payouts_generate
from refunds.demo import demo_refunds_generate
from reporting.demo import demo_employed_population_generate
from reporting.models import SummaryRefresh
from reporting.summaries import summaries_paused, summaries_refresh

# National scale (domain.md): 6.8 million participants, 1.16 million recipients in 2022.
NATIONAL_AWARDS = 1_200_000
SCALE_MONTHS = 36


def _positive(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number of at least 1, not {value!r}")
    return int(value)


class Command(BaseCommand):
    help = "Generate synthetic participants, payers, family links and demo staff users."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--participants", type=_positive, default=3000, help="how many persons (>= 1)"
        )
        parser.add_argument("--seed", type=int, default=1, help="the same seed gives the same data")
        parser.add_argument("--if-empty", action="store_true", help="do nothing when persons exist")
        parser.add_argument(
            "--months", type=int, default=24, help="months of contribution history (0: none)"
        )
        parser.add_argument(
            "--scale",
            type=scale_fraction,
            default=None,
            help="instead: a fraction of national scale, set-based (PostgreSQL); e.g. 0.1 makes "
            "675,000 participants, three years of contributions and 120,000 awards",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["participants"] > 10_000_000:
            raise CommandError("--participants must be at most 10,000,000.")
        with translation.override("en"):
            users = demo_staff_create()
            if options["if_empty"] and Person.objects.exists():
                self.stdout.write("Demo data already present; nothing generated.")
            elif options["scale"]:
                self._generate_scale(scale=options["scale"], seed=options["seed"])
            else:
                # One rebuild of the report summaries at the end, not one per change.
                with summaries_paused():
                    self._generate(**options)
                refresh = summaries_refresh(trigger=SummaryRefresh.Trigger.COMMAND)
                self.stdout.write(f"report summaries: {refresh.rows} rows")
            self.stdout.write(f"Demo logins (password {DEMO_PASSWORD}):")
            for username, role, branch in users:
                self.stdout.write(f"  {username:<14} {role:<24} {branch}")

    def _generate_scale(self, *, scale: float, seed: int) -> None:
        """The national proportions at ``scale``, without e-cases or refunds (their small demo
        needs the services, too slow at this size)."""
        if connection.vendor != "postgresql":
            raise CommandError("--scale needs PostgreSQL (COPY and set-based SQL).")
        if Person.objects.exists():
            raise CommandError("--scale builds on an empty database: persons exist already.")
        today = timezone.localdate()
        steps: list[tuple[str, Any]] = [
            (
                "persons and payers",
                lambda: population_copy(
                    participants=round(NATIONAL_PARTICIPANTS * scale), seed=seed, today=today
                ),
            ),
            (
                "contributions",
                lambda: demo_contributions_bulk(today=today, months=SCALE_MONTHS),
            ),
        ]
        with summaries_paused():
            for label, step in steps:
                started = time.monotonic()
                result = step()
                self.stdout.write(f"{label}: {result} in {time.monotonic() - started:.0f} s")
            after = Award.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
            started = time.monotonic()
            awards = demo_awards_bulk(count=round(NATIONAL_AWARDS * scale), today=today)
            lines = demo_payments_bulk(after_award=after, today=today, months=SCALE_MONTHS)
            self.stdout.write(
                f"awards: {sum(awards.values())} ({awards}), {lines} payment lines "
                f"in {time.monotonic() - started:.0f} s"
            )
            employed = demo_employed_population_generate(seed=seed)
            self.stdout.write(f"{employed.rows} employed-population figures")
        started = time.monotonic()
        refresh = summaries_refresh(trigger=SummaryRefresh.Trigger.COMMAND)
        self.stdout.write(
            f"report summaries: {refresh.rows} rows in {time.monotonic() - started:.0f} s"
        )

    def _generate(self, **options: Any) -> None:
        today = timezone.localdate()
        started = time.monotonic()
        population = population_generate(
            participants=options["participants"], seed=options["seed"], today=today
        )
        self.stdout.write(
            f"{population.persons} persons, {population.payers} payers, "
            f"{population.family_links} family links in {time.monotonic() - started:.1f} s"
        )
        if options["months"] > 0:
            history = demo_contributions_generate(
                seed=options["seed"], today=today, months=options["months"]
            )
            self.stdout.write(
                f"{history.documents} MT-102 documents imported: {history.lines_accepted} "
                f"lines, {history.lines_rejected} quarantined, {history.penalties} penalties "
                f"in {history.seconds:.1f} s"
            )
        cases = demo_cases_generate(seed=options["seed"], today=today)
        self.stdout.write(
            f"{cases.cases} e-cases, {cases.assigned} assigned, {cases.waiting} awaiting a checker"
        )
        payouts = demo_payouts_generate(seed=options["seed"], today=today)
        self.stdout.write(
            f"{payouts.runs} monthly payment runs over {payouts.awards} older awards and the "
            f"e-case awards: {payouts.top_ups} top-ups, {payouts.overpayments} overpayments, "
            f"{payouts.payout_files} payout files"
        )
        employed = demo_employed_population_generate(seed=options["seed"])
        self.stdout.write(f"{employed.rows} employed-population figures (year and region)")
        refunds = demo_refunds_generate(seed=options["seed"], today=today)
        states = ", ".join(f"{n} {status}" for status, n in sorted(refunds.by_status.items()))
        self.stdout.write(f"{refunds.applications} refund applications: {states}")
