"""Starting, stepping, cancelling and resuming batch runs.

A run advances chunk by chunk; each chunk is one transaction that does the work (set-based
SQL over a range of ids), moves the cursor and adds to the counters. A task steps a run for a
few seconds, then enqueues itself again, so a worker killed at any moment loses at most the
uncommitted chunk, and a second task stepping the same run waits on the row lock and then
finds the cursor already moved.
"""

import json
import logging
import time
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from gfss.common.exceptions import ApplicationError, ConflictError, NotFoundError
from gfss.common.outages import broker_send
from gfss.common.signals import data_changed
from gfss.jobs import registry
from gfss.jobs.models import BatchRun
from gfss.org.actors import Actor

logger = logging.getLogger(__name__)

# A task steps a run for about this long, then hands over to a fresh message: the broker sees
# progress, other queued work interleaves and a redelivered message repeats little.
TIME_BOX_SECONDS = settings.JOBS_STEP_SECONDS
# The step task's hard time limit (tasks.py) plus a margin: a run whose last committed chunk is
# older than this has no live task, so resuming it cannot race a running one.
STALE_AFTER = timedelta(seconds=420)
# A run the watchdog re-sent this many times without a chunk committed is not going to be
# carried out (no worker reads its queue, or every step dies): it is marked failed, which frees
# its job for a new run, instead of blocking it as "queued" for good.
MAX_STALLS = 3


def batchrun_qs_select_for_update() -> Any:
    return BatchRun.objects.order_by("pk").select_for_update(of=("self",), no_key=True)


def params_key(params: dict[str, Any]) -> str:
    """Two runs with equal parameters are the same run (canonical JSON)."""
    return json.dumps(params, sort_keys=True, separators=(",", ":"))[:255]


def _enqueue(run: BatchRun) -> None:
    """Send the run's next step once the caller's transaction commits. The row is the outbox:
    ``enqueued_at`` stays empty until the queue took the message."""
    BatchRun.objects.filter(pk=run.pk).update(enqueued_at=None)
    run.enqueued_at = None
    run_id, queue = run.pk, run.queue
    # Robust: where tasks run inline, a step that crashes has already failed its run, and the
    # caller who started it goes on to the run's page instead of an error page.
    transaction.on_commit(lambda: batchrun_send(run_id=run_id, queue=queue), robust=True)


def batchrun_send(*, run_id: int, queue: str) -> bool:
    """Hand a step of the run to the task queue; False (the run waits in the outbox) when Redis
    cannot be reached. Two steps sent for one run are harmless: chunks are serialized."""
    from gfss.jobs.tasks import batchrun_step_task

    BatchRun.objects.filter(pk=run_id).update(enqueued_at=None)
    sent = broker_send(
        lambda: batchrun_step_task.apply_async(kwargs={"run_id": run_id}, queue=queue),
        what=f"batch run {run_id}",
    )
    if sent:
        BatchRun.objects.filter(pk=run_id, enqueued_at__isnull=True).update(
            enqueued_at=timezone.now()
        )
    return sent


def batchrun_outbox_send() -> list[int]:
    """Send every active run that the queue never took (Redis was down when it was started or
    when its last step handed over); called by the watchdog and by a worker that starts."""
    sent = []
    pending = BatchRun.objects.filter(
        status__in=BatchRun.ACTIVE_STATUSES, enqueued_at__isnull=True
    ).values_list("pk", "queue")
    for run_id, queue in pending:
        if not batchrun_send(run_id=run_id, queue=queue):
            break  # still down: the next call tries again
        sent.append(run_id)
    if sent:
        logger.warning("batch runs sent from the outbox: %s", sent)
    return sent


@transaction.atomic
def batchrun_start(
    *,
    kind: str,
    params: dict[str, Any],
    actor: Actor | None,
    key: str | None = None,
    chunk_size: int | None = None,
) -> BatchRun:
    """A queued run and its first step, enqueued on commit.

    A second run of the same kind and key while one is queued or running is refused by the
    partial unique constraint, not by a prior check (two starts at once cannot both pass).
    """
    handler = registry.get(kind)
    scope = handler.scope(params)
    run = BatchRun(
        kind=kind,
        key=key if key is not None else params_key(params),
        params=params,
        queue=getattr(settings, "JOBS_QUEUE", "batch"),
        chunk_size=chunk_size or handler.chunk_size,
        total=scope.total,
        upper_id=scope.upper_id,
        started_by=actor,
    )
    try:
        with transaction.atomic():
            run.save()
    except IntegrityError:
        raise ConflictError(
            _("The same job is already queued or running; wait for it or cancel it first."),
            code="batch_already_running",
            extra={"kind": kind, "params": params},
        ) from None
    logger.info("batch run queued id=%s kind=%s total=%s", run.pk, kind, scope.total)
    _enqueue(run)
    return run


def batchrun_step(*, run_id: int) -> bool:
    """Process chunks for about ``TIME_BOX_SECONDS``; True when work remains.

    Idempotent: a run that is finished, cancelled or already past its last id is left alone.
    """
    deadline = time.monotonic() + TIME_BOX_SECONDS
    _mark_running(run_id=run_id)
    while True:
        more = _step_one_chunk(run_id=run_id)
        if not more or time.monotonic() >= deadline:
            return more


def _mark_running(*, run_id: int) -> None:
    """Committed before the first chunk, which may take minutes: meanwhile the run reads
    "running", not "queued"."""
    now = timezone.now()
    BatchRun.objects.filter(pk=run_id, status=BatchRun.Status.QUEUED).update(
        status=BatchRun.Status.RUNNING,
        started_at=Coalesce("started_at", Value(now)),
        updated_at=now,
    )


def _step_one_chunk(*, run_id: int) -> bool:
    try:
        with transaction.atomic():
            run = batchrun_qs_select_for_update().filter(pk=run_id).first()
            if run is None or run.status not in BatchRun.ACTIVE_STATUSES:
                return False
            now = timezone.now()
            fields = ["status", "cursor", "done", "changed", "skipped", "heartbeat_at", "stalls"]
            if run.status == BatchRun.Status.QUEUED:
                run.status = BatchRun.Status.RUNNING
                run.started_at = run.started_at or now
                fields.append("started_at")
            handler = registry.get(run.kind)
            if run.cursor >= run.upper_id:
                run.result = handler.finish(run_id=run.pk, params=run.params)
                run.status = BatchRun.Status.DONE
                run.finished_at = now
                run.heartbeat_at = now
                run.save(update_fields=[*fields, "result", "finished_at", "updated_at"])
                logger.info("batch run done id=%s changed=%s", run.pk, run.changed)
                kind = run.kind
                transaction.on_commit(lambda: data_changed.send(sender=BatchRun, what=kind))
                return False
            outcome = handler.run_chunk(
                run_id=run.pk,
                params=run.params,
                after_id=run.cursor,
                upper_id=run.upper_id,
                limit=run.chunk_size,
            )
            # No ids left below the upper bound (rows deleted since the start): jump to the end.
            run.cursor = outcome.last_id if outcome.done else run.upper_id
            run.done = min(run.total, run.done + outcome.done)
            run.changed += outcome.changed
            run.skipped += outcome.skipped
            run.heartbeat_at = now
            run.stalls = 0
            run.save(update_fields=[*fields, "updated_at"])
            return True
    except ApplicationError as error:
        batchrun_fail(run_id=run_id, error=f"{error.code}: {error.message}")
        return False


@transaction.atomic
def batchrun_fail(*, run_id: int, error: str) -> None:
    """Mark an active run failed with the error; the counters keep what was committed."""
    run = batchrun_qs_select_for_update().filter(pk=run_id).first()
    if run is None or run.status not in BatchRun.ACTIVE_STATUSES:
        return
    run.status = BatchRun.Status.FAILED
    run.errors += 1
    run.error_report = (run.error_report + "\n" + error).strip()[-20_000:]
    run.finished_at = timezone.now()
    run.save(update_fields=["status", "errors", "error_report", "finished_at", "updated_at"])
    logger.warning("batch run failed id=%s", run_id)


def _get_locked(run_id: int) -> BatchRun:
    run = batchrun_qs_select_for_update().filter(pk=run_id).first()
    if run is None:
        raise NotFoundError(_("No such batch run."), code="batch_not_found")
    return run


@transaction.atomic
def batchrun_cancel(*, run_id: int, actor: Actor | None) -> BatchRun:
    """Stop after the chunk in progress; what is committed stays (resume continues from it)."""
    run = _get_locked(run_id)
    if run.status not in BatchRun.ACTIVE_STATUSES:
        raise ConflictError(
            _("The run is %(status)s; only a queued or running run can be cancelled.")
            % {"status": run.get_status_display()},
            code="batch_not_active",
        )
    run.status = BatchRun.Status.CANCELLED
    run.finished_at = timezone.now()
    run.error_report = (run.error_report + f"\ncancelled by {actor or 'system'}").strip()
    run.save(update_fields=["status", "finished_at", "error_report", "updated_at"])
    return run


@transaction.atomic
def batchrun_resume(
    *, run_id: int, actor: Actor | None, stale_after: timedelta = STALE_AFTER
) -> BatchRun:
    """Continue a cancelled or failed run from its cursor, or re-enqueue a stalled one.

    A run still marked running whose last progress is older than ``stale_after`` lost its
    task (a killed worker whose message the broker will only redeliver much later): a new step
    is enqueued. Stepping twice is harmless, the row lock and the cursor serialize chunks.
    """
    run = _get_locked(run_id)
    if run.status == BatchRun.Status.DONE:
        raise ConflictError(_("The run is already done."), code="batch_done")
    if run.status in BatchRun.ACTIVE_STATUSES:
        last = run.heartbeat_at or run.created_at
        if timezone.now() - last < stale_after:
            raise ConflictError(
                _("The run is making progress; resume is for stopped or stalled runs."),
                code="batch_in_progress",
            )
        logger.warning("batch run stalled, re-enqueued id=%s", run.pk)
    else:
        run.status = BatchRun.Status.QUEUED
        run.finished_at = None
        try:
            with transaction.atomic():
                run.save(update_fields=["status", "finished_at", "updated_at"])
        except IntegrityError:
            raise ConflictError(
                _("Another run of the same job is queued or running."), code="batch_already_running"
            ) from None
    _enqueue(run)
    return run


def batchrun_requeue_stale(*, stale_after: timedelta = STALE_AFTER) -> list[int]:
    """The watchdog: re-enqueue every active run that made no progress for ``stale_after``,
    and fail the one it re-sent ``MAX_STALLS`` times already."""
    cutoff = timezone.now() - stale_after
    ids = list(
        BatchRun.objects.filter(status__in=BatchRun.ACTIVE_STATUSES)
        .annotate(last=Coalesce("heartbeat_at", "created_at"))
        .filter(Q(last__lt=cutoff))
        .values_list("pk", flat=True)
    )
    resumed = []
    for run_id in ids:
        try:
            if _requeue_or_give_up(run_id=run_id, stale_after=stale_after):
                resumed.append(run_id)
        except ApplicationError:
            continue  # it moved on or finished between the read and the lock
    return resumed


@transaction.atomic
def _requeue_or_give_up(*, run_id: int, stale_after: timedelta) -> bool:
    run = _get_locked(run_id)
    if run.stalls >= MAX_STALLS:
        minutes = int((timezone.now() - (run.heartbeat_at or run.created_at)).total_seconds() // 60)
        batchrun_fail(
            run_id=run_id,
            error=(
                f"stalled: no chunk was committed for {minutes} min although the run was sent "
                f"to the queue '{run.queue}' {MAX_STALLS + 1} times; check that a worker reads "
                "it, then resume the run or start it again."
            ),
        )
        return False
    BatchRun.objects.filter(pk=run_id).update(stalls=F("stalls") + 1)
    batchrun_resume(run_id=run_id, actor=None, stale_after=stale_after)
    return True
