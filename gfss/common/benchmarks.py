"""What the benchmark commands of every app share: the national size a dataset is a fraction
of, the static files a bench's pages are served with, its users, and the timing of a page,
a statement, a rolled-back floor and a batch run.

Shared layer: apps' benchmarks import it (benefits' bench_ui, payouts' bench_batch), so it
imports no domain app.
"""

import argparse
import secrets
import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from gfss.common.signals import data_changed
from gfss.jobs.models import BatchRun
from gfss.jobs.services import batchrun_step
from gfss.org.models import Branch, Role
from gfss.org.services import staff_user_create

NATIONAL_PARTICIPANTS = 6_750_000  # domain.md
RUNS = 7
NO_JIT_SQL = "SET LOCAL jit = off"
# Static files from the apps: the benches run without collectstatic's manifest.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}


def scale_fraction(value: str) -> float:
    """``--scale``: a fraction of national size, above 0 and at most 1."""
    try:
        fraction = float(value)
    except ValueError:
        fraction = 0.0
    if not 0 < fraction <= 1:
        raise argparse.ArgumentTypeError(f"must be a fraction above 0 and at most 1, not {value!r}")
    return fraction


def bench_staff_user(branch: Branch, username: str, role: str = Role.SPECIALIST) -> Any:
    """The bench's staff user of ``branch``, made on the first run."""
    user = get_user_model().objects.filter(username=username).first()
    return user or staff_user_create(
        username=username,
        password=secrets.token_urlsafe(16),  # never used: the bench logs in with force_login
        branch=branch,
        role=role,
    )


def bench_superuser() -> Any:
    """The user the benches call the partner API as: every scope, no token to issue."""
    user, _ = get_user_model().objects.get_or_create(
        username="bench-analyst", defaults={"is_superuser": True, "is_staff": True}
    )
    return user


def floor_ms(sql: str, params: list[Any]) -> float:
    """The median time of one statement over ``RUNS`` runs: the floor a page is compared to."""
    timings = []
    with connection.cursor() as cursor:
        for _ in range(RUNS):
            started = time.perf_counter()
            cursor.execute(sql, params)
            cursor.fetchall()
            timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


def page_timings(client: Client, url: str) -> tuple[list[float], int]:
    """The page's times over ``RUNS`` requests after a warm one, and its queries per request."""
    response = client.get(url)  # warm: templates, permission cache, parameters
    if response.status_code != 200:
        raise CommandError(f"{url} answered {response.status_code}")
    timings = []
    for _ in range(RUNS):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            client.get(url)
            timings.append((time.perf_counter() - started) * 1000)
    return timings, len(captured)


def rolled_back(statements: list[str], params: dict[str, Any]) -> tuple[float, int]:
    """Seconds and rows of ``statements`` run in a transaction that is rolled back, their rows
    checked against their foreign keys as a commit would check them (a rollback would skip
    what every real insert pays): a batch job's floor."""
    rows = 0
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(NO_JIT_SQL)
            started = time.monotonic()
            for sql in statements:
                cursor.execute(sql, params)
                rows += cursor.rowcount
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        elapsed = time.monotonic() - started
        transaction.set_rollback(True)
    return elapsed, rows


def timed_run(start: Callable[[], BatchRun], *, in_process: bool) -> tuple[float, BatchRun]:
    """Seconds from the start of the batch run to its last chunk committed, and the run; its
    chunks run here when ``in_process``, else on a worker."""
    with _reports_follow_later():
        started = time.monotonic()
        run = start()
        if in_process:
            while batchrun_step(run_id=run.pk):
                pass
        while True:
            run.refresh_from_db()
            if run.status not in BatchRun.ACTIVE_STATUSES:
                break
            time.sleep(0.02)
        return time.monotonic() - started, run


@contextmanager
def _reports_follow_later() -> Iterator[None]:
    """No follower of ``data_changed`` (the report summaries' refresh) runs inside the
    timing: it is queued for minutes later, and would run inline only without a broker."""
    receivers = data_changed.receivers
    data_changed.receivers = []
    data_changed.sender_receivers_cache.clear()
    try:
        yield
    finally:
        data_changed.receivers = receivers
        data_changed.sender_receivers_cache.clear()
