"""Reads of batch runs."""

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from gfss.common.exceptions import NotFoundError
from gfss.jobs.models import BatchRun


def batchrun_list(*, kind: str | None = None) -> QuerySet[BatchRun]:
    runs = BatchRun.objects.select_related("started_by").order_by("-id")
    return runs.filter(kind=kind) if kind else runs


def batchrun_get(*, run_id: int) -> BatchRun:
    run = BatchRun.objects.select_related("started_by").filter(pk=run_id).first()
    if run is None:
        raise NotFoundError(_("No such batch run."), code="batch_not_found")
    return run


def batchrun_progress(*, run: BatchRun) -> dict[str, Any]:
    """What the progress bar polls: counts, percent and status, JSON-ready."""
    return {
        "id": run.pk,
        "kind": run.kind,
        "status": run.status,
        "status_label": str(run.get_status_display()),
        "total": run.total,
        "done": run.done,
        "changed": run.changed,
        "skipped": run.skipped,
        "errors": run.errors,
        "percent": run.percent,
        "active": run.is_active,
        "finished_at": run.finished_at.isoformat() if run.finished_at else None,
    }
