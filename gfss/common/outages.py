"""What the web does when the database connection drops or Redis stops.

The database is the system of record: a request whose connection dies is answered 503 with a
``Retry-After`` (its transaction rolled back, so retrying is safe and does the work once).
Redis only carries the cache and the task queue: without it the pages and the API keep
working on a cache local to each process, and a task that cannot be sent is either kept in the
database (batch runs: ``gfss.jobs.services.batchrun_outbox_send`` sends it when Redis is back)
or left to its nightly schedule.
"""

import logging
from collections.abc import Callable
from typing import Any

from django.db import InterfaceError, OperationalError
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

# A dropped or refused connection (psycopg's AdminShutdown, a server restart, a network cut):
# the transaction in progress is gone, nothing of it was committed.
DATABASE_ERRORS: tuple[type[Exception], ...] = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 5


def database_unavailable_message() -> str:
    return _(
        "The connection to the database was lost; nothing of this request was saved. "
        "Try again in a few seconds."
    )


def _broker_errors() -> tuple[type[BaseException], ...]:
    from kombu.exceptions import OperationalError as KombuOperationalError
    from redis.exceptions import RedisError

    return (KombuOperationalError, RedisError, ConnectionError, TimeoutError)


def broker_send(send: Callable[[], Any], *, what: str) -> bool:
    """Send a task; False (and a warning) when the broker cannot be reached."""
    try:
        send()
    except _broker_errors() as error:
        logger.warning("task queue unavailable, %s not sent: %s", what, type(error).__name__)
        return False
    return True
