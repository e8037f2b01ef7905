"""Shared pieces of the OpenAPI description."""

from typing import Any

from drf_spectacular.openapi import AutoSchema
from rest_framework import serializers

from gfss.org.access import Callers


class ErrorSerializer(serializers.Serializer):
    """The body of every error answer."""

    code = serializers.CharField(help_text="A stable, specific error code.")
    message = serializers.CharField(help_text="What went wrong, for a person.")
    extra = serializers.DictField(help_text="Details: the fields, values or limits involved.")


ERRORS = {400: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer, 409: ErrorSerializer}


# What any operation may answer besides its own responses: the caller is not authenticated,
# its role or token does not allow it, it was throttled, or the server failed; with a path
# parameter the object may not exist (or not be the caller's), with input it may be invalid.
_ALWAYS = {
    # Any URL: a control character in its path or query string is refused before the view.
    "400": "The input is invalid (a control character anywhere in the request included).",
    "401": "Not authenticated: no session and no valid partner token.",
    "403": "The role or the token's scopes do not allow this.",
    "429": "Too many requests: retry after the seconds in Retry-After.",
    "500": "The server failed; the answer is still an error body.",
}
_WITH_PATH_PARAMETER = {"404": "No such object, or not one the caller may see."}
_WITH_BODY = {"413": "The body is larger than the limit."}


def error_responses_hook(result: dict, generator: object, request: object, public: bool) -> dict:
    """drf-spectacular postprocessing: every operation documents the error answers it can give,
    each with the one error body."""
    error = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    # The same shape as ErrorSerializer, for a schema where no view named it.
    result.setdefault("components", {}).setdefault("schemas", {}).setdefault(
        "Error",
        {
            "type": "object",
            "properties": {
                "code": {"type": "string", "description": "A stable, specific error code."},
                "message": {"type": "string", "description": "What went wrong, for a person."},
                "extra": {"type": "object", "additionalProperties": {}},
            },
            "required": ["code", "message", "extra"],
        },
    )
    for path_item in result.get("paths", {}).values():
        for operation in path_item.values():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            parameters = operation.get("parameters", [])
            extra = dict(_ALWAYS)
            if any(p.get("in") == "path" for p in parameters):
                extra.update(_WITH_PATH_PARAMETER)
            if "requestBody" in operation:
                extra.update(_WITH_BODY)
            responses = operation["responses"]
            for status_code, description in extra.items():
                responses.setdefault(status_code, {"description": description, "content": error})
    return result


class FundAutoSchema(AutoSchema):
    """Each operation names the partner scopes that may call it (``x-scopes``), as the access
    policy answers; a token without one of them gets a 403."""

    def get_operation(self, *args: Any, **kwargs: Any) -> dict[str, Any] | None:
        operation = super().get_operation(*args, **kwargs)
        if operation is None:
            return None
        checks: list[Callers] = [
            callers
            for p in self.view.get_permissions()
            if isinstance(callers := getattr(p, "callers", None), Callers)
        ]
        if checks:
            operation["x-scopes"] = sorted(set.intersection(*(set(c.scopes) for c in checks)))
        return operation
