"""Time the nightly rebuild of the report summaries, then the report pages and API calls that
read them, on the database as it is, against a floor measured in the same run: one SQL
statement that sums the contribution ledger (the least any figure from the raw ledger costs).
Prints the dataset's size, each timing, its target and the ratio.

The targets are for the one-tenth national dataset (``seed_demo --scale 0.1`` on PostgreSQL);
run it there for the real figures.
"""

import time
from collections.abc import Callable
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandParser
from django.db import connection
from django.test import Client
from django.utils import timezone

from benefits.models import Award
from contributions.models import ContributionLine
from participants.models import Person
from reporting.models import SummaryRefresh
from reporting.summaries import summaries_refresh

TARGETS = {"dashboard": 1.0, "annual": 2.0, "api": 0.5, "monitoring": 0.3, "forecast": 1.0}
REFRESH_TARGET = 300.0  # the nightly rebuild of the summaries, seconds


def _timed(call: Callable[[], Any], *, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        best = min(best, time.perf_counter() - started)
    return best


class Command(BaseCommand):
    help = "Time the report pages and API on the current database, with the floor's ratio."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--user", default="analyst", help="a user who reads every region")
        parser.add_argument("--repeat", type=int, default=3, help="best of this many runs")

    def handle(self, *args: Any, **options: Any) -> None:
        year = timezone.localdate().year
        client = Client()
        client.force_login(get_user_model().objects.get(username=options["user"]))
        self.stdout.write(
            f"dataset: {Person.objects.count()} persons, "
            f"{ContributionLine.objects.count()} contribution lines, {Award.objects.count()} awards "
            f"({connection.vendor})"
        )

        def floor() -> None:
            with connection.cursor() as cursor:
                cursor.execute("SELECT SUM(amount) FROM contributions_contributionline")
                cursor.fetchone()

        floor_s = _timed(floor, repeat=options["repeat"])
        self.stdout.write(f"floor (one SUM over the ledger): {floor_s:.3f} s")
        started = time.perf_counter()
        refresh = summaries_refresh(trigger=SummaryRefresh.Trigger.COMMAND)
        seconds = time.perf_counter() - started
        verdict = "ok" if seconds <= REFRESH_TARGET else "OVER"
        self.stdout.write(
            f"{'summary refresh (' + str(refresh.rows) + ' rows)':<62} {seconds:7.1f} s  "
            f"target {REFRESH_TARGET:.0f} s {verdict:<4}  {seconds / floor_s:.1f} × the floor"
        )
        checks = [
            ("dashboard", f"/en/reporting/?year={year}"),
            ("dashboard", f"/en/reporting/?year={year}&region=75&benefit=childcare"),
            ("annual", f"/en/reporting/annual/?year={year}"),
            ("annual", f"/en/reporting/annual/?year={year}&format=pdf"),
            ("forecast", "/en/reporting/forecast/"),
            ("monitoring", "/en/reporting/monitoring/"),
            ("api", f"/api/v1/reports/coverage/?year={year}"),
            ("api", f"/api/v1/reports/receipts/?year={year}"),
            ("api", f"/api/v1/reports/benefits/?year={year}"),
            ("api", f"/api/v1/reports/kpi/?year={year}"),
        ]
        for kind, url in checks:

            def get(url: str = url) -> None:
                response = client.get(url)
                assert response.status_code == 200, (url, response.status_code)

            seconds = _timed(get, repeat=options["repeat"])
            target = TARGETS[kind]
            verdict = "ok" if seconds <= target else "OVER"
            ratio = seconds / floor_s if floor_s else float("inf")
            self.stdout.write(
                f"{url:<62} {seconds:7.3f} s  target {target:.1f} s {verdict:<4}  "
                f"{ratio:.2f} × the floor"
            )
