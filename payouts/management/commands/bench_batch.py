"""Benchmark of the batch jobs on PostgreSQL (``make bench-batch``).

1. A back-dated indexation (+5 % from January) of 150,000 awards with 12 months paid each:
   the batch run appends the amounts and settles the paid months (1.8 M top-ups).
2. A payment run for 1,200,000 active awards (target: under 60 s).

Each is compared with SQL statements doing the same arithmetic on the same rows (the floor),
run first in a transaction that is rolled back, its rows checked against their foreign keys
as a commit would check them (a rollback would skip what every real insert pays); the ratio
batch ÷ floor is the price of chunking, resumability, progress and the entitlement's own
query (aim: below 3). The refresh of the report summaries that a finished run asks for is a
job of its own, minutes later on a worker; in-process it would run inline, so it is left out. With REDIS_URL set, the chunks run in a real Celery
worker started for the benchmark (one process, its own queue); without it they run in this
process through the same step function the task calls, and the output says so.
"""

import os
import subprocess
import sys
import time
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from gfss.celery import app as celery_app
from gfss.common.benchmarks import rolled_back, timed_run
from gfss.jobs.models import BatchRun
from payouts.benchmarks import PAYMENT_FLOOR_SQL, index_floor_sql
from payouts.models import PaymentRun, Underpayment
from payouts.services.events import event_apply_start, event_create
from payouts.services.payments import payment_run_start
from payouts.synthetic import awards_generate, payments_generate

INDEX_TARGET_SECONDS = 120
PAYMENT_TARGET_SECONDS = 60
RATIO_AIM = 3
PERIOD = date(2024, 6, 1)
# The payment run's awards, by benefit: (share of the total, months to the end or None).
PAYMENT_MIX = [
    ("disability", 4, None),
    ("breadwinner", 3, None),
    ("job_loss", 2, 6),
    ("childcare", 3, 18),
]
CLEAN_SQL = """
TRUNCATE payouts_recovery, payouts_overpayment, payouts_payoutfile, payouts_payment,
         payouts_underpayment, payouts_awardaccount,
         payouts_paymentrun, payouts_eventapplication, payouts_recalculationevent,
         jobs_batchrun, benefits_awardamount, benefits_award, participants_person CASCADE
"""


class Command(BaseCommand):
    help = "Benchmark the indexation and payment batch runs against single SQL statements."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--index-awards", type=int, default=150_000)
        parser.add_argument(
            "--payment-awards", type=int, default=1_200_000, help="0 times the indexation alone"
        )
        parser.add_argument("--in-process", action="store_true", help="no worker, even with Redis")

    def handle(self, *args: Any, **options: Any) -> None:
        if connection.vendor != "postgresql":
            raise CommandError(
                "bench_batch measures the PostgreSQL set-based path: set DATABASE_URL to a "
                "PostgreSQL database of its own (make bench-batch uses gfss_bench_batch)."
            )
        name = connection.settings_dict["NAME"]
        if "bench" not in name:
            raise CommandError(
                f"bench_batch empties the awards and payments of its database; {name!r} does "
                "not look like a benchmark database (its name must contain 'bench')."
            )
        worker = None
        mode = "in-process (no REDIS_URL: the chunks run here through batchrun_step)"
        if os.environ.get("REDIS_URL") and not options["in_process"]:
            queue = f"bench-batch-{os.getpid()}"
            settings.JOBS_QUEUE = queue
            worker = _start_worker(queue)
            mode = f"one Celery worker (concurrency 1, queue {queue})"
        self.stdout.write(f"mode: {mode}")
        try:
            figures = {
                "indexation": self._indexation(options["index_awards"], in_process=worker is None)
            }
            if options["payment_awards"]:
                figures["payment run"] = self._payment_run(
                    options["payment_awards"], in_process=worker is None
                )
        finally:
            if worker is not None:
                worker.terminate()
                worker.wait(timeout=30)
        self.stdout.write("")
        for label, (batch, single, target) in figures.items():
            ratio = batch / single
            verdict = "ok" if batch < target and ratio < RATIO_AIM else "SLOW"
            self.stdout.write(
                f"{label:12} batch {batch:6.2f} s (target < {target} s) · floor "
                f"{single:6.2f} s · ratio {ratio:4.1f} (aim < {RATIO_AIM}) · {verdict}"
            )

    def _fresh(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(CLEAN_SQL)
        call_command("load_parameters", verbosity=0)

    def _analyze(self) -> None:
        # Not the payment table: analysed while empty it would be planned as empty for the
        # whole run (seq scans of a table the run is filling); left unanalysed, the planner
        # sizes it from its pages as it grows, as a production table with history is.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE benefits_award, benefits_awardamount")

    def _indexation(self, n: int, *, in_process: bool) -> tuple[float, float, int]:
        self._fresh()
        started = time.monotonic()
        awards_generate(n=n, benefit="disability", start=date(2022, 1, 1), tag="9800")
        self._analyze()
        self.stdout.write(
            f"indexation: {n:,} awards generated in {time.monotonic() - started:.1f} s"
        )
        payments_generate(tag="9800", first=date(2022, 1, 1), last=date(2022, 12, 1))
        self._analyze()
        event = event_create(
            kind="indexation",
            effective_date=date(2022, 1, 1),
            percent=Decimal("5"),
            benefit_types=["disability"],
            selection="active_on",
            actor=None,
        )
        single, changed = rolled_back(index_floor_sql(), {"day": date(2022, 1, 1)})
        self.stdout.write(
            f"indexation: the floor statements {single:.2f} s ({changed:,} rows, rolled back)"
        )
        batch, run = timed_run(
            lambda: event_apply_start(event_id=event.pk, actor=None), in_process=in_process
        )
        self.stdout.write(
            f"indexation: batch run #{run.pk} {run.status} in {batch:.2f} s, "
            f"{run.changed:,} changed in chunks of {run.chunk_size:,}"
        )
        if run.status != BatchRun.Status.DONE or run.changed != n:
            raise CommandError(f"the indexation did not finish cleanly: {run.error_report}")
        top_ups = Underpayment.objects.count()
        self.stdout.write(f"indexation: {top_ups:,} top-ups found by the settlement")
        return batch, single, INDEX_TARGET_SECONDS

    def _payment_run(self, n: int, *, in_process: bool) -> tuple[float, float, int]:
        self._fresh()
        started = time.monotonic()
        shares = sum(share for _, share, _ in PAYMENT_MIX)
        made = 0
        for index, (benefit, share, months) in enumerate(PAYMENT_MIX):
            count = n - made if index == len(PAYMENT_MIX) - 1 else n * share // shares
            start = date(2024, 6, 5)
            end = date(2024 + (6 + months) // 12, (6 + months) % 12 or 12, 5) if months else None
            awards_generate(n=count, benefit=benefit, start=start, end=end, tag=f"97{index:02d}")
            made += count
        self._analyze()
        self.stdout.write(
            f"payment run: {n:,} awards generated in {time.monotonic() - started:.1f} s"
        )
        run_row = PaymentRun.objects.create(period=PERIOD)
        single, lines = rolled_back(PAYMENT_FLOOR_SQL, {"run": run_row.pk, "period": PERIOD})
        self.stdout.write(
            f"payment run: one statement {single:.2f} s ({lines:,} lines, rolled back)"
        )
        batch, run = timed_run(
            lambda: payment_run_start(period=PERIOD, actor=None), in_process=in_process
        )
        self.stdout.write(
            f"payment run: batch run #{run.pk} {run.status} in {batch:.2f} s, "
            f"{run.changed:,} lines in chunks of {run.chunk_size:,}"
        )
        if run.status != BatchRun.Status.DONE or run.changed != n:
            raise CommandError(f"the payment run did not finish cleanly: {run.error_report}")
        return batch, single, PAYMENT_TARGET_SECONDS


def _start_worker(queue: str) -> subprocess.Popen[bytes]:
    root = Path(settings.BASE_DIR)
    worker = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "gfss",
            "worker",
            "-Q",
            queue,
            "--concurrency=1",
            "--prefetch-multiplier=1",
            "--without-gossip",
            "--without-mingle",
            "-l",
            "warning",
            "-n",
            f"{queue}@%h",
        ],
        cwd=root,
        env=os.environ.copy(),
        stdout=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if celery_app.control.ping(destination=[f"{queue}@{os.uname().nodename}"], timeout=0.5):
            return worker
    worker.terminate()
    raise CommandError("the Celery worker did not answer within 60 s")
