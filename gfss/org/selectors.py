from typing import Any

from gfss.org.models import Branch, PartnerToken, StaffProfile


def partner_token_get(*, token: str) -> PartnerToken | None:
    """The stored key ``token`` is, with its partner and the partner's user; valid or not."""
    return (
        PartnerToken.objects.select_related("client__user")
        .filter(token_hash=PartnerToken.hash_token(token))
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
