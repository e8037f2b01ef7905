"""An event's dry run as a batch job: what applying it would change, kept on the event.

Each chunk computes the proposals of its awards (the same reference computation the event's
application uses) and adds its per-month sums to the report on the event row, in the chunk's
transaction; the sums of awards, gross and net per month are additive over chunks. Nothing
but the report is written. The event page and the admin show the last report.
"""

from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from gfss.jobs.models import BatchRun
from gfss.jobs.registry import ChunkOutcome, Scope
from gfss.jobs.services import batchrun_start
from gfss.org.actors import Actor
from payouts.models import RecalculationEvent
from payouts.services.events import (
    _check_runnable,
    _per_month,
    event_awards,
    event_get,
    event_proposals,
)

DRY_RUN_JOB_KIND = "recalculation_event_dry_run"


def _empty_report(*, batch_run: int | None, horizon: date) -> dict[str, Any]:
    return {
        "batch_run": batch_run,
        "horizon": horizon.isoformat(),
        "complete": False,
        "awards_selected": 0,
        "awards_changed": 0,
        "already_applied": 0,
        "months": [],
    }


@transaction.atomic
def event_dry_run_start(
    *,
    event_id: int,
    actor: Actor | None,
    horizon: date | None = None,
    chunk_size: int | None = None,
) -> BatchRun:
    """Start the event's dry run to ``horizon`` (today by default); its report starts empty."""
    event = event_get(event_id=event_id)
    _check_runnable(event)
    horizon = horizon or timezone.localdate()
    run = batchrun_start(
        kind=DRY_RUN_JOB_KIND,
        params={"event_id": event.pk, "horizon": horizon.isoformat()},
        actor=actor,
        key=f"event:{event.pk}",
        chunk_size=chunk_size,
    )
    event.dry_run_report = _empty_report(batch_run=run.pk, horizon=horizon)
    event.dry_run_at = None
    event.save(update_fields=["dry_run_report", "dry_run_at", "updated_at"])
    return run


def _merge_months(
    report: list[dict[str, Any]], chunk: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    rows = {row["period"]: dict(row) for row in report}
    for row in chunk:
        into = rows.setdefault(
            row["period"],
            {"period": row["period"], "awards": 0, "gross_change": "0.00", "net_change": "0.00"},
        )
        into["awards"] += row["awards"]
        for name in ("gross_change", "net_change"):
            into[name] = str(Decimal(into[name]) + Decimal(row[name]))
    return [rows[period] for period in sorted(rows)]


class EventDryRunJob:
    """The batch-job kind of an event's dry run, chunk by chunk of the event's award ids."""

    chunk_size = 10_000

    def scope(self, params: dict[str, Any]) -> Scope:
        awards = event_awards(event_get(event_id=params["event_id"]))
        ids = awards.order_by("-pk").values_list("pk", flat=True)
        return Scope(total=awards.count(), upper_id=ids.first() or 0)

    def run_chunk(
        self, *, run_id: int, params: dict[str, Any], after_id: int, upper_id: int, limit: int
    ) -> ChunkOutcome:
        event = RecalculationEvent.objects.select_for_update(no_key=True).get(pk=params["event_id"])
        ids = list(
            event_awards(event)
            .filter(pk__gt=after_id, pk__lte=upper_id)
            .order_by("pk")
            .values_list("pk", flat=True)[:limit]
        )
        if not ids:
            return ChunkOutcome(last_id=upper_id, done=0, changed=0, skipped=0)
        proposals = event_proposals(event, ids)
        months = _per_month(event, proposals, horizon=date.fromisoformat(params["horizon"]))
        report = event.dry_run_report
        report["awards_selected"] += len(ids)
        report["awards_changed"] += len(proposals)
        report["already_applied"] += len(ids) - len(proposals)
        report["months"] = _merge_months(report["months"], months)
        event.save(update_fields=["dry_run_report", "updated_at"])
        return ChunkOutcome(
            last_id=ids[-1],
            done=len(ids),
            changed=len(proposals),
            skipped=len(ids) - len(proposals),
        )

    def finish(self, *, run_id: int, params: dict[str, Any]) -> dict[str, Any]:
        event = RecalculationEvent.objects.select_for_update(no_key=True).get(pk=params["event_id"])
        event.dry_run_report["complete"] = True
        event.dry_run_at = timezone.now()
        event.save(update_fields=["dry_run_report", "dry_run_at", "updated_at"])
        report = event.dry_run_report
        return {
            "event_id": event.pk,
            "awards_selected": report["awards_selected"],
            "awards_changed": report["awards_changed"],
            "already_applied": report["already_applied"],
            "months": len(report["months"]),
        }
