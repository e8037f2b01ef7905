"""Reports and exports read from a replica when ``DATABASE_REPLICA_URL`` is set.

Only what is marked reads there: a view decorated with ``replica_reads`` (the report pages, their
exports, the report API). Everything else, and every write anywhere, goes to ``default``: a
replica lags behind by a moment, which a report can live with and a decision cannot. Without a
replica (SQLite, a single server) everything reads ``default``.
"""

import functools
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connections
from django.http import StreamingHttpResponse

REPLICA = "replica"
_state = threading.local()


def replica_configured() -> bool:
    return REPLICA in connections.settings


@contextmanager
def replica_reading() -> Iterator[None]:
    before = getattr(_state, "on", False)
    _state.on = True
    try:
        yield
    finally:
        _state.on = before


def _streamed_on_replica(content: Any) -> Iterator[Any]:
    with replica_reading():
        yield from content


def replica_reads(view: Callable[..., Any]) -> Callable[..., Any]:
    """The view's reads (and a streamed body's, as it is sent) go to the replica."""

    @functools.wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        with replica_reading():
            response = view(*args, **kwargs)
        if isinstance(response, StreamingHttpResponse):
            response.streaming_content = _streamed_on_replica(response.streaming_content)
        return response

    return wrapped


class ReplicaRouter:
    def db_for_read(self, model: Any, **hints: Any) -> str | None:
        if getattr(_state, "on", False) and replica_configured():
            return REPLICA
        return None

    def db_for_write(self, model: Any, **hints: Any) -> str:
        return "default"

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        return True  # the replica is a copy of the same database

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        # The replica gets its schema from the primary; other aliases as Django decides.
        return False if db == REPLICA else None
