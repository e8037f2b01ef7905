"""Refusals every request gets before any view runs, and headers Django does not set."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.utils.translation import gettext as _

from gfss.api.errors import is_api, json_error
from gfss.common.services import rejected_input_record
from gfss.common.text import has_control_character

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
