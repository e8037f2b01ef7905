import re
from collections.abc import Callable
from typing import Any

import pytest
from rest_framework.test import APIClient

from gfss.api.permissions import Scope
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def test_without_credentials_the_api_answers_401_with_the_error_body() -> None:
    response = APIClient().get("/api/v1/persons/")
    assert response.status_code in (401, 403)
    assert set(response.json()) == {"code", "message", "extra"}


def test_a_token_without_the_scope_gets_403(partner_api: Callable[..., APIClient]) -> None:
    response = partner_api(Scope.PAYMENTS).get("/api/v1/persons/")
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"


def test_a_token_with_the_scope_reads_persons(partner_api: Callable[..., APIClient]) -> None:
    person = PersonFactory()
    response = partner_api(Scope.REGISTRY_READ).get("/api/v1/persons/", {"iin": person.iin})
    assert response.status_code == 200
    assert [row["iin"] for row in response.json()["results"]] == [person.iin]


def test_a_bad_token_is_refused() -> None:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token nonsense")
    response = client.get("/api/v1/persons/")
    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"


def test_invalid_iin_filter_is_a_400_naming_the_check(
    partner_api: Callable[..., APIClient],
) -> None:
    client = partner_api(Scope.REGISTRY_READ)
    response = client.get("/api/v1/persons/", {"iin": "850712300018"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "validation_error"
    assert "check digit" in str(body["extra"])
    # the partner's language is honoured
    russian = client.get("/api/v1/persons/", {"iin": "850712300018"}, HTTP_ACCEPT_LANGUAGE="ru")
    assert "контрольного разряда" in str(russian.json()["extra"])


def test_staff_of_another_branch_does_not_see_the_person(make_staff: Callable[..., Any]) -> None:
    person = PersonFactory()  # Almaty city
    client = APIClient()
    client.force_authenticate(make_staff(region="71"))  # Astana
    assert client.get(f"/api/v1/persons/{person.iin}/").status_code == 404
    client.force_authenticate(make_staff(region="75"))
    assert client.get(f"/api/v1/persons/{person.iin}/").json()["iin"] == person.iin


def test_list_queries_do_not_grow_with_rows(
    partner_api: Callable[..., APIClient], django_assert_max_num_queries: Any
) -> None:
    client = partner_api(Scope.REGISTRY_READ)
    PersonFactory.create_batch(30)
    with django_assert_max_num_queries(6):
        response = client.get("/api/v1/persons/")
    assert response.json()["count"] == 30


def test_schema_and_docs_are_served(admin_client: Any) -> None:
    schema = admin_client.get("/api/schema/")
    assert schema.status_code == 200
    assert b"/api/v1/persons/" in schema.content
    docs = admin_client.get("/api/docs/")
    assert docs.status_code == 200
    # The docs page loads its scripts and styles from this server, never from a CDN.
    sources = re.findall(rb'(?:src|href)="([^"]+)"', docs.content)
    assert sources
    assert all(not s.startswith((b"http:", b"https:", b"//")) for s in sources), sources


def test_healthz_reports_the_database() -> None:
    response = APIClient().get("/healthz")
    assert response.status_code == 200
    assert response.json()["checks"]["database"] == "ok"
