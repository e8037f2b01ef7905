"""Staff pages of the organisation itself: the access log, and the login page when it refuses."""

from typing import Any

from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import urlencode

from gfss.org.access import Subject
from gfss.org.decorators import reads_required
from gfss.org.models import AccessedData
from gfss.org.selectors import access_log_list_for_user

PAGE_SIZE = 50
IIN_LENGTH = 12


@reads_required(Subject.ACCESS_LOG)
def access_log(request: HttpRequest) -> HttpResponse:
    """Who saw which person's data, newest first; by IIN, by user, by what was seen. Reading
    it is not logged and writes nothing."""
    entries = access_log_list_for_user(user=request.user)
    filters = {
        "iin": request.GET.get("iin", "").strip()[:IIN_LENGTH],
        "user": request.GET.get("user", "").strip()[:150],
        "subject": request.GET.get("subject", ""),
    }
    if filters["iin"]:
        entries = entries.filter(iin=filters["iin"])
    if filters["user"]:
        entries = entries.filter(user__username=filters["user"])
    if filters["subject"] in AccessedData.values:
        entries = entries.filter(subject=filters["subject"])
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "org/access_log.html",
        {
            "page": page,
            "filters": filters,
            "subjects": AccessedData.choices,
            "query": urlencode({key: value for key, value in filters.items() if value}),
        },
    )


def login_locked_out(
    request: HttpRequest, original_response: Any = None, credentials: Any = None
) -> HttpResponse:
    """The login page again, saying why it refuses: too many failures for this username from
    this address (django-axes calls this in place of the view's answer)."""
    seconds = int(settings.AXES_COOLOFF_TIME.total_seconds())
    response = render(
        request,
        "registration/login.html",
        {"form": AuthenticationForm(request), "locked_out": True, "lockout_minutes": seconds // 60},
        status=429,
    )
    response["Retry-After"] = str(seconds)
    return response
