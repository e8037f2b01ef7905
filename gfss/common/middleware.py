"""Refusals every request gets before any view runs, and headers Django does not set."""

import logging
from collections.abc import Callable

from django.conf import settings
from django.db import connections
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from gfss.api.errors import is_api, json_error
from gfss.common.outages import (
    DATABASE_ERRORS,
    RETRY_AFTER_SECONDS,
    database_unavailable_message,
)
from gfss.common.services import rejected_input_record
from gfss.common.text import has_control_character

logger = logging.getLogger(__name__)

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class ControlCharacterMiddleware:
    """A control character in the path or the query is never a name, a number or a date:
    refused with 400 (a NUL would also fail on PostgreSQL), a write kept for audit."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        query = [text for key, values in request.GET.lists() for text in (key, *values)]
        if not any(has_control_character(text) for text in (request.path, *query)):
            return self.get_response(request)
        message = _("The address holds a control character.")
        if request.method in WRITE_METHODS:
            rejected_input_record(
                request=request, status_code=400, code="control_character", message=message
            )
        if is_api(request):
            return json_error("control_character", message, 400)
        return HttpResponseBadRequest(message)


class PermissionsPolicyMiddleware:
    """Sends ``settings.PERMISSIONS_POLICY``: the browser features no page of ours uses are
    turned off for it and for anything it embeds."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.header = ", ".join(
            f"{feature}=({' '.join(origins)})"
            for feature, origins in settings.PERMISSIONS_POLICY.items()
        )

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", self.header)
        return response


class DatabaseUnavailableMiddleware:
    """A request whose database connection dropped is answered 503 with ``Retry-After``, in
    the user's language (JSON under /api/), never a 500: its transaction was rolled back, so
    the same request sent again does the work once. The broken connection is closed here so
    that the next request of this worker opens a new one."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, DATABASE_ERRORS):
            return None
        logger.warning(
            "database unavailable, answered 503: %s %s (%s)",
            request.method,
            request.path,
            type(exception).__name__,
        )
        for connection in connections.all(initialized_only=True):
            if not connection.in_atomic_block:
                connection.close()
        message = database_unavailable_message()
        if is_api(request):
            response: HttpResponse = json_error("database_unavailable", message, 503)
        else:
            # No base template: it would ask the database for the user and the menu.
            response = HttpResponse(
                render_to_string("503.html", {"message": message}, request=None), status=503
            )
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
