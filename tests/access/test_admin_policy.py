"""The admin asks the access policy: the administrator (a staff profile, not a superuser) opens
every model's list; what it may change is its role's list; nobody else enters."""

import pytest
from django.contrib import admin
from django.test import Client

from gfss.org.models import Role

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _changelists() -> list[str]:
    return sorted(
        f"/ru/admin/{model._meta.app_label}/{model._meta.model_name}/"
        for model in admin.site._registry
    )


def test_the_administrator_opens_every_models_list(make_staff):
    administrator = make_staff(Role.ADMINISTRATOR)
    assert not administrator.is_superuser
    client = _client(administrator)
    refused = [url for url in _changelists() if client.get(url).status_code != 200]
    assert refused == []
    assert client.get("/ru/admin/").status_code == 200


def test_the_administrator_changes_only_what_its_role_lists(make_staff):
    client = _client(make_staff(Role.ADMINISTRATOR))
    # Its role adds users and parameters; no one writes the ledger by hand.
    assert client.get("/ru/admin/auth/user/add/").status_code == 200
    assert client.get("/ru/admin/legal/parameter/add/").status_code == 200
    assert client.get("/ru/admin/contributions/contributionline/add/").status_code == 403
    assert client.get("/ru/admin/org/accesslogentry/add/").status_code == 403


@pytest.mark.parametrize("role", [Role.SPECIALIST, Role.HEAD, Role.ANALYST, Role.REFUND_OFFICER])
def test_other_roles_do_not_enter_the_admin(make_staff, role):
    client = _client(make_staff(role))
    assert client.get("/ru/admin/").status_code == 302
    assert client.get("/ru/admin/participants/person/").status_code == 302


def test_a_role_group_grants_nothing_beyond_the_policy(make_staff):
    # A permission row added to a role's group by hand changes nothing: the policy answers.
    from django.contrib.auth.models import Group, Permission

    analyst = make_staff(Role.ANALYST)
    Group.objects.get(name=Role.ANALYST).permissions.add(
        Permission.objects.get(codename="change_person")
    )
    analyst.refresh_from_db()
    assert not analyst.has_perm("participants.change_person")
    assert not analyst.has_perm("participants.view_person")
