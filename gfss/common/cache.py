"""Redis as the shared cache, and a cache of the process's own while Redis is unreachable.

The cache holds nothing that is not also in the database or cheap to lose (the API's rate
counters, the flag that a summaries' rebuild is queued): when Redis stops, each process keeps
counting in its own memory (the limits then hold per process, not across them) and asks Redis
again after ``RETRY_SECONDS``. A request never fails because of the cache.
"""

import logging
import time
from typing import Any

from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

RETRY_SECONDS = 5.0
_OPERATIONS = (
    "add",
    "get",
    "set",
    "touch",
    "delete",
    "get_many",
    "has_key",
    "incr",
    "set_many",
    "delete_many",
    "clear",
)


class FallbackRedisCache(RedisCache):
    def __init__(self, server: Any, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._local = LocMemCache(f"fallback-{id(self)}", {"TIMEOUT": params.get("TIMEOUT")})
        self._down_until = 0.0

    @property
    def degraded(self) -> bool:
        return time.monotonic() < self._down_until

    def _call(self, name: str, *args: Any, **kwargs: Any) -> Any:
        if not self.degraded:
            try:
                return getattr(super(), name)(*args, **kwargs)
            except RedisError as error:
                logger.warning(
                    "cache: Redis unreachable (%s), local cache for %ss",
                    type(error).__name__,
                    RETRY_SECONDS,
                )
                self._down_until = time.monotonic() + RETRY_SECONDS
        return getattr(self._local, name)(*args, **kwargs)


def _delegate(name: str) -> Any:
    def method(self: FallbackRedisCache, *args: Any, **kwargs: Any) -> Any:
        return self._call(name, *args, **kwargs)

    method.__name__ = name
    return method


for _name in _OPERATIONS:
    setattr(FallbackRedisCache, _name, _delegate(_name))
