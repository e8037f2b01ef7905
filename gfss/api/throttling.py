"""API rates: per partner, per staff user, bad tokens per address, refused writes per caller.

Each rate is read from ``settings.API_THROTTLE_RATES`` (``"600/min"``; ``None``: no limit) when
the throttle is made, that is for every request, so a deployment or a test sets it there. The
history of each key is kept in the default cache (Redis in production: shared by every worker).
"""

import math
from typing import Any

from django.conf import settings
from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle

from gfss.common.http import client_address
from gfss.org.models import PartnerClient

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class _SettingsRate(SimpleRateThrottle):
    scope: str
    # Set from the rate by SimpleRateThrottle (None: no limit, and then never read).
    num_requests: int
    duration: int

    def get_rate(self) -> str | None:
        return settings.API_THROTTLE_RATES.get(self.scope)

    def get_ident(self, request: Request) -> str:
        return client_address(request)

    def _key(self, ident: object) -> str:
        return self.cache_format % {"scope": self.scope, "ident": ident}

    def wait(self) -> float:
        # Until enough of the history has aged out for one more request (at least a second).
        over = len(self.history) - self.num_requests
        oldest_blocking = self.history[-1 - max(over, 0)] if self.history else self.now
        return max(1.0, math.ceil(self.duration - (self.now - oldest_blocking)))


def _partner(request: Request) -> PartnerClient | None:
    return request.auth if isinstance(request.auth, PartnerClient) else None


class PartnerThrottle(_SettingsRate):
    """Requests per partner system (its tokens share one rate)."""

    scope = "partner"

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        partner = _partner(request)
        return None if partner is None else self._key(partner.pk)


class StaffThrottle(_SettingsRate):
    """Requests per staff user on a session."""

    scope = "staff"

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        if _partner(request) is not None or not request.user.is_authenticated:
            return None
        return self._key(request.user.pk)


class _Counted(_SettingsRate):
    """A throttle that counts only what it is told (``note``), and refuses once that is over
    the rate; a request it lets through adds nothing."""

    def throttle_success(self) -> bool:
        return True

    def note(self, request: Request) -> None:
        if self.rate is None:
            return
        key = self.get_cache_key(request, None)  # type: ignore[arg-type]  # each one here takes no view
        if key is None:
            return
        now = self.timer()
        history = [t for t in self.cache.get(key, []) if t > now - self.duration]
        self.cache.set(key, [now, *history], self.duration)


class BadTokenThrottle(_Counted):
    """Refused tokens per client address: past the rate, the address is refused before its
    token is even looked at, so guessing costs the guesser time."""

    scope = "bad_token"

    def get_cache_key(self, request: Request, view: Any = None) -> str | None:
        return self._key(self.get_ident(request))


class RefusedWriteThrottle(_Counted):
    """Refused writes per caller (each is kept for audit): past the rate, its writes are
    answered 429 and nothing more is kept."""

    scope = "refused_write"

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        if request.method not in WRITE_METHODS:
            return None
        partner = _partner(request)
        if partner is not None:
            return self._key(f"partner-{partner.pk}")
        if request.user.is_authenticated:
            return self._key(f"user-{request.user.pk}")
        return self._key(f"address-{self.get_ident(request)}")
