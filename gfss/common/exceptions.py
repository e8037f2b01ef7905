"""Domain errors. The API maps them to ``{"code", "message", "extra"}``."""

from typing import Any


class ApplicationError(Exception):
    """A rule said no: answered with HTTP 400 and a specific code."""

    status_code = 400

    def __init__(self, message: str, *, code: str, extra: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.extra = extra or {}


class ConflictError(ApplicationError):
    """The state changed under the caller (already decided, a race lost): HTTP 409."""

    status_code = 409


class NotFoundError(ApplicationError):
    """The object does not exist or is not the caller's to see: HTTP 404."""

    status_code = 404
