"""Thin Celery wrappers: the summaries' rebuild, nightly (beat) and soon after a change, and
the monthly list of payers to monitor, read from them."""

from typing import Any

from celery import shared_task


@shared_task(soft_time_limit=1_500, time_limit=1_800)
def summaries_refresh_task(*, trigger: str = "nightly") -> dict[str, Any]:
    """Rebuild the summaries; running it twice gives the same tables."""
    from reporting.summaries import summaries_refresh, summaries_refresh_started

    summaries_refresh_started()
    refresh = summaries_refresh(trigger=trigger)
    return {"rows": refresh.rows, "finished_at": refresh.finished_at.isoformat()}


@shared_task(soft_time_limit=600, time_limit=900)
def payer_monitoring_task(*, month: str | None = None) -> dict[str, Any]:
    """The monthly list of payers whose participants fell by half or more, as an XLSX file in
    MEDIA_ROOT/monitoring/ for the regions, from the payer-month summary (rebuilt at 03:00,
    before this runs), for the latest month whose contributions are due."""
    from pathlib import Path

    from django.conf import settings
    from django.utils import timezone, translation

    from gfss.common.periods import parse_period
    from gfss.org.actors import SYSTEM
    from reporting.exports import falling_payers_xlsx
    from reporting.indicators.payers import falling_payers, latest_due_month

    period = parse_period(month) if month else latest_due_month(timezone.localdate())
    with translation.override("ru"):
        rows = falling_payers(user=SYSTEM, month=period)
        content = falling_payers_xlsx(rows, month_text=f"{period:%Y-%m}")
    folder = Path(settings.MEDIA_ROOT) / "monitoring"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"payers-falling-{period:%Y-%m}.xlsx"
    path.write_bytes(content)  # the same month again overwrites: the task is idempotent
    return {"month": f"{period:%Y-%m}", "payers": len(rows), "file": str(path)}
