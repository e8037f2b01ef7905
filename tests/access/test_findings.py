"""The review's access findings, each with its request: staff sessions have their role's
rights only, partner objects belong to their partner, and one policy answers everywhere."""

from datetime import date

import pytest
from django.test import Client
from rest_framework.test import APIClient

from benefits.models import Application, ProactiveOffer
from contributions.models import ContributionLine, ReceivedFile
from gfss.org import access
from gfss.org.access import Scope, Subject
from gfss.org.models import Role
from participants.models import Person
from tests.benefits.cases import RECEIVED_ON, RIGHT_DATE, a_child_iin, case_received, insured_person
from tests.contributions.documents import document, line_for
from tests.factories import PayerFactory, PersonFactory

pytestmark = pytest.mark.django_db


def _session(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


def _application(iin: str) -> dict:
    return {
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


def _offer(iin: str) -> dict:
    payload = _application(iin)
    del payload["channel"], payload["received_on"]
    return payload


def _mt102() -> bytes:
    payer = PayerFactory()  # Almaty
    person = PersonFactory()
    return document(payer_idn=payer.idn, lines=[line_for(person, "1000.00", date(2024, 5, 1))])


@pytest.mark.parametrize(
    ("role", "region"),
    [
        (Role.ANALYST, "75"),
        (Role.REFUND_OFFICER, "75"),
        (Role.SPECIALIST, "71"),  # Astana, for an Almaty payer
        (Role.SPECIALIST, "75"),  # even the own branch: documents come from partners
        (Role.HEAD, "75"),
    ],
)
def test_no_staff_session_uploads_documents_or_sends_applications(make_staff, role, region):
    # given a staff session of any role
    client = _session(make_staff(role, region=region))
    mother = insured_person()  # with contributions on the ledger
    files, lines = ReceivedFile.objects.count(), ContributionLine.objects.count()
    # when it posts an MT-102 document, an application and an offer
    upload = client.post(
        "/api/v1/payments/mt102/?filename=a.txt", _mt102(), content_type="text/plain"
    )
    application = client.post("/api/v1/applications/", _application(mother.iin), format="json")
    offer = client.post("/api/v1/offers/", _offer(mother.iin), format="json")
    # then each is refused and nothing is written
    assert (upload.status_code, application.status_code, offer.status_code) == (403, 403, 403)
    assert (ReceivedFile.objects.count(), ContributionLine.objects.count()) == (files, lines)
    assert Application.objects.count() == ProactiveOffer.objects.count() == 0


def test_a_staff_session_cannot_accept_an_offer(make_staff, partner_api):
    # given an offer for an Almaty person, made by a partner
    mother = insured_person()
    offer = partner_api(Scope.APPLICATIONS).post(
        "/api/v1/offers/", _offer(mother.iin), format="json"
    )
    # when an Astana specialist (or the Almaty one) accepts it
    for region in ("71", "75"):
        client = _session(make_staff(Role.SPECIALIST, region=region))
        response = client.post(f"/api/v1/offers/{offer.json()['uuid']}/accept", {}, format="json")
        # then it is refused: consent comes from the person through a partner
        assert response.status_code == 403
    assert Application.objects.count() == 0


def test_partner_b_does_not_accept_partner_as_offer(partner_api):
    mother = insured_person()
    first = partner_api(Scope.APPLICATIONS)
    offer = first.post("/api/v1/offers/", _offer(mother.iin), format="json").json()
    other = partner_api(Scope.APPLICATIONS, Scope.CALCULATE)  # another partner system
    response = other.post(f"/api/v1/offers/{offer['uuid']}/accept", {}, format="json")
    assert (response.status_code, response.json()["code"]) == (404, "offer_not_found")
    assert ProactiveOffer.objects.get().status == "open"
    # the partner that made it may
    assert (
        first.post(f"/api/v1/offers/{offer['uuid']}/accept", {}, format="json").status_code == 201
    )


def test_a_partner_reads_the_status_of_its_own_applications_only(partner_api):
    mother = insured_person()
    first = partner_api(Scope.APPLICATIONS)
    sent = first.post("/api/v1/applications/", _application(mother.iin), format="json").json()
    other = partner_api(Scope.APPLICATIONS, Scope.STATEMENTS)
    assert first.get(f"/api/v1/applications/{sent['uuid']}/status").status_code == 200
    response = other.get(f"/api/v1/applications/{sent['uuid']}/status")
    assert (response.status_code, response.json()["code"]) == (404, "application_not_found")
    # and no partner reads the whole e-case
    assert first.get(f"/api/v1/applications/{sent['uuid']}/").status_code == 403


def test_a_partner_lists_only_the_documents_it_sent(partner_api):
    bank, other_bank = partner_api(Scope.PAYMENTS), partner_api(Scope.PAYMENTS, Scope.CALCULATE)
    bank.post("/api/v1/payments/mt102/?filename=a.txt", _mt102(), content_type="text/plain")
    assert bank.get("/api/v1/payments/documents/").json()["count"] == 1
    assert other_bank.get("/api/v1/payments/documents/").json()["count"] == 0


def test_the_analyst_reads_everywhere_and_decides_nothing(make_staff):
    case = case_received(insured_person())  # Almaty
    client = _session(make_staff(Role.ANALYST))
    assert client.get(f"/api/v1/applications/{case.uuid}/").status_code == 200
    refused = client.post(
        f"/api/v1/applications/{case.uuid}/refuse",
        {"reason_code": "other", "reason_text": "no"},
        format="json",
    )
    assert refused.status_code == 403
    assert Application.objects.get().status == "received"


def test_refund_officers_read_persons_and_the_ledger_everywhere_but_no_e_case(make_staff):
    person = PersonFactory()
    case = case_received(insured_person())
    client = _session(make_staff(Role.REFUND_OFFICER))
    assert client.get(f"/api/v1/persons/{person.iin}/").status_code == 200
    assert client.get(f"/api/v1/persons/{person.iin}/statement").status_code == 200
    assert client.get(f"/api/v1/applications/{case.uuid}/").status_code == 403
    assert client.get("/api/v1/awards/").status_code == 403


def test_central_office_staff_without_a_region_see_no_regional_person(make_staff):
    # given a specialist of the central office (a branch without a region)
    person = PersonFactory()
    specialist = make_staff(Role.SPECIALIST, region="75")
    specialist.staff_profile.branch = make_staff(Role.ANALYST).staff_profile.branch
    specialist.staff_profile.save(update_fields=["branch"])
    client = _session(specialist)
    # then it sees neither persons nor e-cases of the regions (before: every person)
    assert client.get("/api/v1/persons/").json()["count"] == 0
    assert client.get(f"/api/v1/persons/{person.iin}/").status_code == 404


def test_a_login_without_a_staff_profile_reads_nothing(django_user_model):
    # given a login that is neither staff nor partner, and a person with contributions
    person = PersonFactory()
    user = django_user_model.objects.create_user("outsider", password="x")
    client = Client()
    client.force_login(user)
    # then the calculator page (which reads the ledger by IIN) and the API refuse it
    page = client.get(
        "/en/calculator/", {"benefit": "job_loss", "right_date": "2025-01-10", "iin": person.iin}
    )
    assert page.status_code == 403
    assert _session(user).get(f"/api/v1/persons/{person.iin}/statement").status_code == 403
    assert Person.objects.count() == 1


def test_the_policy_is_one_table():
    # every role and scope is in the tables; a staff read never implies a staff action
    assert set(access.STAFF_READS) == set(access.STAFF_ACTIONS) == set(Role.values)
    assert set(access.PARTNER_READS) == {scope.value for scope in Scope}
    assert access.STAFF_READS[Role.ANALYST][Subject.CASE] == access.Extent.ALL
    assert set(access.STAFF_ACTIONS[Role.ANALYST]) == {access.Action.CALCULATE}


@pytest.mark.parametrize(
    ("language", "title", "log_out"),
    [
        ("kk", "Тіркелгіңіздің қорда рөлі жоқ", "Шығу"),
        ("ru", "У вашей учётной записи нет роли в фонде", "Выйти"),
        ("en", "Your login has no role in the fund", "Log out"),
    ],
)
def test_a_login_without_a_staff_profile_gets_no_staff_page(
    django_user_model, language, title, log_out
):
    # given a login with neither a staff profile nor a partner, even with Django's staff flag
    django_user_model.objects.create_user("outsider", password="pass-1234-word", is_staff=True)
    client = Client()
    # when it logs in through the login page
    home = client.post(
        f"/{language}/login/",
        {"username": "outsider", "password": "pass-1234-word"},
        follow=True,
    )
    # then the home page refuses it in its language, with no menu, and offers to log out
    page = home.content.decode()
    assert home.status_code == 403
    assert title in page
    assert f'id="error-logout">{log_out}</button>' in page
    assert 'class="mainnav"' not in page
    # and its session opens no API endpoint, the refusal in the same language
    answer = client.get("/api/v1/persons/", headers={"accept-language": language})
    assert answer.status_code == 403
    assert answer.json()["code"] == "permission_denied"
