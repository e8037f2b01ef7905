"""The API's JSON parser: a body is at most 1 MB, nested at most 32 deep, and holds no control
character, so that no request can exhaust memory or the stack, or store an invisible byte."""

import io
from typing import Any

from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.parsers import JSONParser

from gfss.common.text import has_control_character

MAX_JSON_BYTES = 1_000_000
MAX_DEPTH = 32


class BodyTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "body_too_large"

    def __init__(self) -> None:
        super().__init__(
            _("The body is larger than %(limit)s bytes.") % {"limit": f"{MAX_JSON_BYTES:,}"}
        )


class ControlCharacter(exceptions.ParseError):
    default_code = "control_character"


class LimitedJSONParser(JSONParser):
    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        data = stream.read(MAX_JSON_BYTES + 1) if stream is not None else b""
        if len(data) > MAX_JSON_BYTES:
            raise BodyTooLarge
        try:
            value = super().parse(io.BytesIO(data), media_type, parser_context)
        except RecursionError:
            raise exceptions.ParseError(_too_deep()) from None
        if not _within_depth(value):
            raise exceptions.ParseError(_too_deep())
        return value


def _too_deep() -> str:
    return _("The JSON is nested deeper than %(depth)s levels.") % {"depth": MAX_DEPTH}


def _within_depth(value: Any) -> bool:
    """Whether ``value`` nests at most ``MAX_DEPTH`` deep and no string holds a control
    character (``ControlCharacter`` then); walked without recursion."""
    pending = [(value, 1)]
    while pending:
        item, depth = pending.pop()
        if isinstance(item, str):
            if has_control_character(item):
                raise ControlCharacter(_("The body holds a control character."))
            continue
        if not isinstance(item, dict | list):
            continue
        if depth > MAX_DEPTH:
            return False
        children = [*item.keys(), *item.values()] if isinstance(item, dict) else item
        pending.extend((child, depth + 1) for child in children)
    return True
