"""The e-case API: partners send applications and follow the status; staff decide; access."""

import json
from datetime import date, timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from benefits.models import Application, Award, BenefitType
from gfss.api.permissions import Scope
from gfss.common.models import RejectedInput
from gfss.org.models import Role
from tests.benefits.cases import (
    RECEIVED_ON,
    RIGHT_DATE,
    a_child_iin,
    case_received,
    insured_person,
)
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def _payload(iin: str, **overrides):
    payload = {
        "iin": iin,
        "benefit": "childcare",
        "channel": "state_corporation",
        "received_on": RECEIVED_ON.isoformat(),
        "right_date": RIGHT_DATE.isoformat(),
        "documents": {
            "birth_certificate": {
                "number": "BC-7",
                "child_iin": a_child_iin(),
                "birth_date": RIGHT_DATE.isoformat(),
                "birth_order": 2,
            }
        },
    }
    payload.update(overrides)
    return payload


def _staff_client(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_a_partner_sends_an_application_and_follows_its_status(partner_api, specialist):
    # given the State Corporation's token with the applications scope
    client = partner_api(Scope.APPLICATIONS)
    mother = insured_person()
    # when it sends an application
    response = client.post("/api/v1/applications/", _payload(mother.iin), format="json")
    # then the e-case is assembled and its status lists the stages with dates
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "received"
    assert body["branch"] == "B75"
    assert body["calculation"]["trace"]
    uuid = body["uuid"]
    _staff_client(specialist).post(f"/api/v1/applications/{uuid}/assign", {}, format="json")
    status = client.get(f"/api/v1/applications/{uuid}/status").json()
    assert status["status"] == "assigned"
    assert [s["stage"] for s in status["stages"]] == ["received", "assigned"]
    assert all(s["at"] for s in status["stages"])


def test_a_token_without_the_scope_is_forbidden(partner_api):
    response = partner_api(Scope.PAYMENTS).post(
        "/api/v1/applications/", _payload("850712300017"), format="json"
    )
    assert response.status_code == 403


@pytest.mark.parametrize(
    ("payload", "status", "code"),
    [
        ({"iin": "850712300017"}, 400, "person_unknown"),
        (
            {"right_date": f"{timezone.localdate() + timedelta(days=30)}"},
            400,
            "right_date_in_future",
        ),
        ({"right_date": "2999-01-01"}, 400, "validation_error"),
        ({"documents": {}}, 400, "facts_missing"),
        ({"benefit": "pension"}, 400, "validation_error"),
    ],
)
def test_bad_applications_get_a_specific_error(partner_api, payload, status, code):
    # given an insured mother
    mother = insured_person()
    # when a bad application arrives
    response = partner_api(Scope.APPLICATIONS).post(
        "/api/v1/applications/", {**_payload(mother.iin), **payload}, format="json"
    )
    # then a specific code, nothing written, and the input kept for audit
    assert response.status_code == status
    assert response.json()["code"] == code
    assert not Application.objects.exists()
    kept = RejectedInput.objects.get()
    assert (kept.path, kept.status_code, kept.code) == ("/api/v1/applications/", status, code)
    assert json.loads(kept.body)["iin"] == {**_payload(mother.iin), **payload}["iin"]


def test_pension_age_over_the_api(partner_api):
    person = PersonFactory(birth_date=date(1958, 1, 1), sex="M")
    payload = _payload(
        person.iin,
        benefit="job_loss",
        documents={"unemployed_registration": {"registered_on": RIGHT_DATE.isoformat()}},
    )
    response = partner_api(Scope.APPLICATIONS).post("/api/v1/applications/", payload, format="json")
    assert (response.status_code, response.json()["code"]) == (400, "person_of_pension_age")


def test_the_same_event_twice_is_a_conflict(partner_api):
    mother = insured_person()
    payload = _payload(mother.iin)
    client = partner_api(Scope.APPLICATIONS)
    assert client.post("/api/v1/applications/", payload, format="json").status_code == 201
    response = client.post("/api/v1/applications/", payload, format="json")
    assert (response.status_code, response.json()["code"]) == (409, "benefit_already_received")


def test_deciding_twice_is_a_conflict(specialist, make_staff):
    case = case_received(insured_person())
    url = f"/api/v1/applications/{case.uuid}"
    assert _staff_client(specialist).post(f"{url}/assign", {}, format="json").status_code == 200
    response = _staff_client(make_staff()).post(
        f"{url}/refuse", {"reason_code": "other", "reason_text": "x"}, format="json"
    )
    assert (response.status_code, response.json()["code"]) == (409, "application_already_decided")


def test_refusal_and_confirmation_over_the_api(specialist, make_staff):
    head = make_staff(Role.HEAD)
    case = case_received(insured_person())
    url = f"/api/v1/applications/{case.uuid}"
    refused = _staff_client(specialist).post(
        f"{url}/refuse", {"reason_code": "documents_invalid", "reason_text": "Bad."}, format="json"
    )
    assert refused.json()["status"] == "awaiting_confirmation"
    own = _staff_client(specialist).post(f"{url}/confirm", {}, format="json")
    assert (own.status_code, own.json()["code"]) == (403, "role_not_allowed")
    confirmed = _staff_client(head).post(f"{url}/confirm", {}, format="json")
    assert confirmed.json()["status"] == "refused"


def test_another_branch_sees_nothing_and_the_analyst_reads_all(specialist, make_staff):
    # given an Almaty case with its award
    case = case_received(insured_person())
    _staff_client(specialist).post(f"/api/v1/applications/{case.uuid}/assign", {}, format="json")
    award = Award.objects.get()
    astana = _staff_client(make_staff(Role.SPECIALIST, region="71"))
    analyst = _staff_client(make_staff(Role.ANALYST))
    # then Astana gets 404 for the case and the award, and an empty list
    assert astana.get(f"/api/v1/applications/{case.uuid}/").status_code == 404
    assert astana.get(f"/api/v1/awards/{award.uuid}/").status_code == 404
    assert astana.get("/api/v1/applications/list").json()["count"] == 0
    assert astana.get("/api/v1/awards/").json()["count"] == 0
    response = astana.post(
        f"/api/v1/awards/{award.uuid}/suspend", {"effective_date": "2025-06-01"}, format="json"
    )
    assert response.status_code == 404
    # and the analyst reads both but may not write
    assert analyst.get(f"/api/v1/applications/{case.uuid}/").status_code == 200
    assert analyst.get("/api/v1/awards/").json()["count"] == 1
    response = analyst.post(
        f"/api/v1/awards/{award.uuid}/suspend", {"effective_date": "2025-06-01"}, format="json"
    )
    assert (response.status_code, response.json()["code"]) == (403, "role_not_allowed")


def test_award_decisions_over_the_api(specialist, make_staff):
    case = case_received(insured_person())
    client = _staff_client(specialist)
    client.post(f"/api/v1/applications/{case.uuid}/assign", {}, format="json")
    award = Award.objects.get()
    url = f"/api/v1/awards/{award.uuid}"
    assert (
        client.post(
            f"{url}/suspend", {"effective_date": "2025-06-01", "reason": "x"}, format="json"
        ).status_code
        == 201
    )
    assert (
        client.post(f"{url}/resume", {"effective_date": "2025-07-01"}, format="json").status_code
        == 201
    )
    terminate = client.post(
        f"{url}/terminate", {"effective_date": "2025-08-01", "reason": "Child died"}, format="json"
    ).json()
    assert terminate["status"] == "pending"
    head = _staff_client(make_staff(Role.HEAD))
    confirmed = head.post(f"/api/v1/award-decisions/{terminate['uuid']}/confirm", {}, format="json")
    assert confirmed.json()["status"] == "applied"
    assert Award.objects.get().status == "terminated"


def test_offer_and_consent_over_the_api(partner_api):
    mother = insured_person()
    client = partner_api(Scope.APPLICATIONS)
    payload = _payload(mother.iin)
    del payload["channel"], payload["received_on"]
    offer = client.post("/api/v1/offers/", payload, format="json")
    assert offer.status_code == 201
    assert offer.json()["status"] == "open"
    accepted = client.post(f"/api/v1/offers/{offer.json()['uuid']}/accept", {}, format="json")
    assert accepted.status_code == 201
    assert accepted.json()["channel"] == "proactive"
    again = client.post(f"/api/v1/offers/{offer.json()['uuid']}/accept", {}, format="json")
    assert (again.status_code, again.json()["code"]) == (409, "offer_accepted")


def test_the_list_api_has_a_constant_number_of_queries(specialist, django_assert_max_num_queries):
    client = _staff_client(specialist)
    for _ in range(3):
        case_received(insured_person(), benefit=BenefitType.JOB_LOSS)
    with django_assert_max_num_queries(8):
        assert client.get("/api/v1/applications/list").json()["count"] == 3
