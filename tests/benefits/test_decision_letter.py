"""The decision letter: in the applicant's language, with the amounts, period, reasons and
articles, printable and as a PDF, linked from the decided case."""

import pytest
from django.test import Client

from benefits.models import Application
from gfss.org.models import Role
from tests.benefits.cases import case_received, insured_person

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_an_assignment_letter_in_kazakh_by_default(specialist):
    # given an assigned case (the State Corporation gave no language: Kazakh)
    case = case_received(insured_person())
    assert case.language == "kk"
    client = _client(specialist)
    client.post(f"/ru/cases/{case.uuid}/assign", {})
    # when the specialist, working in Russian, opens its letter
    page = client.get(f"/ru/cases/{case.uuid}/letter/").content.decode()
    # then the letter speaks Kazakh, with the amounts and the period
    assert 'lang="kk"' in page
    assert "Әлеуметтік төлемді тағайындау туралы хабарлама" in page
    assert "₸" in page
    assert "Қазақстан Республикасының Әлеуметтік кодексі, 84-86-баптар" in page
    # and the case links to it
    assert (
        f"/ru/cases/{case.uuid}/letter/" in client.get(f"/ru/cases/{case.uuid}/").content.decode()
    )


def test_a_refusal_letter_in_russian_names_the_reason_and_both_signers(specialist, make_staff):
    case = case_received(insured_person())
    Application.objects.filter(pk=case.pk).update(language="ru")
    _client(specialist).post(
        f"/kk/cases/{case.uuid}/refuse",
        {"reason_code": "documents_invalid", "reason_text": "Свидетельство не подтверждено."},
    )
    head = make_staff(Role.HEAD, first_name="Динара", last_name="Қасымова")
    _client(head).post(f"/kk/cases/{case.uuid}/confirm")
    page = _client(specialist).get(f"/kk/cases/{case.uuid}/letter/").content.decode()
    assert "Уведомление об отказе в назначении социальной выплаты" in page
    assert "Документы недействительны или не подтверждены" in page
    assert "Свидетельство не подтверждено." in page
    assert "Динара Қасымова" in page


def test_the_letter_as_a_pdf(specialist):
    case = case_received(insured_person())
    client = _client(specialist)
    client.post(f"/ru/cases/{case.uuid}/assign", {})
    response = client.get(f"/ru/cases/{case.uuid}/letter/?format=pdf")
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_an_undecided_case_has_no_letter(specialist):
    case = case_received(insured_person())
    assert _client(specialist).get(f"/ru/cases/{case.uuid}/letter/").status_code == 404
