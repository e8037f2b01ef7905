"""Thin Celery wrappers; the nightly schedule is set up elsewhere (beat)."""

from typing import Any

from celery import shared_task


@shared_task(soft_time_limit=3_000, time_limit=3_600)
def penalties_accrue_task() -> dict[str, Any]:
    """Assess penalties on every document not yet assessed; running it twice adds nothing."""
    from contributions.services import penalties_accrue

    run = penalties_accrue()
    return {"documents": run.documents, "accruals": run.accruals, "amount": str(run.amount)}
