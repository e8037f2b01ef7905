"""The batch-run framework: chunks, cancel, resume, stalled runs, the task and the pages."""

from datetime import date, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from gfss.common.exceptions import ConflictError
from gfss.jobs.models import BatchRun
from gfss.jobs.services import (
    MAX_STALLS,
    batchrun_cancel,
    batchrun_requeue_stale,
    batchrun_resume,
    batchrun_step,
)
from gfss.org.models import Role
from payouts.models import EventApplication
from payouts.services.events import event_apply_start
from tests.payouts.conftest import run_to_end
from tests.payouts.events import disability_indexation

pytestmark = pytest.mark.django_db


@pytest.fixture
def indexation(make_award):
    for _ in range(5):
        make_award("disability", start=date(2021, 6, 1))
    return disability_indexation()


def _start(event, chunk_size: int = 2) -> BatchRun:
    run = event_apply_start(event_id=event.pk, actor=None)
    BatchRun.objects.filter(pk=run.pk).update(chunk_size=chunk_size)
    return run


def _one_chunk(run: BatchRun, monkeypatch) -> None:
    monkeypatch.setattr("gfss.jobs.services.TIME_BOX_SECONDS", 0)
    batchrun_step(run_id=run.pk)
    run.refresh_from_db()


def test_chunks_advance_the_cursor_and_counters(indexation, monkeypatch) -> None:
    # given
    run = _start(indexation)
    # when
    _one_chunk(run, monkeypatch)
    # then
    assert (run.status, run.done, run.changed, run.total) == ("running", 2, 2, 5)
    assert EventApplication.objects.count() == 2
    assert run.cursor == EventApplication.objects.order_by("-award_id").first().award_id
    finished = run_to_end(run)
    assert (finished.status, finished.done, finished.changed, finished.percent) == (
        "done",
        5,
        5,
        100,
    )
    assert finished.result == {"event_id": indexation.pk, "awards_with_event": 5}


def test_stepping_a_finished_run_again_does_nothing(indexation) -> None:
    run = run_to_end(_start(indexation))
    assert batchrun_step(run_id=run.pk) is False
    run.refresh_from_db()
    assert (run.status, run.changed) == ("done", 5)
    assert EventApplication.objects.count() == 5


def test_cancel_stops_after_the_chunk_and_resume_continues(indexation, monkeypatch) -> None:
    # given
    run = _start(indexation)
    _one_chunk(run, monkeypatch)
    # when
    batchrun_cancel(run_id=run.pk, actor=None)
    assert batchrun_step(run_id=run.pk) is False
    assert EventApplication.objects.count() == 2
    batchrun_resume(run_id=run.pk, actor=None)
    # then
    run = run_to_end(run)
    assert (run.status, run.done, run.changed) == ("done", 5, 5)
    assert EventApplication.objects.count() == 5
    with pytest.raises(ConflictError):
        batchrun_cancel(run_id=run.pk, actor=None)
    with pytest.raises(ConflictError):
        batchrun_resume(run_id=run.pk, actor=None)


def test_a_running_run_is_resumed_only_when_stalled(indexation, monkeypatch) -> None:
    # given: a run whose worker died after one chunk
    run = _start(indexation)
    _one_chunk(run, monkeypatch)
    # when / then
    with pytest.raises(ConflictError) as error:
        batchrun_resume(run_id=run.pk, actor=None)
    assert error.value.code == "batch_in_progress"
    BatchRun.objects.filter(pk=run.pk).update(heartbeat_at=timezone.now() - timedelta(hours=1))
    assert batchrun_requeue_stale() == [run.pk]
    assert run_to_end(run).changed == 5


def test_the_task_steps_the_run_on_commit(
    indexation, eager_celery, django_capture_on_commit_callbacks
) -> None:
    # when
    with django_capture_on_commit_callbacks(execute=True):
        run = event_apply_start(event_id=indexation.pk, actor=None)
    # then
    run.refresh_from_db()
    assert (run.status, run.changed) == ("done", 5)


def test_a_failing_chunk_marks_the_run_failed_and_keeps_what_was_committed(
    indexation, monkeypatch
) -> None:
    # given
    run = _start(indexation)
    _one_chunk(run, monkeypatch)
    from gfss.common.exceptions import ApplicationError

    def broken(*args, **kwargs):
        raise ApplicationError("The OPV rate is missing.", code="parameter_not_in_force")

    monkeypatch.setattr("payouts.services.events.event_apply_ids", broken)
    # when
    batchrun_step(run_id=run.pk)
    # then
    run.refresh_from_db()
    assert (run.status, run.errors, run.done) == ("failed", 1, 2)
    assert "parameter_not_in_force" in run.error_report


def test_the_pages_show_progress_and_let_administrators_cancel(indexation, make_staff) -> None:
    # given
    run = _start(indexation)
    admin = make_staff(Role.ADMINISTRATOR)
    client = Client()
    client.force_login(admin)
    # when
    listing = client.get("/en/jobs/")
    detail = client.get(f"/en/jobs/{run.pk}/")
    progress = client.get(f"/en/jobs/{run.pk}/progress.json").json()
    cancel = client.post(f"/en/jobs/{run.pk}/cancel/")
    # then
    assert listing.status_code == 200
    assert b"data-progress-url" in listing.content
    assert b"jobs/progress.js" in detail.content
    assert progress["status"] == "queued"
    assert progress["total"] == 5
    assert progress["active"]
    assert cancel.status_code == 302
    run.refresh_from_db()
    assert run.status == "cancelled"


def test_specialists_cannot_cancel_runs(indexation, specialist) -> None:
    run = _start(indexation)
    client = Client()
    client.force_login(specialist)
    assert client.post(f"/en/jobs/{run.pk}/cancel/").status_code == 403
    run.refresh_from_db()
    assert run.status == "queued"


def test_a_step_past_its_time_limit_fails_the_run_cleanly_and_it_can_be_resumed(
    indexation, monkeypatch
) -> None:
    # given: a run one chunk in, whose next step runs past the soft time limit
    from celery.exceptions import SoftTimeLimitExceeded

    from gfss.jobs.tasks import batchrun_step_task

    run = _start(indexation)
    _one_chunk(run, monkeypatch)

    def too_slow(*args, **kwargs):
        raise SoftTimeLimitExceeded()

    monkeypatch.setattr("payouts.services.events.event_apply_ids", too_slow)
    # when: the worker's task takes the step
    batchrun_step_task.apply(kwargs={"run_id": run.pk}, throw=True)
    # then: the run is failed with a message that says what happened and what to do
    run.refresh_from_db()
    assert (run.status, run.errors, run.done) == ("failed", 1, 2)
    assert run.error_report.startswith("step_time_limit: a step ran past 300 s")
    assert "resume the run" in run.error_report
    # and once resumed it finishes, each award changed once
    monkeypatch.undo()
    batchrun_resume(run_id=run.pk, actor=None)
    run = run_to_end(run)
    assert (run.status, run.changed) == ("done", 5)
    assert EventApplication.objects.filter(event=indexation).count() == 5


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/en/jobs/999999/", "/en/jobs/999999/progress.json"])
def test_a_run_that_does_not_exist_is_a_404_not_a_crash(make_staff, path) -> None:
    client = Client(raise_request_exception=False)
    client.force_login(make_staff(Role.ADMINISTRATOR))
    assert client.get(path).status_code == 404


def test_a_run_reads_running_while_its_first_chunk_works(indexation, monkeypatch) -> None:
    # given: a first chunk that takes long; what the run's page reads meanwhile
    run = _start(indexation)
    seen = []
    from payouts.services import events

    real = events.event_apply_ids

    def slow(*args, **kwargs):
        seen.append(BatchRun.objects.values_list("status", "started_at").get(pk=run.pk))
        return real(*args, **kwargs)

    monkeypatch.setattr("payouts.services.events.event_apply_ids", slow)
    # when
    _one_chunk(run, monkeypatch)
    # then
    assert [status for status, _ in seen] == ["running"]
    assert seen[0][1] is not None


def test_a_chunk_that_crashes_fails_the_run_and_a_new_run_is_accepted(
    indexation, eager_celery, django_capture_on_commit_callbacks, monkeypatch
) -> None:
    # given: the job's SQL breaks a database constraint, as the demo's payment run once did
    from django.db import IntegrityError

    def broken(*args, **kwargs):
        raise IntegrityError("CHECK constraint failed: payouts_payment_gross_is_opv_net")

    monkeypatch.setattr("payouts.services.events.event_apply_ids", broken)
    # when: started where tasks run inline, as in the demo
    with django_capture_on_commit_callbacks(execute=True):
        run = event_apply_start(event_id=indexation.pk, actor=None)
    # then: the run is failed with the error, not "queued · 0 / 5" for good
    run.refresh_from_db()
    assert (run.status, run.done) == ("failed", 0)
    assert "payouts_payment_gross_is_opv_net" in run.error_report
    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        again = event_apply_start(event_id=indexation.pk, actor=None)
    again.refresh_from_db()
    assert (again.status, again.changed) == ("done", 5)


def test_the_watchdog_gives_up_on_a_run_that_no_worker_carries_out(indexation) -> None:
    # given: a run sent to a queue that no worker reads
    run = _start(indexation)
    BatchRun.objects.filter(pk=run.pk).update(enqueued_at=timezone.now())

    def an_hour_later() -> list[int]:
        BatchRun.objects.filter(pk=run.pk).update(
            created_at=timezone.now() - timedelta(hours=1),
            heartbeat_at=None,
            enqueued_at=timezone.now() - timedelta(hours=1),
        )
        return batchrun_requeue_stale()

    # when: the watchdog re-sends it, again and again, with no chunk done
    assert [an_hour_later() for _ in range(MAX_STALLS)] == [[run.pk]] * MAX_STALLS
    run.refresh_from_db()
    assert run.status == "queued"
    assert an_hour_later() == []
    # then: the run is failed with why, and the same job can be started again
    run.refresh_from_db()
    assert (run.status, run.done) == ("failed", 0)
    assert "stalled" in run.error_report
    assert _start(indexation).status == "queued"


def test_a_chunk_done_resets_the_watchdogs_count(indexation, monkeypatch) -> None:
    run = _start(indexation)
    BatchRun.objects.filter(pk=run.pk).update(
        heartbeat_at=timezone.now() - timedelta(hours=1), enqueued_at=timezone.now()
    )
    assert batchrun_requeue_stale() == [run.pk]
    _one_chunk(run, monkeypatch)
    assert (run.status, run.stalls) == ("running", 0)
