"""Two Celery workers on the batch queue share one run: a step is a message any worker may
take, the run's state is its database row (cursor, counters), and nothing is kept in a
worker's memory between steps, so the steps land on both and every award is done once."""

import os
import re
import subprocess
import sys
import time
import uuid
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connection

from gfss.jobs.models import BatchRun
from payouts.models import EventApplication
from payouts.services.events import event_apply_start, event_create
from payouts.synthetic import awards_generate
from tests.payouts.test_worker_kill import ROOT, _database_url, _kill

AWARDS = 3_000
CHUNK = 100

pytestmark = [
    pytest.mark.celery_worker,
    pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs Redis: set REDIS_URL"),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs PostgreSQL: set DATABASE_URL"
    ),
]


def _worker(queue: str, name: str, log: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "CONN_MAX_AGE": "0",
        "SECRET_KEY": django_settings.SECRET_KEY,
        "JOBS_STEP_SECONDS": "0",  # one chunk a step: many hand-overs between the workers
    }
    return subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
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
            "--without-heartbeat",
            "-l",
            "info",
            "-n",
            f"{name}@%h",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=log.open("ab"),
    )


@pytest.mark.django_db(transaction=True)
def test_two_workers_share_one_run_and_do_each_award_once(settings, tmp_path: Path) -> None:
    # given: 3,000 disability awards, a +5 % indexation and two workers on the run's queue
    queue = f"gfss-test-{uuid.uuid4().hex[:12]}"
    settings.JOBS_QUEUE = queue
    awards_generate(n=AWARDS, benefit="disability", start=date(2021, 6, 1), tag="9903")
    event = event_create(
        kind="indexation",
        effective_date=date(2022, 1, 1),
        percent=Decimal("5"),
        benefit_types=["disability"],
        selection="active_on",
        actor=None,
    )
    logs = [tmp_path / "first.log", tmp_path / "second.log"]
    workers = [_worker(queue, "first", logs[0]), _worker(queue, "second", logs[1])]
    try:
        # when: the run is started
        run = event_apply_start(event_id=event.pk, actor=None, chunk_size=CHUNK)
        deadline = time.monotonic() + 300
        while BatchRun.objects.get(pk=run.pk).status in {"queued", "running"}:
            assert time.monotonic() < deadline, "the run did not finish"
            time.sleep(0.2)
    finally:
        for worker in workers:
            _kill(worker)
    # then: done, every award once, and both workers took steps of it
    run.refresh_from_db()
    assert (run.status, run.done, run.changed) == ("done", AWARDS, AWARDS)
    assert EventApplication.objects.filter(event=event).count() == AWARDS
    assert EventApplication.objects.values("award_id").distinct().count() == AWARDS
    steps = [
        len(re.findall(r"batchrun_step_task\[[^\]]+\] succeeded", log.read_text())) for log in logs
    ]
    assert sum(steps) >= AWARDS // CHUNK
    assert all(n > 0 for n in steps), steps
