"""Every fact has its legal range, every date a sane window, every body a size: the review's
absurd claims (10^12 days of leave, a suspension in 9999) are refused and write nothing."""

import hashlib
import tracemalloc
from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from rest_framework.test import APIClient

from benefits.models import Application, Award, AwardDecision, BenefitType
from benefits.rules import calculate
from benefits.rules.facts import Facts
from benefits.services.applications import application_assign
from contributions.models import ContributionLine, ReceivedFile
from gfss.common.exceptions import ApplicationError
from gfss.common.models import RejectedInput
from gfss.common.uploads import CHUNK_BYTES, SPOOL_MEMORY_BYTES, stream_limited
from gfss.legal.selectors import parameter_set
from gfss.org.access import Scope
from tests.access.test_findings import _application, _mt102
from tests.benefits.cases import case_received, documents_for, insured_person

pytestmark = pytest.mark.django_db


def _maternity(iin: str, days: int) -> dict:
    payload = {**_application(iin), "benefit": "maternity"}
    payload["documents"] = {
        "sick_leave": {"number": "SL-1", "first_day": "2025-03-10", "days": days}
    }
    return payload


@pytest.mark.parametrize(
    ("document", "field", "value"),
    [
        ("sick_leave", "days", 10**12),
        ("sick_leave", "days", 185),
        ("birth_certificate", "birth_order", 10**20),
        ("birth_certificate", "birth_order", 21),
        ("birth_certificate", "birth_date", "1899-12-31"),
        ("medical_expertise", "degree", "1.50"),
    ],
)
def test_an_application_with_a_fact_beyond_its_range_is_refused(
    partner_api, document, field, value
):
    mother = insured_person()
    payload = _application(mother.iin)
    payload["documents"] = {document: {"number": "X-1", field: value}}
    response = partner_api(Scope.APPLICATIONS).post("/api/v1/applications/", payload, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "validation_error"
    assert field in str(response.json()["extra"]["fields"])
    assert Application.objects.count() == 0
    assert RejectedInput.objects.count() == 1


def test_the_longest_maternity_leave_is_still_accepted(partner_api):
    mother = insured_person()
    response = partner_api(Scope.APPLICATIONS).post(
        "/api/v1/applications/", _maternity(mother.iin, 184), format="json"
    )
    assert response.status_code == 201, response.json()


@pytest.mark.parametrize(
    ("fact", "value", "code"),
    [
        ("stazh_months", 10**30, "validation_error"),
        ("dependents", 10**9, "validation_error"),
        ("birth_order", 21, "validation_error"),
        ("previous_job_loss_months", 73, "validation_error"),
        ("days", 185, "validation_error"),
    ],
)
def test_the_calculator_refuses_a_count_beyond_its_range(partner_api, fact, value, code):
    benefit = {"dependents": "breadwinner", "birth_order": "childcare", "days": "maternity"}
    payload = {
        "benefit": benefit.get(fact, "job_loss"),
        "right_date": "2025-05-12",
        "avg_monthly_income": "300000.00",
        "stazh_months": 40,
        fact: value,
    }
    response = partner_api(Scope.CALCULATE).post(
        "/api/v1/benefits/calculate", payload, format="json"
    )
    assert (response.status_code, response.json()["code"]) == (400, code)
    assert RejectedInput.objects.get().code == code


def test_the_rules_refuse_a_count_beyond_its_range_whatever_the_caller():
    facts = Facts(right_date=date(2025, 5, 12), avg_monthly_income=Decimal(300_000), days=10**12)
    with pytest.raises(ApplicationError) as error:
        calculate("maternity", facts, params=parameter_set())
    assert (error.value.code, error.value.extra["max"]) == ("fact_out_of_range", 184)


def _award(specialist) -> Award:
    documents = documents_for(BenefitType.DISABILITY, period_to=date(2026, 3, 9))
    case = case_received(insured_person(), benefit=BenefitType.DISABILITY, documents=documents)
    application_assign(actor=specialist, application_id=case.pk)
    return Award.objects.get(application=case)


@pytest.mark.parametrize(
    ("action", "payload"),
    [
        ("suspend", {"effective_date": "9999-12-31"}),
        ("terminate", {"effective_date": "9999-12-31"}),
        ("recalculate", {"effective_date": "2025-04-01", "degree": "7.00"}),
    ],
)
def test_award_decisions_beyond_the_window_are_refused(specialist, action, payload):
    award = _award(specialist)
    client = APIClient()
    client.force_login(specialist)
    response = client.post(f"/api/v1/awards/{award.uuid}/{action}", payload, format="json")
    assert (response.status_code, response.json()["code"]) == (400, "validation_error")
    assert AwardDecision.objects.count() == 0
    assert RejectedInput.objects.get().path == f"/api/v1/awards/{award.uuid}/{action}"


def test_a_decision_after_the_award_ends_is_refused(specialist):
    award = _award(specialist)  # ends 2026-03-10
    client = APIClient()
    client.force_login(specialist)
    response = client.post(
        f"/api/v1/awards/{award.uuid}/terminate",
        {"effective_date": "2026-06-01", "reason": "Death"},
        format="json",
    )
    assert (response.status_code, response.json()["code"]) == (400, "effective_date_after_end")


def test_a_json_body_above_one_megabyte_is_refused_unread(partner_api):
    body = '{"iin": "' + "1" * 1_100_000 + '"}'
    response = partner_api(Scope.APPLICATIONS).post(
        "/api/v1/applications/", body, content_type="application/json"
    )
    assert (response.status_code, response.json()["code"]) == (413, "body_too_large")
    assert set(response.json()) == {"code", "message", "extra"}


@pytest.mark.parametrize("multipart", [False, True])
def test_an_oversized_upload_keeps_only_its_size_hash_and_first_kilobyte(
    settings, partner_api, multipart
):
    settings.CONTRIBUTIONS_MAX_FILE_BYTES = 2048
    data = _mt102() + b"\r\n" * 5_000
    client = partner_api(Scope.PAYMENTS)
    if multipart:
        upload = SimpleUploadedFile("big.mt102", data)
        response = client.post("/api/v1/payments/mt102/", {"file": upload}, format="multipart")
    else:
        response = client.post(
            "/api/v1/payments/mt102/?filename=big.mt102", data, content_type="text/plain"
        )
    assert response.status_code == 422
    assert response.json()["errors"][0]["code"] == "format_invalid"
    received = ReceivedFile.objects.get()
    assert (received.size, received.sha256) == (len(data), hashlib.sha256(data).hexdigest())
    assert bytes(received.content) == data[:1024]
    assert ContributionLine.objects.count() == 0


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/persons/%00/",
        "/api/v1/persons/?iin=85%0007",
        "/api/v1/payments/documents/?payer=%01",
    ],
)
def test_a_control_character_in_the_address_is_refused(partner_api, url):
    response = partner_api(Scope.REGISTRY_READ, Scope.PAYMENTS).get(url)
    assert (response.status_code, response.json()["code"]) == (400, "control_character")


def test_a_form_body_above_one_megabyte_is_refused_not_read_into_memory(partner_api, make_staff):
    # the review: every endpoint took 200 MB bodies into memory
    form = "iin=" + "1" * 1_100_000
    api = partner_api(Scope.APPLICATIONS).post(
        "/api/v1/applications/", form, content_type="application/x-www-form-urlencoded"
    )
    assert api.status_code == 413
    assert set(api.json()) == {"code", "message", "extra"}
    assert api.json()["code"] == "body_too_large"
    assert Application.objects.count() == 0
    # a staff page's form the same (the login page included)
    login = Client(raise_request_exception=False).post(
        "/ru/login/", form, content_type="application/x-www-form-urlencoded"
    )
    assert login.status_code == 400


def test_a_large_refused_write_is_kept_by_its_size_only(partner_api):
    # a write refused before it is read (a control character in its address) keeps its size
    body = "iin=" + "1" * 1_100_000
    response = partner_api(Scope.APPLICATIONS).post(
        "/api/v1/applications/?x=%01", body, content_type="application/x-www-form-urlencoded"
    )
    assert (response.status_code, response.json()["code"]) == (400, "control_character")
    kept = RejectedInput.objects.get()
    assert kept.body == f"<application/x-www-form-urlencoded, {len(body)} bytes>"


def test_an_upload_within_the_limit_is_kept_on_disk_not_in_memory():
    # a 20 MB payment document posted as it is: received a chunk at a time
    chunk = b"1" * CHUNK_BYTES
    chunks = 20 * 1024 * 1024 // CHUNK_BYTES
    tracemalloc.start()
    try:
        streamed = stream_limited((chunk for _ in range(chunks)), limit=200 * 1024 * 1024)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 3 * SPOOL_MEMORY_BYTES
    assert streamed.file is not None
    with streamed.file as file:
        assert hashlib.sha256(file.read()).hexdigest() == streamed.sha256
    assert streamed.size == len(chunk) * chunks
