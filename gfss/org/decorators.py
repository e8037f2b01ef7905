"""Staff pages ask the access policy through these: a login first, then 403 unless the caller
is staff whose role reads the subject (or may take the action) somewhere. A login that is no
staff (no staff profile) gets the 403 page on every staff page, the home page included."""

from collections.abc import Callable
from functools import wraps
from typing import Concatenate, ParamSpec, TypeVar

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.http.response import HttpResponseBase

from gfss.org import access
from gfss.org.actors import Reader

P = ParamSpec("P")
R = TypeVar("R", bound=HttpResponseBase)  # a page, a file download or a streamed export
View = Callable[Concatenate[HttpRequest, P], R]


def _requires(allowed: Callable[[Reader], bool]) -> Callable[[View[P, R]], View[P, R]]:
    def decorator(view: View[P, R]) -> View[P, R]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: P.args, **kwargs: P.kwargs) -> R:
            if not (access.is_fund_staff(request.user) and allowed(request.user)):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return login_required(wrapped)

    return decorator


def reads_required(*subjects: access.Subject) -> Callable[[View[P, R]], View[P, R]]:
    return _requires(lambda user: all(access.reads(user, subject) for subject in subjects))


def may_required(action: access.Action) -> Callable[[View[P, R]], View[P, R]]:
    return _requires(lambda user: access.may(user, action))


def staff_required(view: View[P, R]) -> View[P, R]:
    """Any staff role: the pages every role opens (the home page)."""
    return _requires(lambda user: True)(view)
