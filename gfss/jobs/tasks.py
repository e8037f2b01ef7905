"""Thin Celery wrappers: ids in, services do the work."""

from typing import Any

from celery import Task, shared_task
from celery.utils.log import get_task_logger

logger = get_task_logger(__name__)

# A step is time-boxed to a few seconds (services.TIME_BOX_SECONDS) plus one chunk; these limits
# only catch a chunk that hangs. services.STALE_AFTER is derived from the hard limit.
STEP_SOFT_TIME_LIMIT = 300
STEP_TIME_LIMIT = 360


class BatchStepTask(Task):
    def on_failure(
        self, exc: BaseException, task_id: str, args: Any, kwargs: Any, einfo: Any
    ) -> None:
        from gfss.jobs.services import batchrun_fail

        batchrun_fail(run_id=kwargs["run_id"], error=f"{type(exc).__name__}: {exc}")


@shared_task(
    base=BatchStepTask,
    name="gfss.jobs.tasks.batchrun_step_task",
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=STEP_SOFT_TIME_LIMIT,
    time_limit=STEP_TIME_LIMIT,
)
def batchrun_step_task(*, run_id: int) -> None:
    """Advance a run by a few chunks, then enqueue the next step; a no-op once it is over."""
    from gfss.jobs.models import BatchRun
    from gfss.jobs.services import batchrun_step

    if batchrun_step(run_id=run_id):
        queue = BatchRun.objects.values_list("queue", flat=True).get(pk=run_id)
        batchrun_step_task.apply_async(kwargs={"run_id": run_id}, queue=queue)


@shared_task(
    name="gfss.jobs.tasks.batchrun_requeue_stale_task",
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=30,
    time_limit=60,
)
def batchrun_requeue_stale_task() -> None:
    """The watchdog (beat): runs whose worker died get a new step."""
    from gfss.jobs.services import batchrun_requeue_stale

    resumed = batchrun_requeue_stale()
    if resumed:
        logger.warning("stalled batch runs re-enqueued: %s", resumed)
