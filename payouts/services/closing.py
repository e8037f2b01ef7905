"""Closing a month: the month becomes final and the payout file of each benefit is built.

A month closes only after its latest payment run completed: a failed or cancelled run left
part of the country without lines, so it is finished (resumed) or run again first. Closing
makes no more lines possible and starts the file job, a batch run over the month's payable
lines: each chunk writes its lines to a part in storage, the last step joins the parts into
each benefit's MT-102 file, hashing while it streams. Nothing holds a whole file in memory.
"""

import hashlib
import io
import tempfile
from collections.abc import Iterator
from datetime import date
from typing import Any, BinaryIO

from django.core.files.base import ContentFile, File
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from gfss.common import display
from gfss.common.exceptions import ConflictError, NotFoundError
from gfss.common.periods import month_start
from gfss.jobs.models import BatchRun
from gfss.jobs.registry import ChunkOutcome, Scope
from gfss.jobs.services import batchrun_start
from gfss.org.actors import Actor
from payouts.models import PAYOUT_KNP, Payment, PaymentRun, PayoutFile, payout_file_path
from payouts.payout_file import payout_document_write, payout_lines_write
from payouts.services.payments import PAYMENT_JOB_KIND, closed_error

FILES_JOB_KIND = "payout_files"


def payment_run_latest_job(*, period: date) -> BatchRun | None:
    """The month's latest payment batch run, whatever its state."""
    return (
        BatchRun.objects.filter(kind=PAYMENT_JOB_KIND, params__period=period.isoformat())
        .order_by("-pk")
        .first()
    )


def _check_run_complete(period: date) -> None:
    active = BatchRun.objects.filter(kind=PAYMENT_JOB_KIND, status__in=BatchRun.ACTIVE_STATUSES)
    if active.exists():
        raise ConflictError(
            _("A payment run is in progress; close the month when it has finished."),
            code="payment_run_in_progress",
        )
    latest = payment_run_latest_job(period=period)
    if latest is None or latest.status != BatchRun.Status.DONE:
        state = latest.get_status_display() if latest is not None else _("never completed")
        raise ConflictError(
            _(
                "The payment run of %(period)s is not complete (%(state)s): finish it or run "
                "the month again before closing it, or the payout files would miss payments."
            )
            % {"period": display.month(period), "state": state},
            code="run_incomplete",
            extra={"period": period.isoformat(), "batch_run": latest.pk if latest else None},
        )


def payout_reference(*, period: date, benefit: str) -> str:
    return f"GFSS{period:%y%m}{PAYOUT_KNP[benefit]}{benefit[:3].upper()}"[:16]


@transaction.atomic(durable=True)
def payment_run_close(
    *, period: date, actor: Actor | None, chunk_size: int | None = None
) -> BatchRun:
    """Close the month (no more lines for it) and start building its payout files."""
    period = month_start(period)
    run = PaymentRun.objects.select_for_update(no_key=True).filter(period=period).first()
    if run is None:
        raise NotFoundError(
            _("No payments were run for %(period)s.") % {"period": display.month(period)},
            code="payment_run_missing",
        )
    if run.status == PaymentRun.Status.CLOSED:
        raise closed_error(period)
    _check_run_complete(period)
    run.status = PaymentRun.Status.CLOSED
    run.closed_at = timezone.now()
    run.closed_by = actor
    run.save(update_fields=["status", "closed_at", "closed_by", "updated_at"])
    benefits = Payment.objects.filter(run=run).order_by("benefit").values_list("benefit", flat=True)
    PayoutFile.objects.bulk_create(
        PayoutFile(
            run=run,
            benefit=benefit,
            knp=PAYOUT_KNP[benefit],
            reference=payout_reference(period=period, benefit=benefit),
        )
        for benefit in benefits.distinct()
    )
    return batchrun_start(
        kind=FILES_JOB_KIND,
        params={"period": period.isoformat()},
        actor=actor,
        chunk_size=chunk_size,
    )


def payout_files_job(*, period: date) -> BatchRun | None:
    """The month's latest file job (the run page links its progress)."""
    return (
        BatchRun.objects.filter(kind=FILES_JOB_KIND, params__period=period.isoformat())
        .order_by("-pk")
        .first()
    )


def _payable(period: str) -> Any:
    return Payment.objects.filter(run__period=period, payable__gt=0)


def _replace(name: str, content: Any) -> str:
    """Save under exactly ``name``: a retried chunk or step overwrites its earlier attempt."""
    if default_storage.exists(name):
        default_storage.delete(name)
    return default_storage.save(name, content)


class PayoutFilesJob:
    """The batch-job kind that writes a closed month's payout files, chunk by chunk of lines."""

    chunk_size = 10_000

    def scope(self, params: dict[str, Any]) -> Scope:
        lines = _payable(params["period"])
        upper = lines.aggregate(upper=Max("pk"))["upper"] or 0
        return Scope(total=lines.count(), upper_id=upper)

    def run_chunk(
        self, *, run_id: int, params: dict[str, Any], after_id: int, upper_id: int, limit: int
    ) -> ChunkOutcome:
        payments = list(
            _payable(params["period"])
            .filter(pk__gt=after_id, pk__lte=upper_id)
            .select_related("award__person")
            .order_by("pk")[:limit]
        )
        if not payments:
            return ChunkOutcome(last_id=upper_id, done=0, changed=0, skipped=0)
        files = {
            f.benefit: f
            for f in PayoutFile.objects.select_for_update(of=("self",), no_key=True)
            .select_related("run")
            .filter(run__period=params["period"])
        }
        by_benefit: dict[str, list[Payment]] = {}
        for payment in payments:
            by_benefit.setdefault(payment.benefit, []).append(payment)
        for benefit, lines in by_benefit.items():
            payout = files[benefit]
            block = io.BytesIO()
            total = payout_lines_write(
                payout_file=payout, payments=lines, after=payout.lines, stream=block
            )
            part = payout_file_path(payout, f"parts/{benefit}-{lines[0].pk:012d}.part")
            payout.parts = [*payout.parts, _replace(part, ContentFile(block.getvalue()))]
            payout.lines += len(lines)
            payout.total += total
            payout.save(update_fields=["parts", "lines", "total", "updated_at"])
        return ChunkOutcome(
            last_id=payments[-1].pk, done=len(payments), changed=len(payments), skipped=0
        )

    def finish(self, *, run_id: int, params: dict[str, Any]) -> dict[str, Any]:
        files = PayoutFile.objects.select_for_update(of=("self",), no_key=True).filter(
            run__period=params["period"]
        )
        done = []
        for payout in files.select_related("run").order_by("benefit"):
            if not payout.is_complete:
                _assemble(payout)
            done.append(
                {
                    "benefit": payout.benefit,
                    "knp": payout.knp,
                    "lines": payout.lines,
                    "total": str(payout.total),
                    "sha256": payout.sha256,
                }
            )
        return {"period": params["period"], "files": done}


class _Hashing:
    """A write-only stream that hashes what passes through it."""

    def __init__(self, stream: BinaryIO) -> None:
        self._stream = stream
        self.digest = hashlib.sha256()

    def write(self, data: bytes) -> int:
        self.digest.update(data)
        return self._stream.write(data)


def _assemble(payout: PayoutFile) -> None:
    """Join the parts into the file, hashing as it streams; the parts go once committed.

    The file is written to a local temporary file chunk by chunk, then handed to storage,
    which reads it chunk by chunk: at no point is more than a chunk in memory.
    """

    def parts() -> Iterator[bytes]:
        for name in payout.parts:
            with default_storage.open(name, "rb") as part:
                yield from part.chunks()

    with tempfile.TemporaryFile() as spool:
        hashing = _Hashing(spool)
        payout_document_write(
            payout_file=payout,
            parts=parts(),
            total=payout.total,
            stream=hashing,  # type: ignore[arg-type]
        )
        spool.seek(0)
        name = payout_file_path(payout, f"{payout.reference}.txt")
        payout.document.name = _replace(name, File(spool, name=name))
    payout.sha256 = hashing.digest.hexdigest()
    leftovers, payout.parts = payout.parts, []
    payout.save(update_fields=["document", "sha256", "parts", "updated_at"])

    def delete_parts() -> None:
        for part in leftovers:
            default_storage.delete(part)

    transaction.on_commit(delete_parts)
