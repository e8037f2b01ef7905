"""Signals the domain apps send so that a reader above them (the reports) can follow the data
without the apps knowing it, and so that an app can name what an app above it wrote (the
refund behind a reversal row of the ledger): the dependency runs from the reader to the
signal."""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.dispatch import Signal

# Sent once the change has committed: new contribution lines (an import), reversals of lines,
# a finished batch run (payment runs, events, settlements). Keyword ``what`` names the change.
data_changed = Signal()


@contextmanager
def data_changed_muted() -> Iterator[None]:
    """No receiver hears of the changes made inside, in this process and the processes it
    forks: a benchmark times the change alone (a reader's work on hearing of it runs on a
    worker in production, and would run inline without Redis)."""
    receivers = data_changed.receivers
    data_changed.receivers = []
    data_changed.sender_receivers_cache.clear()
    try:
        yield
    finally:
        data_changed.receivers = receivers
        data_changed.sender_receivers_cache.clear()


@dataclass(frozen=True)
class ReversalOrigin:
    """What wrote a reversal row of the ledger, as a reader of the ledger names it."""

    number: str  # the application's number, as its own page writes it
    url: str = ""  # its page, when the reader may open it


# Sent by a reader of the ledger (the statement) to learn what wrote its reversal rows, with
# keywords ``line_ids`` (the reversal rows) and ``user`` (who reads, None for a file); each
# receiver answers {line_id: ReversalOrigin} for the rows it wrote.
reversal_origins = Signal()


def reversal_origins_of(*, line_ids: list[int], user: Any) -> dict[int, ReversalOrigin]:
    if not line_ids:
        return {}
    origins: dict[int, ReversalOrigin] = {}
    for _receiver, answer in reversal_origins.send(sender=None, line_ids=line_ids, user=user):
        if isinstance(answer, dict):  # a receiver with nothing to say answers None
            origins.update(answer)
    return origins
