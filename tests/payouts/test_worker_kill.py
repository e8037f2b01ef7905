"""A real Celery worker, killed part-way through an indexation of 10,000 awards (whose chunks
also settle the months already paid) and part-way through the payment run that pays it.

Exactly once comes from the database, not from the broker: each chunk writes its event
applications, its amounts and the run's cursor in one transaction, so a SIGKILL loses at most
the uncommitted chunk, and ``EventApplication``'s unique (event, award) refuses a second
application even if a chunk were ever replayed. After a hard kill Redis keeps the unacked
message invisible for its visibility timeout (an hour by default), so the run is resumed the
way the watchdog (``batchrun_requeue_stale_task``) or an operator would: ``batchrun_resume``
re-enqueues a run that makes no progress; the late redelivery, if it ever comes, finds the run
done and does nothing.
"""

import os
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connection

from benefits.models import AwardAmount
from gfss.jobs.models import BatchRun
from gfss.jobs.services import batchrun_resume
from payouts.models import EventApplication, Payment, Underpayment
from payouts.services.events import event_apply_start
from payouts.services.payments import payment_run_start
from payouts.synthetic import awards_generate, payments_generate
from tests.payouts.events import disability_indexation
from tests.workers import worker_kill, worker_start

AWARDS = 10_000
CHUNK = 250

pytestmark = [
    pytest.mark.celery_worker,
    pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs Redis: set REDIS_URL"),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs PostgreSQL: set DATABASE_URL"
    ),
]


def _wait(run_id: int, until, timeout: float) -> BatchRun:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        run = BatchRun.objects.get(pk=run_id)
        if until(run):
            return run
        time.sleep(0.01)
    raise AssertionError(f"timed out: {BatchRun.objects.filter(pk=run_id).values().first()}")


@pytest.mark.django_db(transaction=True)
def _killed_and_resumed(start, queue: str, log: Path) -> tuple[BatchRun, BatchRun]:
    """Start a run on a real worker, kill it part-way, start a worker again and resume."""
    worker = worker_start(queue, log)
    try:
        run = start()
        part = _wait(run.pk, lambda r: r.done >= AWARDS // 5, timeout=300)
        worker_kill(worker)
        killed_at = BatchRun.objects.get(pk=run.pk)
        assert 0 < killed_at.done < AWARDS, "the kill must land part-way"
        assert killed_at.status == "running"
        time.sleep(0.5)
        assert BatchRun.objects.get(pk=run.pk).done == killed_at.done  # nobody is working on it
        worker = worker_start(queue, log)
        batchrun_resume(run_id=run.pk, actor=None, stale_after=timedelta(0))
        done = _wait(run.pk, lambda r: r.status not in {"running", "queued"}, timeout=300)
    finally:
        worker_kill(worker)
    return part, done


@pytest.mark.django_db(transaction=True)
def test_a_settling_indexation_and_its_payment_run_survive_a_killed_worker_exactly_once(
    settings, tmp_path: Path
) -> None:
    # given: 10,000 disability awards paid from June 2021 to March 2022, then a +5 % event from
    # January; a queue of this test's own
    queue = f"gfss-test-{uuid.uuid4().hex[:12]}"
    settings.JOBS_QUEUE = queue
    assert not django_settings.CELERY_TASK_ALWAYS_EAGER
    first, last = awards_generate(
        n=AWARDS, benefit="disability", start=date(2021, 6, 1), tag="9902"
    )
    payments_generate(tag="9902", first=date(2021, 6, 1), last=date(2022, 3, 1))
    event = disability_indexation()
    # when: the indexation, killed part-way and resumed
    part, done = _killed_and_resumed(
        lambda: event_apply_start(event_id=event.pk, actor=None, chunk_size=CHUNK),
        queue,
        tmp_path / "worker.log",
    )
    # then: every award indexed once and its three paid months settled once each
    assert part.done < AWARDS
    assert (done.status, done.done, done.changed) == ("done", AWARDS, AWARDS)
    assert Underpayment.objects.count() == 3 * AWARDS
    assert Underpayment.objects.values("award_id", "period").distinct().count() == 3 * AWARDS
    # when: April's run, killed part-way and resumed
    part, done = _killed_and_resumed(
        lambda: payment_run_start(period=date(2022, 4, 1), actor=None, chunk_size=CHUNK),
        queue,
        tmp_path / "worker.log",
    )
    # then: one regular line per award for April and one top-up per underpayment
    assert done.status == "done", done.error_report
    april = Payment.objects.filter(run__period=date(2022, 4, 1))
    assert april.filter(kind="regular").count() == AWARDS
    assert april.filter(kind="top_up").count() == 3 * AWARDS
    assert not Underpayment.objects.filter(payment__isnull=True).exists()
    assert (first, last) != (0, 0)


@pytest.mark.django_db(transaction=True)
def test_indexation_survives_a_killed_worker_exactly_once(settings, tmp_path: Path) -> None:
    # given: 10,000 disability awards and a +5 % event; a queue of this test's own
    queue = f"gfss-test-{uuid.uuid4().hex[:12]}"
    settings.JOBS_QUEUE = queue
    assert not django_settings.CELERY_TASK_ALWAYS_EAGER
    first, last = awards_generate(
        n=AWARDS, benefit="disability", start=date(2021, 6, 1), tag="9901"
    )
    assert last - first + 1 == AWARDS
    event = disability_indexation()
    worker = worker_start(queue, tmp_path / "worker.log")
    try:
        run = event_apply_start(event_id=event.pk, actor=None, chunk_size=CHUNK)
        # when: killed part-way, then started again
        part = _wait(run.pk, lambda r: r.done >= AWARDS // 5, timeout=300)
        worker_kill(worker)
        killed_at = BatchRun.objects.get(pk=run.pk)
        assert 0 < killed_at.done < AWARDS, "the kill must land part-way"
        assert killed_at.status == "running"
        time.sleep(0.5)
        assert BatchRun.objects.get(pk=run.pk).done == killed_at.done  # nobody is working on it
        worker = worker_start(queue, tmp_path / "worker.log")
        batchrun_resume(run_id=run.pk, actor=None, stale_after=timedelta(0))
        done = _wait(run.pk, lambda r: r.status not in {"running", "queued"}, timeout=300)
    finally:
        worker_kill(worker)
    # then: every award indexed exactly once
    assert part.done < AWARDS
    assert (done.status, done.done, done.changed, done.skipped) == ("done", AWARDS, AWARDS, 0)
    assert EventApplication.objects.filter(event=event).count() == AWARDS
    indexed = AwardAmount.objects.filter(reason="indexation", valid_from=date(2022, 1, 1))
    assert indexed.count() == AWARDS
    assert indexed.values("award_id").distinct().count() == AWARDS
