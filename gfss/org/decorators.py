"""Staff pages ask the access policy through these: a login first, then 403 unless the caller
is staff whose role reads the subject (or may take the action) somewhere. A login that is no
staff (no staff profile) gets the 403 page on every staff page, the home page included."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from gfss.org import access

View = Callable[..., HttpResponse]


def _requires(allowed: Callable[[Any], bool]) -> Callable[[View], View]:
    def decorator(view: View) -> View:
        @login_required
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not (access.is_fund_staff(request.user) and allowed(request.user)):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def reads_required(*subjects: access.Subject) -> Callable[[View], View]:
    return _requires(lambda user: all(access.reads(user, subject) for subject in subjects))


def may_required(action: access.Action) -> Callable[[View], View]:
    return _requires(lambda user: access.may(user, action))


def staff_required(view: View) -> View:
    """Any staff role: the pages every role opens (the home page)."""
    return _requires(lambda user: True)(view)
