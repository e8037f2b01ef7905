"""Thin Celery wrappers; the nightly schedule is set up elsewhere (beat)."""

from typing import Any

from celery import shared_task


@shared_task(soft_time_limit=3_000, time_limit=3_600)
def penalties_accrue_task() -> dict[str, Any]:
    """Assess penalties on every document not yet assessed; running it twice adds nothing."""
    from contributions.services import penalties_accrue

    run = penalties_accrue()
    return {"documents": run.documents, "accruals": run.accruals, "amount": str(run.amount)}


@shared_task(soft_time_limit=1_800, time_limit=2_100)
def payer_monitoring_task(*, month: str | None = None) -> dict[str, Any]:
    """The monthly list of payers whose participants fell by half or more, as an XLSX file in
    MEDIA_ROOT/monitoring/ for the regions. Contributions for month M are due by the 25th of
    M+1, so on the 1st of a month the latest complete month is the one two months back."""
    from pathlib import Path

    from django.conf import settings
    from django.utils import timezone, translation

    from contributions.exports import falling_payers_xlsx
    from contributions.selectors import payers_with_falling_participants
    from gfss.common.periods import add_months, month_start, parse_period
    from gfss.org.access import SYSTEM

    period = parse_period(month) if month else add_months(month_start(timezone.localdate()), -2)
    with translation.override("ru"):
        rows = payers_with_falling_participants(user=SYSTEM, month=period)
        content = falling_payers_xlsx(rows, month_text=f"{period:%Y-%m}")
    folder = Path(settings.MEDIA_ROOT) / "monitoring"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"payers-falling-{period:%Y-%m}.xlsx"
    path.write_bytes(content)  # the same month again overwrites: the task is idempotent
    return {"month": f"{period:%Y-%m}", "payers": len(rows), "file": str(path)}


@shared_task(soft_time_limit=600, time_limit=900)
def ledger_partitions_ensure_task() -> dict[str, Any]:
    """The ledger's partitions through next year, made ahead (PostgreSQL; nothing on SQLite).
    Monthly although yearly would do: a missed run then costs nothing."""
    from django.utils import timezone

    from contributions.partitions import partitions_ensure

    made = partitions_ensure(through_year=timezone.localdate().year + 1)
    return {"made": made}
