"""Reference data every installation has: regions, branches, role groups; staff and partners."""

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from gfss.common.exceptions import ApplicationError
from gfss.common.http import client_address
from gfss.org import access
from gfss.org.access import Scope
from gfss.org.actors import StaffUser
from gfss.org.models import (
    AccessedData,
    AccessLogEntry,
    Branch,
    PartnerClient,
    PartnerToken,
    Region,
    Role,
    StaffProfile,
)
from gfss.org.regions import ABAI_ULYTAU_ZHETYSU_FORMED, CENTRAL_OFFICE, REGIONS, branch_names
from gfss.org.roles import ROLE_PERMISSIONS


@transaction.atomic
def regions_and_branches_setup() -> None:
    for data in REGIONS:
        region, _created = Region.objects.update_or_create(
            code=data["code"],
            defaults={
                "name_kk": data["kk"],
                "name_ru": data["ru"],
                "name_en": data["en"],
                "is_city": bool(data.get("city")),
                "valid_from": ABAI_ULYTAU_ZHETYSU_FORMED if data.get("new") else None,
                "population_share": Decimal(str(data["share"])),
            },
        )
        Branch.objects.update_or_create(
            code=f"B{region.code}", defaults={"region": region, **branch_names(data)}
        )
    Branch.objects.update_or_create(
        code=CENTRAL_OFFICE["code"],
        defaults={
            "region": None,
            "name_kk": CENTRAL_OFFICE["kk"],
            "name_ru": CENTRAL_OFFICE["ru"],
            "name_en": CENTRAL_OFFICE["en"],
        },
    )


@transaction.atomic
def role_groups_setup() -> None:
    # Permissions of apps migrated after this one may not exist yet: create them all first.
    for app_config in apps.get_app_configs():
        create_permissions(app_config, verbosity=0)
    for role, names in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=role)
        permissions = []
        for name in names:
            app_label, codename = name.split(".")
            permissions.append(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )
        group.permissions.set(permissions)


@transaction.atomic
def staff_user_create(
    *, username: str, password: str | None, branch: Branch, role: str, **user_fields: Any
) -> StaffUser:
    """A staff login with its role in its branch; ``password=None`` leaves it without a usable
    password until one is set."""
    if role not in Role.values:
        raise ApplicationError(
            _("Unknown role %(role)s.") % {"role": repr(role)}, code="role_unknown"
        )
    if role in {Role.ANALYST, Role.REFUND_OFFICER} and not branch.is_central:
        raise ApplicationError(
            _("Central analysts and refund officers belong to the central office."),
            code="role_branch_mismatch",
        )
    user_model = get_user_model()
    user = user_model.objects.create_user(
        username=username,
        password=password,
        is_staff=role == Role.ADMINISTRATOR,
        **user_fields,
    )
    StaffProfile.objects.create(user=user, branch=branch, role=role)
    user.groups.add(Group.objects.get(name=role))
    return user


@dataclass(frozen=True)
class IssuedToken:
    client: PartnerClient
    token: str  # shown once; only its hash is stored
    expires_at: datetime


def _token_issue(client: PartnerClient) -> IssuedToken:
    token = secrets.token_urlsafe(32)
    expires_at = timezone.now() + settings.PARTNER_TOKEN_LIFETIME
    PartnerToken.objects.create(
        client=client, token_hash=PartnerToken.hash_token(token), expires_at=expires_at
    )
    return IssuedToken(client=client, token=token, expires_at=expires_at)


def _partner_get(name: str) -> PartnerClient:
    client = PartnerClient.objects.select_for_update(no_key=True).filter(name=name).first()
    if client is None:
        raise ApplicationError(
            _("No partner system is named %(name)s.") % {"name": repr(name)}, code="partner_unknown"
        )
    return client


@transaction.atomic
def partner_client_create(*, name: str, scopes: list[str]) -> IssuedToken:
    unknown = sorted(set(scopes) - {scope.value for scope in Scope})
    if unknown:
        raise ApplicationError(
            _("Unknown scopes: %(scopes)s.") % {"scopes": ", ".join(unknown)},
            code="scope_unknown",
            extra={"scopes": unknown},
        )
    try:
        with transaction.atomic():
            user = get_user_model().objects.create_user(username=f"partner:{name}"[:150])
            client = PartnerClient.objects.create(name=name, user=user, scopes=sorted(scopes))
    except IntegrityError as error:
        raise ApplicationError(
            _(
                "A partner system named %(name)s already exists: rotate its token with partner_token_rotate."
            )
            % {"name": repr(name)},
            code="partner_exists",
        ) from error
    user.set_unusable_password()
    user.save(update_fields=["password"])
    return _token_issue(client)


@transaction.atomic
def partner_token_rotate(*, name: str) -> IssuedToken:
    """A new key for the partner; its keys still valid stop working after the grace period."""
    client = _partner_get(name)
    now = timezone.now()
    grace_end = now + settings.PARTNER_TOKEN_GRACE
    PartnerToken.objects.filter(
        client=client, revoked_at__isnull=True, expires_at__gt=grace_end
    ).update(expires_at=grace_end, updated_at=now)
    return _token_issue(client)


@transaction.atomic
def partner_token_revoke(*, name: str) -> int:
    """Every key of the partner stops working now; returns how many were still valid."""
    client = _partner_get(name)
    now = timezone.now()
    return PartnerToken.objects.filter(
        client=client, revoked_at__isnull=True, expires_at__gt=now
    ).update(revoked_at=now, updated_at=now)


# Last use is kept to the minute: a partner's every request does not write.
LAST_USE_RESOLUTION = timedelta(minutes=1)


def partner_token_used(*, token: PartnerToken) -> None:
    now = timezone.now()
    if token.last_used_at is not None and token.last_used_at > now - LAST_USE_RESOLUTION:
        return
    PartnerToken.objects.filter(pk=token.pk).update(last_used_at=now)
    token.last_used_at = now


def access_log_record(
    *, request: HttpRequest, subject: AccessedData, iin: str, reference: str | UUID = ""
) -> AccessLogEntry | None:
    """Writes that a staff user was shown ``subject`` of the person ``iin`` (partners' reads
    are not logged here: each partner answers for its own)."""
    caller = access.caller_of(request.user)
    if not caller.is_staff or caller.user_id is None:
        return None
    return AccessLogEntry.objects.create(
        user_id=caller.user_id,
        branch_id=caller.branch_id,
        subject=subject,
        iin=iin,
        reference=str(reference),
        path=request.path[:500],
        address=client_address(request) or None,
    )
