"""Writes every app shares."""

from django.contrib.auth.models import User
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest
from django.http.request import RawPostDataException

from gfss.common.models import RejectedInput
from gfss.common.text import escape_controls

# Enough to see what was sent and why it was refused; a larger body is cut, and says so. (With
# the refused-write rate, this bounds what one caller can make the audit keep.)
BODY_LIMIT = 64 * 1024


def _body_text(request: HttpRequest) -> str:
    try:
        raw = request.body
    except (RawPostDataException, RequestDataTooBig):
        # A multipart upload was streamed to the parser (MT-102 files keep their own bytes), or
        # the body is above DATA_UPLOAD_MAX_MEMORY_SIZE: it is not read into memory to be cut.
        return f"<{request.content_type}, {request.headers.get('Content-Length', '?')} bytes>"
    text = raw[:BODY_LIMIT].decode("utf-8", errors="replace")
    return text if len(raw) <= BODY_LIMIT else f"{text}\n<cut at {BODY_LIMIT} of {len(raw)} bytes>"


def rejected_input_record(
    *, request: HttpRequest, status_code: int, code: str, message: str
) -> RejectedInput:
    # A request refused before the authentication middleware ran has no user at all.
    user = getattr(request, "user", None)
    return RejectedInput.objects.create(
        method=request.method or "",
        path=escape_controls(request.get_full_path())[:500],
        user=user if isinstance(user, User) else None,
        status_code=status_code,
        code=escape_controls(code)[:64],
        message=escape_controls(message),
        body=escape_controls(_body_text(request)),
    )
