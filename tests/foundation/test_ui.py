from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from gfss.org.models import Branch, Region, Role
from gfss.org.regions import REGIONS

pytestmark = pytest.mark.django_db


def test_twenty_regions_each_with_a_branch_and_a_central_office() -> None:
    assert Region.objects.count() == 20
    assert Branch.objects.filter(region__isnull=False).count() == 20
    assert Branch.objects.get(code="HQ").is_central
    assert {"Abai Region", "Ulytau Region", "Zhetysu Region"} <= set(
        Region.objects.values_list("name_en", flat=True)
    )
    assert sum(float(r["share"]) for r in REGIONS) == pytest.approx(1.0)


def test_login_page_in_three_languages(client: Client) -> None:
    assert "Кіру".encode() in client.get("/kk/login/").content
    assert "Войти".encode() in client.get("/ru/login/").content
    assert b"Log in" in client.get("/en/login/").content


def test_dashboard_needs_login_then_shows_role_and_branch(
    client: Client, make_staff: Callable[..., Any]
) -> None:
    assert client.get("/en/").status_code == 302
    user = make_staff(Role.HEAD, region="71")
    client.force_login(user)
    page = client.get("/en/").content.decode()
    assert "Branch head" in page
    assert "Astana" in page


def test_language_switcher_sets_the_language(client: Client) -> None:
    # the switcher posts the current path without its language prefix
    response = client.post("/i18n/setlang/", {"language": "kk", "next": "/login/"}, follow=True)
    assert response.redirect_chain[-1][0] == "/kk/login/"
    assert response.status_code == 200
