from django.contrib.auth.models import User
from django.db.models import QuerySet

from gfss.org import access
from gfss.org.actors import Reader
from gfss.org.models import AccessLogEntry, Branch, PartnerToken, StaffProfile


def partner_token_get(*, token: str) -> PartnerToken | None:
    """The stored key ``token`` is, with its partner and the partner's user; valid or not."""
    return (
        PartnerToken.objects.select_related("client__user")
        .filter(token_hash=PartnerToken.hash_token(token))
        .first()
    )


def staff_profile_get(*, user: Reader) -> StaffProfile | None:
    if not isinstance(user, User):
        return None
    try:
        return user.staff_profile
    except StaffProfile.DoesNotExist:
        return None


def user_branch(*, user: Reader) -> Branch | None:
    profile = staff_profile_get(user=user)
    return profile.branch if profile else None


def access_log_list_for_user(*, user: Reader) -> QuerySet[AccessLogEntry]:
    """The access log as far as ``user`` reads it: a branch head its branch's, the
    administrator all of it."""
    entries = AccessLogEntry.objects.select_related("user", "branch").order_by("-created_at", "-id")
    return access.reach(user, access.Subject.ACCESS_LOG).apply(entries, branch="branch_id")
