"""Thin Celery wrappers; the nightly schedule is set up elsewhere (beat)."""

from typing import Any

from celery import shared_task


@shared_task(soft_time_limit=3_000, time_limit=3_600)
def penalties_accrue_task() -> dict[str, Any]:
    """Assess penalties on every document not yet assessed; running it twice adds nothing."""
    from contributions.services import penalties_accrue

    run = penalties_accrue()
    return {"documents": run.documents, "accruals": run.accruals, "amount": str(run.amount)}


@shared_task(soft_time_limit=600, time_limit=900)
def ledger_partitions_ensure_task() -> dict[str, Any]:
    """The ledger's partitions through next year, made ahead (PostgreSQL; nothing on SQLite).
    Monthly although yearly would do: a missed run then costs nothing."""
    from django.utils import timezone

    from contributions.partitions import partitions_ensure

    made = partitions_ensure(through_year=timezone.localdate().year + 1)
    return {"made": made}
