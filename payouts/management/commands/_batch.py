"""What the operator commands share: wait for a batch run and print what it did."""

import time
from typing import Any

from django.core.management.base import CommandError, OutputWrapper

from gfss.common.exceptions import ApplicationError
from gfss.jobs.models import BatchRun

POLL_SECONDS = 1.0


def refusal(error: ApplicationError) -> CommandError:
    """A refusal ends the command non-zero with its code and message."""
    return CommandError(f"{error.code}: {error.message}")


def wait(run: BatchRun, *, out: OutputWrapper, timeout: float) -> BatchRun:
    """Wait for the run to stop: at once without Redis (the tasks ran inline), else polling
    the row that a worker advances.
    """
    deadline = time.monotonic() + timeout
    run.refresh_from_db()
    shown = -1
    while run.is_active:
        if run.done != shown:
            out.write(f"  … {run.get_status_display()} {run.done} / {run.total}")
            shown = run.done
        if time.monotonic() >= deadline:
            raise CommandError(
                f"batch_run_timeout: batch run #{run.pk} is still {run.status} after "
                f"{timeout:.0f} s; it goes on in the worker (see /jobs/{run.pk}/)."
            )
        time.sleep(POLL_SECONDS)
        run.refresh_from_db()
    return run


def report(run: BatchRun, *, out: OutputWrapper) -> None:
    """The run's counters and every figure of its result; non-zero exit unless it is done."""
    out.write(
        f"batch run #{run.pk} {run.kind}: {run.status} · looked at {run.done} of {run.total}"
        f" · changed {run.changed} · skipped {run.skipped} · errors {run.errors}"
    )
    for name, value in run.result.items():
        out.write(f"  {name}: {_text(value)}")
    if run.status != BatchRun.Status.DONE:
        raise CommandError(f"batch_run_{run.status}: {run.error_report or run.status}")


def _text(value: Any) -> str:
    if isinstance(value, list):
        return "".join(f"\n    {_text(item)}" for item in value) or "—"
    if isinstance(value, dict):
        return " · ".join(f"{key} {_text(item)}" for key, item in value.items())
    return str(value)
