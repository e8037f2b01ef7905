"""Thin Celery wrappers: ids in, services do the work."""

from typing import Any

from celery import Task, shared_task
from celery.exceptions import SoftTimeLimitExceeded
from celery.utils.log import get_task_logger

logger = get_task_logger(__name__)

# A step is time-boxed to a few seconds (services.TIME_BOX_SECONDS) plus one chunk; these limits
# only catch a chunk that hangs. services.STALE_AFTER is derived from the hard limit.
STEP_SOFT_TIME_LIMIT = 300
STEP_TIME_LIMIT = 360


def failure_text(exc: BaseException) -> str:
    """What a failed step says on its run, for the operator who resumes or reruns it."""
    if isinstance(exc, SoftTimeLimitExceeded):
        return (
            f"step_time_limit: a step ran past {STEP_SOFT_TIME_LIMIT} s and its chunk was "
            "rolled back (nothing of it was written); resume the run or start it again, with "
            "a smaller chunk size if the database is busy."
        )
    return f"{type(exc).__name__}: {exc}"


def _fail_on_a_fresh_connection(run_id: int, exc: BaseException) -> None:
    from django.db import connection

    from gfss.jobs.services import batchrun_fail

    # The limit may strike inside a statement or a commit and leave the connection unusable
    # (its chunk rolled back with it); the failure is recorded on a fresh one.
    if not connection.in_atomic_block:
        connection.close()
    batchrun_fail(run_id=run_id, error=failure_text(exc))


class BatchStepTask(Task):
    def on_failure(
        self, exc: BaseException, task_id: str, args: Any, kwargs: Any, einfo: Any
    ) -> None:
        _fail_on_a_fresh_connection(kwargs["run_id"], exc)


# A dropped database connection costs the chunk in progress (rolled back, the cursor did not
# move): the step is tried again this many times, DATABASE_RETRY_SECONDS apart, before the run
# is marked failed (it can then be resumed from its cursor).
DATABASE_RETRIES = 12
DATABASE_RETRY_SECONDS = 5


@shared_task(
    base=BatchStepTask,
    bind=True,
    name="gfss.jobs.tasks.batchrun_step_task",
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=STEP_SOFT_TIME_LIMIT,
    time_limit=STEP_TIME_LIMIT,
    max_retries=DATABASE_RETRIES,
)
def batchrun_step_task(self: Task, *, run_id: int) -> None:
    """Advance a run by a few chunks, then enqueue the next step; a no-op once it is over."""
    from django.db import connections

    from gfss.common.outages import DATABASE_ERRORS
    from gfss.jobs.models import BatchRun
    from gfss.jobs.services import batchrun_send, batchrun_step

    try:
        more = batchrun_step(run_id=run_id)
    except SoftTimeLimitExceeded as exc:
        _fail_on_a_fresh_connection(run_id, exc)
        return
    except DATABASE_ERRORS as error:
        logger.warning("batch run %s: database connection lost (%s), retrying", run_id, error)
        for connection in connections.all(initialized_only=True):
            connection.close()
        raise self.retry(countdown=DATABASE_RETRY_SECONDS, exc=error) from error
    except Exception as exc:
        # Recorded here as well as in on_failure, which a task run inline (the demo's Celery)
        # never calls: a step that crashes leaves its run failed, never "queued" for good.
        _fail_on_a_fresh_connection(run_id, exc)
        raise
    if more:
        queue = BatchRun.objects.values_list("queue", flat=True).get(pk=run_id)
        batchrun_send(run_id=run_id, queue=queue)


@shared_task(
    name="gfss.jobs.tasks.batchrun_requeue_stale_task",
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=30,
    time_limit=60,
)
def batchrun_requeue_stale_task() -> None:
    """The watchdog (beat): runs whose worker died get a new step."""
    from gfss.jobs.services import batchrun_outbox_send, batchrun_requeue_stale

    batchrun_outbox_send()
    resumed = batchrun_requeue_stale()
    if resumed:
        logger.warning("stalled batch runs re-enqueued: %s", resumed)
