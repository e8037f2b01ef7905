"""Two Celery workers on the batch queue share one run: a step is a message any worker may
take, the run's state is its database row (cursor, counters), and nothing is kept in a
worker's memory between steps, so the steps land on both and every award is done once."""

import os
import re
import time
import uuid
from datetime import date
from pathlib import Path

import pytest
from django.db import connection

from gfss.jobs.models import BatchRun
from payouts.models import EventApplication
from payouts.services.events import event_apply_start
from payouts.synthetic import awards_generate
from tests.payouts.events import disability_indexation
from tests.workers import worker_kill, worker_start

AWARDS = 3_000
CHUNK = 100

pytestmark = [
    pytest.mark.celery_worker,
    pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs Redis: set REDIS_URL"),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs PostgreSQL: set DATABASE_URL"
    ),
]


@pytest.mark.django_db(transaction=True)
def test_two_workers_share_one_run_and_do_each_award_once(settings, tmp_path: Path) -> None:
    # given: 3,000 disability awards, a +5 % indexation and two workers on the run's queue
    queue = f"gfss-test-{uuid.uuid4().hex[:12]}"
    settings.JOBS_QUEUE = queue
    awards_generate(n=AWARDS, benefit="disability", start=date(2021, 6, 1), tag="9903")
    event = disability_indexation()
    logs = [tmp_path / "first.log", tmp_path / "second.log"]
    one_chunk_a_step = {"JOBS_STEP_SECONDS": "0"}  # many hand-overs between the workers
    workers = [
        worker_start(queue, logs[0], name="first", env=one_chunk_a_step),
        worker_start(queue, logs[1], name="second", env=one_chunk_a_step),
    ]
    try:
        # when: the run is started
        run = event_apply_start(event_id=event.pk, actor=None, chunk_size=CHUNK)
        deadline = time.monotonic() + 300
        while BatchRun.objects.get(pk=run.pk).status in {"queued", "running"}:
            assert time.monotonic() < deadline, "the run did not finish"
            time.sleep(0.2)
    finally:
        for worker in workers:
            worker_kill(worker)
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
