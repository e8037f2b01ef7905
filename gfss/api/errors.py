"""Answers Django gives before or after DRF (an unknown path, a path segment that is no UUID,
a body too large, a crash): under ``/api/`` they are JSON in the one error shape."""

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views import defaults

API_PREFIX = "/api/"


def is_api(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIX)


def json_error(
    code: str, message: str, status: int, extra: dict[str, Any] | None = None
) -> JsonResponse:
    return JsonResponse({"code": code, "message": message, "extra": extra or {}}, status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if is_api(request):
        # Django's own refusals: a body above DATA_UPLOAD_MAX_MEMORY_SIZE, too many fields.
        return json_error("bad_request", _("The request cannot be read."), 400)
    return defaults.bad_request(request, exception or Exception())


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if is_api(request):
        return json_error(
            "permission_denied", _("Your role or token does not give access to this."), 403
        )
    return defaults.permission_denied(request, exception or Exception())


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if is_api(request):
        return json_error("not_found", _("There is nothing at this address."), 404)
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    if is_api(request):
        return json_error(
            "server_error", _("The server failed to answer; the fund has been told."), 500
        )
    return defaults.server_error(request)
