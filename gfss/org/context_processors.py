from typing import Any

from django.http import HttpRequest

from gfss.org.selectors import staff_profile_get


def staff(request: HttpRequest) -> dict[str, Any]:
    return {"staff_profile": staff_profile_get(user=getattr(request, "user", None))}
