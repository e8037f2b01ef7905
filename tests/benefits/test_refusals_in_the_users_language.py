"""The refusals of an application, an offer and a calculation, made the way a partner or a
specialist makes them (an API call with its Accept-Language): refused with their code, said in
Kazakh, Russian or English with the dates as pages write them (10.03.2025), never in English
whatever the language."""

import re
from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext
from rest_framework.test import APIClient

from benefits.models import Application, Award, BenefitType, ProactiveOffer
from gfss.api.permissions import Scope
from gfss.common import display
from gfss.org.models import Role
from tests.benefits.cases import (
    RECEIVED_ON,
    RIGHT_DATE,
    a_child_iin,
    case_received,
    documents_for,
    insured_person,
)
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

LANGUAGES = ["kk", "ru", "en"]
APPLICATIONS = "/api/v1/applications/"


def said(language: str, msgid: str, **params: Any) -> str:
    with translation.override(language):
        return gettext(msgid) % params


def refused(
    response: Any,
    *,
    language: str,
    status: int,
    code: str,
    msgid: str,
    params: dict[str, Any] | None = None,
) -> None:
    """The answer has the code and the catalog's text in ``language``; kk and ru are written in
    Cyrillic, with Latin letters only where the values put them (an IIN's digits, a code)."""
    params = params or {}
    body = response.json()
    assert (response.status_code, body["code"]) == (status, code), body
    message = body["message"]
    assert message == said(language, msgid, **params)
    english = said("en", msgid, **params)
    if language == "en":
        assert message == english
        return
    assert message != english
    assert re.search("[а-яё]", message, re.IGNORECASE), message
    if language == "kk":
        assert re.search("[әіңғүұқөһ]", message, re.IGNORECASE), message
    values = " ".join(str(value) for value in params.values())
    latin = set(re.findall(r"[A-Za-z]{2,}", message)) - set(re.findall(r"[A-Za-z]{2,}", values))
    assert not latin, (message, latin)


def payload(iin: str, **overrides: Any) -> dict[str, Any]:
    body = {
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
    body.update(overrides)
    return body


def send(client: APIClient, body: dict[str, Any], language: str, url: str = APPLICATIONS):
    return client.post(url, body, format="json", HTTP_ACCEPT_LANGUAGE=language)


def staff(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def benefit_label(language: str, benefit: str) -> str:
    with translation.override(language):
        return str(BenefitType(benefit).label)


@pytest.mark.parametrize("language", LANGUAGES)
def test_an_unknown_iin_is_refused_in_the_callers_language(partner_api, language) -> None:
    answer = send(partner_api(Scope.APPLICATIONS), payload("850712300017"), language)
    refused(
        answer,
        language=language,
        status=400,
        code="person_unknown",
        msgid="No person with IIN %(iin)s is in the registry.",
        params={"iin": "850712300017"},
    )
    assert not Application.objects.exists()


@pytest.mark.parametrize("language", LANGUAGES)
def test_an_unknown_deceased_of_a_breadwinner_claim(partner_api, language) -> None:
    widow = insured_person()
    documents = documents_for(BenefitType.BREADWINNER, deceased_iin="850712300017")
    body = payload(widow.iin, benefit="breadwinner", documents=documents)
    refused(
        send(partner_api(Scope.APPLICATIONS), body, language),
        language=language,
        status=400,
        code="person_unknown",
        msgid="No person with IIN %(iin)s, given as the deceased, is in the registry.",
        params={"iin": "850712300017"},
    )


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(
    ("field", "msgid"),
    [
        ("right_date", "The date the right arises, %(date)s, is after today (%(today)s)."),
        (
            "received_on",
            "The date the application was received, %(date)s, is after today (%(today)s).",
        ),
    ],
)
def test_a_date_after_today_is_written_as_pages_write_it(
    partner_api, language, field, msgid
) -> None:
    today = timezone.localdate()
    later = today + timedelta(days=30)
    body = payload(insured_person().iin, **{field: later.isoformat()})
    answer = send(partner_api(Scope.APPLICATIONS), body, language)
    with translation.override(language):
        params = {"date": display.day(later), "today": display.day(today)}
    refused(
        answer,
        language=language,
        status=400,
        code=f"{field}_in_future",
        msgid=msgid,
        params=params,
    )
    assert later.isoformat() not in answer.json()["message"]
    assert re.search(r"\d\d\.\d\d\.\d{4}", answer.json()["message"])


@pytest.mark.parametrize("language", LANGUAGES)
def test_missing_documents_name_the_benefit_in_the_callers_language(partner_api, language) -> None:
    body = payload(insured_person().iin, documents={})
    answer = send(partner_api(Scope.APPLICATIONS), body, language)
    refused(
        answer,
        language=language,
        status=400,
        code="facts_missing",
        msgid="The application for “%(benefit)s” lacks: %(missing)s.",
        params={
            "benefit": benefit_label(language, "childcare"),
            "missing": _in_language(language, "Birth certificate"),
        },
    )
    assert "birth_certificate" not in answer.json()["message"]


def _in_language(language: str, msgid: str) -> str:
    with translation.override(language):
        return gettext(msgid)


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_deceased_applicant_with_the_date_of_death(partner_api, language) -> None:
    died = date(2025, 3, 11)
    person = insured_person(death_date=died)
    with translation.override(language):
        day = display.day(died)
    refused(
        send(partner_api(Scope.APPLICATIONS), payload(person.iin), language),
        language=language,
        status=400,
        code="person_deceased",
        msgid="The applicant with IIN %(iin)s is registered as deceased on %(date)s.",
        params={"iin": person.iin, "date": day},
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_person_of_pension_age_with_the_day_they_reached_it(partner_api, language) -> None:
    person = PersonFactory(birth_date=date(1958, 1, 1), sex="M")
    body = payload(
        str(person.iin),
        benefit="job_loss",
        documents={"unemployed_registration": {"registered_on": RIGHT_DATE.isoformat()}},
    )
    answer = send(partner_api(Scope.APPLICATIONS), body, language)
    with translation.override(language):
        day = display.day(answer.json()["extra"]["pension_date"])
    refused(
        answer,
        language=language,
        status=400,
        code="person_of_pension_age",
        msgid="The person with IIN %(iin)s reached pension age on %(date)s; people of pension "
        "age are not participants.",
        params={"iin": person.iin, "date": day},
    )
    assert re.search(r"\d\d\.\d\d\.\d{4}", answer.json()["message"])


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_person_without_a_region(partner_api, language) -> None:
    person = insured_person(region=None)
    refused(
        send(partner_api(Scope.APPLICATIONS), payload(person.iin), language),
        language=language,
        status=400,
        code="person_region_unknown",
        msgid="The person with IIN %(iin)s has no region in the registry, so no branch can "
        "take the e-case.",
        params={"iin": person.iin},
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_same_event_twice(partner_api, language) -> None:
    client = partner_api(Scope.APPLICATIONS)
    body = payload(insured_person().iin)
    assert send(client, body, language).status_code == 201
    answer = send(client, body, language)
    refused(
        answer,
        language=language,
        status=409,
        code="benefit_already_received",
        msgid="The person already has an e-case for “%(benefit)s” for the same event (%(event)s).",
        params={
            "benefit": benefit_label(language, "childcare"),
            "event": Application.objects.get().event_key,
        },
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_another_partners_case_and_offer_are_not_found(partner_api, language) -> None:
    mother = insured_person()
    first = partner_api(Scope.APPLICATIONS)
    other = partner_api(Scope.APPLICATIONS, Scope.STATEMENTS)
    case = send(first, payload(mother.iin), language).json()["uuid"]
    refused(
        other.get(f"{APPLICATIONS}{case}/status", HTTP_ACCEPT_LANGUAGE=language),
        language=language,
        status=404,
        code="application_not_found",
        msgid="No e-case %(application)s is visible to you.",
        params={"application": case},
    )
    offer_body = payload(a_mother := insured_person().iin)
    del offer_body["channel"], offer_body["received_on"]
    offer = send(first, offer_body, language, url="/api/v1/offers/").json()["uuid"]
    refused(
        send(other, {}, language, url=f"/api/v1/offers/{offer}/accept"),
        language=language,
        status=404,
        code="offer_not_found",
        msgid="No offer %(offer)s is visible to you.",
        params={"offer": offer},
    )
    assert ProactiveOffer.objects.get().person.iin == a_mother


@pytest.mark.parametrize("language", LANGUAGES)
def test_an_offer_accepted_once_is_not_accepted_again(partner_api, language) -> None:
    client = partner_api(Scope.APPLICATIONS)
    body = payload(insured_person().iin)
    del body["channel"], body["received_on"]
    offer = send(client, body, language, url="/api/v1/offers/").json()["uuid"]
    assert send(client, {}, language, url=f"/api/v1/offers/{offer}/accept").status_code == 201
    with translation.override(language):
        accepted = str(ProactiveOffer.Status.ACCEPTED.label)
    refused(
        send(client, {}, language, url=f"/api/v1/offers/{offer}/accept"),
        language=language,
        status=409,
        code="offer_accepted",
        msgid="The offer is “%(status)s”; it can no longer be accepted.",
        params={"status": accepted},
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_role_that_may_not_decide_and_another_branchs_award(
    specialist, make_staff, language
) -> None:
    case = case_received(insured_person())
    analyst = staff(make_staff(Role.ANALYST))
    refused(
        analyst.post(f"{APPLICATIONS}{case.uuid}/assign", {}, HTTP_ACCEPT_LANGUAGE=language),
        language=language,
        status=403,
        code="role_not_allowed",
        msgid="Your role does not allow you to decide e-cases.",
    )
    staff(specialist).post(f"{APPLICATIONS}{case.uuid}/assign", {}, format="json")
    award = Award.objects.get()
    suspend = f"/api/v1/awards/{award.uuid}/suspend"
    body = {"effective_date": "2025-06-01"}
    refused(
        analyst.post(suspend, body, format="json", HTTP_ACCEPT_LANGUAGE=language),
        language=language,
        status=403,
        code="role_not_allowed",
        msgid="Your role does not allow you to decide on awards.",
    )
    astana = staff(make_staff(Role.SPECIALIST, region="71"))
    refused(
        astana.post(suspend, body, format="json", HTTP_ACCEPT_LANGUAGE=language),
        language=language,
        status=404,
        code="award_not_found",
        msgid="No award %(award)s is visible to you.",
        params={"award": award.uuid},
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_calculation_before_the_law_names_the_parameter_and_the_day(
    partner_api, language
) -> None:
    body = {
        "benefit": "job_loss",
        "right_date": "2015-01-01",
        "avg_monthly_income": "300000",
        "stazh_months": 40,
    }
    answer = send(partner_api(Scope.CALCULATE), body, language, url="/api/v1/benefits/calculate")
    with translation.override(language):
        day = display.day(date(2015, 1, 1))
    refused(
        answer,
        language=language,
        status=400,
        code="parameter_not_in_force",
        msgid="The legal parameter %(code)s has no value in force on %(date)s.",
        params={"code": repr(answer.json()["extra"]["parameter"]), "date": day},
    )


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_the_calculator_page_says_a_date_before_the_law_in_the_pages_language(
    client, specialist, language
) -> None:
    client.force_login(specialist)
    facts = {"avg_monthly_income": "300000", "stazh_months": "40"}
    data = {"benefit": "job_loss", "right_date": "2015-01-01", **facts}
    page = client.get(f"/{language}/calculator/", data).content.decode()
    with translation.override(language):
        text = said(
            language,
            "The legal parameter %(code)s has no value in force on %(date)s.",
            code="'job_loss.duration_months'",
            date=display.day(date(2015, 1, 1)),
        )
    assert escape(text) in page
    assert "no value in force" not in page
    assert 'id="amounts"' not in page
