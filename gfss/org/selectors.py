from typing import Any

from gfss.org.models import Branch, PartnerClient, Role, StaffProfile


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


def user_is_fund_staff(*, user: Any) -> bool:
    return bool(getattr(user, "is_superuser", False)) or staff_profile_get(user=user) is not None


def user_reads_all_branches(*, user: Any) -> bool:
    """Superusers, administrators and central analysts see every branch."""
    if getattr(user, "is_superuser", False):
        return True
    profile = staff_profile_get(user=user)
    return profile is not None and profile.role in {Role.ANALYST, Role.ADMINISTRATOR}


def user_branch(*, user: Any) -> Branch | None:
    profile = staff_profile_get(user=user)
    return profile.branch if profile else None
