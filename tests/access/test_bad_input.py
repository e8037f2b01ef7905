"""The review's requests that answered 500: each now gets a 4xx in the uniform shape (on the
API) or a message on the page, writes nothing, and the refused write is kept for audit."""

import json

import pytest
from django.test import Client
from rest_framework.test import APIClient

from benefits.models import Application, ProactiveOffer
from contributions.models import ReceivedFile
from gfss.common.models import RejectedInput
from gfss.jobs.models import BatchRun
from gfss.org.access import Scope
from gfss.org.models import Role
from tests.access.test_findings import _application, _offer
from tests.benefits.cases import insured_person
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

CALCULATION = {"benefit": "job_loss", "avg_monthly_income": "300000.00", "stazh_months": 40}


def _error(response) -> str:
    body = response.json()
    assert set(body) == {"code", "message", "extra"}, body
    return body["code"]


def _page_client(make_staff, role=Role.SPECIALIST) -> Client:
    client = Client()
    client.force_login(make_staff(role))
    return client


def test_a_right_date_in_year_one_is_refused_by_the_calculator(partner_api):
    response = partner_api(Scope.CALCULATE).post(
        "/api/v1/benefits/calculate", {**CALCULATION, "right_date": "0001-01-01"}, format="json"
    )
    assert response.status_code == 400
    assert _error(response) == "validation_error"
    assert "right_date" in response.json()["extra"]["fields"]
    assert RejectedInput.objects.get().path == "/api/v1/benefits/calculate"


def test_a_right_date_in_year_one_is_refused_on_an_application(partner_api):
    mother = insured_person()
    payload = {**_application(mother.iin), "right_date": "0001-01-01"}
    response = partner_api(Scope.APPLICATIONS).post("/api/v1/applications/", payload, format="json")
    assert (response.status_code, _error(response)) == (400, "validation_error")
    assert Application.objects.count() == 0
    assert RejectedInput.objects.get().path == "/api/v1/applications/"


@pytest.mark.parametrize("right_date", ["0001-01-01", "9999-12-31"])
def test_a_right_date_out_of_range_is_refused_on_an_offer(partner_api, right_date):
    mother = insured_person()
    payload = {**_offer(mother.iin), "right_date": right_date}
    response = partner_api(Scope.APPLICATIONS).post("/api/v1/offers/", payload, format="json")
    assert (response.status_code, _error(response)) == (400, "validation_error")
    assert "right_date" in response.json()["extra"]["fields"]
    assert ProactiveOffer.objects.count() == 0
    assert RejectedInput.objects.get().path == "/api/v1/offers/"


@pytest.mark.parametrize("query", ["from=9999-12", "to=9999-12", "from=0001-01"])
def test_a_statement_for_a_month_out_of_range_is_refused(partner_api, query):
    person = PersonFactory()
    response = partner_api(Scope.STATEMENTS).get(f"/api/v1/persons/{person.iin}/statement?{query}")
    assert (response.status_code, _error(response)) == (400, "period_invalid")


def test_monitoring_for_month_one_of_year_one_is_refused(make_staff):
    client = APIClient()
    client.force_login(make_staff(Role.ANALYST))
    response = client.get("/api/v1/payments/monitoring/?month=0001-01")
    assert (response.status_code, _error(response)) == (400, "period_invalid")


@pytest.mark.parametrize(
    ("url", "status", "said"),
    [
        ("/ru/contributions/statement/{iin}/?from=9999-12", 400, "from=9999-12: укажите месяц с"),
        ("/ru/reporting/monitoring/?month=0001-01", 400, "month=0001-01: укажите месяц с"),
        (
            "/ru/calculator/?benefit=job_loss&right_date=0001-01-01&avg_monthly_income=300000"
            "&stazh_months=40",
            200,  # the form again, its field marked
            "<li>Введите дату с 1 января 2005 г. по ",
        ),
    ],
)
def test_the_pages_say_a_date_out_of_range_is_refused(make_staff, url, status, said):
    person = PersonFactory()
    response = _page_client(make_staff).get(url.format(iin=person.iin))
    page = response.content.decode()
    assert response.status_code == status
    assert said in page
    assert "г.." not in page


@pytest.mark.parametrize("value", ["abc", "2026-02-30"])
def test_a_document_date_filter_that_is_no_date_says_so_on_the_page(make_staff, value):
    client = _page_client(make_staff)
    response = client.get(f"/en/contributions/documents/?date_from={value}&date_to={value}")
    assert response.status_code == 400
    assert b"is not a date" in response.content


def test_a_body_of_deeply_nested_brackets_is_refused(partner_api):
    response = partner_api(Scope.APPLICATIONS).post(
        "/api/v1/applications/", "[" * 100_000, content_type="application/json"
    )
    assert (response.status_code, _error(response)) == (400, "parse_error")
    assert Application.objects.count() == 0
    # kept for audit, cut at 64 KB
    kept = RejectedInput.objects.get()
    assert kept.code == "parse_error"
    assert kept.body.endswith("<cut at 65536 of 100000 bytes>")


@pytest.mark.parametrize(
    ("nul", "code"), [("\x00", "parse_error"), ("\\u0000", "control_character")]
)
def test_a_refused_write_holding_a_nul_byte_is_kept_for_audit(partner_api, nul, code):
    # PostgreSQL text holds no NUL: the audit copy must still be written, the byte escaped
    mother = insured_person()
    body = json.dumps({**_application(mother.iin), "channel": "state<NUL>corporation"})
    response = partner_api(Scope.APPLICATIONS).post(
        "/api/v1/applications/", body.replace("<NUL>", nul), content_type="application/json"
    )
    assert (response.status_code, _error(response)) == (400, code)
    assert Application.objects.count() == 0
    kept = RejectedInput.objects.get()
    assert "\x00" not in kept.body
    assert kept.code == code
    assert ("state\\x00corporation" if nul == "\x00" else "state\\u0000corporation") in kept.body


@pytest.mark.parametrize(
    "filename",
    ['bad"name.txt', "a\r\nX-Injected: 1.txt", "файл.mt102", "a.txt\"; filename*=UTF-8''evil.exe"],
)
def test_the_admin_downloads_a_file_whatever_its_name(partner_api, admin_client, filename):
    from tests.access.test_findings import _mt102

    partner_api(Scope.PAYMENTS).post(
        f"/api/v1/payments/mt102/?filename={filename}", _mt102(), content_type="text/plain"
    )
    received = ReceivedFile.objects.get()
    response = admin_client.get(f"/en/admin/contributions/receivedfile/{received.pk}/download/")
    assert response.status_code == 200
    disposition = response["Content-Disposition"]
    assert "\r" not in disposition
    assert "\n" not in disposition
    assert disposition.count('"') <= 2
    # one parameter, the name: none added by the partner's filename
    assert disposition.count(";") == 1
    assert "X-Injected" not in response
    assert response.content == bytes(received.content)


@pytest.mark.parametrize(
    ("query", "said"),
    [
        ("to=9999-12", "to=9999-12: укажите месяц с 2005-01"),
        ("from=0001-01", "from=0001-01: укажите месяц с 2005-01"),
        ("from=2026-13", "from=2026-13 — это не месяц в виде ГГГГ-ММ."),
    ],
)
def test_a_refund_report_for_a_month_out_of_range_is_refused(partner_api, make_staff, query, said):
    # the API answers 400 in the uniform shape (before: 500 on to=9999-12)
    response = partner_api(Scope.REFUNDS).get(f"/api/v1/refunds/report?by=month&{query}")
    assert (response.status_code, _error(response)) == (400, "period_invalid")
    assert said in response.json()["message"]  # in Russian, the partners' default
    # and the staff page says so in the page's language
    page = _page_client(make_staff, Role.REFUND_OFFICER).get(
        f"/ru/refunds/report/?by=month&{query}", follow=True
    )
    assert page.status_code == 200
    assert said in page.content.decode()


@pytest.mark.parametrize(
    ("period", "said"),
    [
        ("0001-01", "0001-01 — не месяц с 01.2005"),
        ("9999-12", "9999-12 — не месяц с 01.2005"),
        ("", "Выберите месяц выплаты."),
    ],
)
def test_a_payment_run_for_a_month_out_of_range_is_refused_on_the_page(make_staff, period, said):
    # before: 0001-01 was a server error, 9999-12 a refusal of a month "in the future"
    client = _page_client(make_staff, Role.ADMINISTRATOR)
    response = client.post("/ru/payouts/runs/start/", {"period": period}, follow=True)
    assert response.redirect_chain == [("/ru/payouts/", 302)]
    assert said in response.content.decode()
    assert BatchRun.objects.count() == 0
