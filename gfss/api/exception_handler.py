"""Every API error has the body ``{"code", "message", "extra"}``; a refused write is kept."""

from typing import Any

from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from gfss.api.parsers import BodyTooLarge
from gfss.common.exceptions import ApplicationError


def _error(code: str, message: str, extra: dict[str, Any], http_status: int) -> Response:
    return Response({"code": code, "message": message, "extra": extra}, status=http_status)


WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
KEPT_STATUSES = frozenset({400, 409, 422})


def handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    response = _response(exc, context)
    request = context.get("request")
    if (
        response is not None
        and request is not None
        and request.method in WRITE_METHODS
        and response.status_code in KEPT_STATUSES
    ):
        from gfss.api.throttling import RefusedWriteThrottle
        from gfss.common.services import rejected_input_record

        RefusedWriteThrottle().note(request)
        rejected_input_record(
            request=request._request,
            status_code=response.status_code,
            code=str(response.data.get("code", "")),
            message=str(response.data.get("message", "")),
        )
    return response


def _response(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, ApplicationError):
        return _error(exc.code, exc.message, exc.extra, exc.status_code)
    if isinstance(exc, DjangoValidationError):
        fields = (
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
        return _error("validation_error", "; ".join(exc.messages), {"fields": fields}, 400)
    if isinstance(exc, RequestDataTooBig):
        # Django's refusal of a body above DATA_UPLOAD_MAX_MEMORY_SIZE, before it is read.
        exc = BodyTooLarge()
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()

    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        return _error(
            "validation_error",
            _("The request has invalid fields."),
            {"fields": response.data},
            status.HTTP_400_BAD_REQUEST,
        )
    detail = response.data.get("detail", "") if isinstance(response.data, dict) else ""
    code = getattr(detail, "code", None) or getattr(exc, "default_code", "error")
    response.data = {"code": code, "message": str(detail), "extra": {}}
    return response
