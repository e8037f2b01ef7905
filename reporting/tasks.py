"""Thin Celery wrappers: the summaries' rebuild, nightly (beat) and soon after a change."""

from typing import Any

from celery import shared_task


@shared_task(soft_time_limit=1_500, time_limit=1_800)
def summaries_refresh_task(*, trigger: str = "nightly") -> dict[str, Any]:
    """Rebuild the summaries; running it twice gives the same tables."""
    from reporting.summaries import summaries_refresh, summaries_refresh_started

    summaries_refresh_started()
    refresh = summaries_refresh(trigger=trigger)
    return {"rows": refresh.rows, "finished_at": refresh.finished_at.isoformat()}
