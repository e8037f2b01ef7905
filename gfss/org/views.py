from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from gfss.org.selectors import staff_profile_get


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    profile = staff_profile_get(user=request.user)
    return render(
        request,
        "org/dashboard.html",
        {"profile": profile, "role": profile.role if profile else None},
    )
