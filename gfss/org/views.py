from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from gfss.org import access
from gfss.org.selectors import staff_profile_get


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    profile = staff_profile_get(user=request.user)
    tiles = []
    if access.reads(request.user, access.Subject.CASE):
        from benefits.selectors import application_counters

        counters = application_counters(user=request.user, today=timezone.localdate())
        queue = reverse("benefits:queue")
        tiles = [
            {"url": queue, "value": counters["open"], "label": _("Open e-cases")},
            {"url": f"{queue}?overdue=1", "value": counters["overdue"], "label": _("Overdue")},
            {
                "url": f"{queue}?status=awaiting_confirmation",
                "value": counters["awaiting"],
                "label": _("Waiting for confirmation"),
            },
        ]
    return render(
        request,
        "org/dashboard.html",
        {"profile": profile, "role": profile.role if profile else None, "tiles": tiles},
    )
