from typing import Any

from gfss.org.models import Branch, PartnerClient, StaffProfile


def partner_client_get_by_token(*, token: str) -> PartnerClient | None:
    return (
        PartnerClient.objects.select_related("user")
        .filter(token_hash=PartnerClient.hash_token(token), is_active=True)
        .first()
    )


def staff_profile_get(*, user: Any) -> StaffProfile | None:
    if not getattr(user, "is_authenticated", False):
        return None
    try:
        return user.staff_profile
    except StaffProfile.DoesNotExist:
        return None


def user_branch(*, user: Any) -> Branch | None:
    profile = staff_profile_get(user=user)
    return profile.branch if profile else None
