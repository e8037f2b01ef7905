"""Under /api/ every answer is JSON in the one error shape, in the caller's language, and the
schema says so for each operation."""

import re
from collections.abc import Iterator

import pytest
from django.test import Client
from django.urls import URLResolver, get_resolver, path
from rest_framework.test import APIClient

from gfss import urls as root_urls
from gfss.org.access import Scope
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def _shape(response) -> dict:
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"code", "message", "extra"}, body
    return body


@pytest.mark.parametrize(
    ("method", "url", "status", "code"),
    [
        ("get", "/api/v1/nowhere/", 404, "not_found"),
        ("get", "/api/v1/applications/not-a-uuid/", 404, "not_found"),
        ("get", "/api/v1/awards/123/", 404, "not_found"),
        ("delete", "/api/v1/persons/", 405, "method_not_allowed"),
        ("get", "/api/v1/persons/", 401, "not_authenticated"),
    ],
)
def test_every_refusal_under_api_is_json(partner_api, method, url, status, code):
    client = APIClient() if status == 401 else partner_api(Scope.REGISTRY_READ)
    response = getattr(client, method)(url)
    assert response.status_code == status
    assert _shape(response)["code"] == code


def _routes(patterns: list, prefix: str = "") -> Iterator[str]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, prefix + str(pattern.pattern))
        else:
            yield prefix + str(pattern.pattern)


# Every API route with an id in its path, the id replaced by a segment that is none.
ID_ROUTES = sorted(
    re.sub(r"<(uuid|int):\w+>", "not-an-id", route)
    for route in set(_routes(get_resolver().url_patterns))
    if route.startswith("api/v1/") and re.search(r"<(uuid|int):", route)
)


def test_the_id_routes_are_found():
    assert len(ID_ROUTES) >= 13


@pytest.mark.parametrize("url", ID_ROUTES)
def test_a_path_segment_that_is_no_id_is_a_json_404(partner_api, url):
    # the review: Django's HTML 404 on 13 operations; now the API's own answer
    client = partner_api(Scope.REGISTRY_READ, Scope.APPLICATIONS)
    for method in ("get", "post"):
        response = getattr(client, method)(f"/{url}")
        assert response.status_code == 404, (method, url)
        assert _shape(response)["code"] == "not_found"


def test_a_crash_under_api_is_json(settings, partner_api):
    settings.ROOT_URLCONF = __name__
    client = Client(raise_request_exception=False)
    response = client.get("/api/v1/crash")
    assert response.status_code == 500
    assert _shape(response)["code"] == "server_error"
    # a staff page's crash stays a page
    assert (
        not Client(raise_request_exception=False)
        .get("/page-crash")["Content-Type"]
        .startswith("application/json")
    )


def _crash(request):
    raise RuntimeError("boom")


urlpatterns = [
    path("api/v1/crash", _crash),
    path("page-crash", _crash),
    *root_urls.urlpatterns,
]
handler500 = root_urls.handler500


@pytest.mark.parametrize(
    ("language", "not_authenticated", "not_found"),
    [
        ("en", "Authentication credentials were not provided.", "No person with IIN"),
        ("ru", "Учетные данные не были предоставлены.", "Нет человека с ИИН"),
        ("kk", None, "ЖСН"),
        (None, "Учетные данные не были предоставлены.", "Нет человека с ИИН"),  # ru by default
    ],
)
def test_messages_come_in_the_callers_language(partner_api, language, not_authenticated, not_found):
    headers = {"HTTP_ACCEPT_LANGUAGE": language} if language else {}
    anonymous = APIClient().get("/api/v1/persons/", **headers)
    if not_authenticated:
        assert _shape(anonymous)["message"] == not_authenticated
    missing = partner_api(Scope.REGISTRY_READ).get("/api/v1/persons/850712300017/", **headers)
    assert not_found in _shape(missing)["message"]


def test_a_validation_error_speaks_one_language(partner_api):
    response = partner_api(Scope.CALCULATE).post(
        "/api/v1/benefits/calculate",
        {"benefit": "job_loss", "right_date": "0001-01-01"},
        format="json",
        HTTP_ACCEPT_LANGUAGE="ru",
    )
    body = _shape(response)
    assert body["message"] == "Запрос содержит неверные поля."
    assert "Введите дату" in str(body["extra"]["fields"]["right_date"])


def test_the_schema_documents_the_errors_and_the_months(admin_client):
    PersonFactory()
    schema = admin_client.get("/api/schema/?format=json").json()
    for url, item in schema["paths"].items():
        for method, operation in item.items():
            responses = operation["responses"]
            assert {"401", "403", "429", "500"} <= set(responses), (method, url)
            if "{" in url:
                assert "404" in responses, (method, url)
            if "requestBody" in operation:
                assert {"400", "413"} <= set(responses), (method, url)
    components = schema["components"]["schemas"]
    statement = components["StatementOutput"]["properties"]
    assert statement["period_from"]["pattern"] == statement["period_to"]["pattern"]
    assert statement["period_from"]["type"] == "string"
    assert "format" not in statement["period_from"]
    month = components["StatementMonth"]["properties"]["period"]
    assert "format" not in month
    # and the document detail's months, which hold "2026-01" too
    summary = components["PeriodSummary"]["properties"]["period"]
    assert (summary["type"], summary["pattern"]) == ("string", statement["period_from"]["pattern"])
    assert "format" not in summary
    assert components["OfferOutput"]["properties"]["application"]["nullable"] is True


@pytest.mark.parametrize(
    ("language", "month", "document"),
    [
        ("ru", "Месяц записывается как ГГГГ-ММ.", "Укажите платёжный документ"),
        ("kk", "Ай ЖЖЖЖ-АА түрінде жазылады.", "Төлем құжатын немесе"),
        ("en", "A month is written YYYY-MM.", "Give the document or its id."),
    ],
)
def test_the_refund_and_payout_field_errors_speak_the_callers_language(
    partner_api, language, month, document
):
    # given a refund application with a month that is none and no document
    headers = {"HTTP_ACCEPT_LANGUAGE": language}
    line = {"iin": "850712300017", "period": "2024-13", "amount": "1.00"}
    body = {
        "request_number": "GK-1",
        "payer": "850712300017",
        "reason": "not_contributions",
        "applicant": {
            "name": "ТОО",
            "idn": "850712300017",
            "bank_bic": "CASPKZKA",
            "bank_account": "KZ18722S000012345678",
        },
        "lines": [line],
    }
    refunds = partner_api(Scope.REFUNDS)
    bad_month = refunds.post("/api/v1/refunds/", body, format="json", **headers)
    no_document = refunds.post(
        "/api/v1/refunds/",
        {**body, "lines": [{**line, "period": "2024-05"}]},
        format="json",
        **headers,
    )
    payouts = partner_api(Scope.PAYOUTS).get("/api/v1/payouts/files/?period=2024-13", **headers)
    # then each field's message is in the caller's language, like the rest of the answer
    assert _shape(bad_month)["extra"]["fields"]["lines"]["0"]["period"] == [month]
    assert document in _shape(no_document)["extra"]["fields"]["document"][0]
    assert _shape(payouts)["extra"]["fields"]["period"] == [month]
