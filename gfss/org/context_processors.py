from typing import Any

from django.http import HttpRequest

from gfss.org import access
from gfss.org.selectors import staff_profile_get


def staff(request: HttpRequest) -> dict[str, Any]:
    """The staff profile, and for menus and buttons what the policy lets the user read
    (``reads.case``) and do (``can.decide_case``)."""
    user = getattr(request, "user", None)
    return {
        "staff_profile": staff_profile_get(user=user),
        # A login that is no staff sees no menu and no way back to a page it cannot open.
        "fund_staff": access.is_fund_staff(user),
        "reads": {subject.value: access.reads(user, subject) for subject in access.Subject},
        "can": {action.value: access.may(user, action) for action in access.Action},
    }
