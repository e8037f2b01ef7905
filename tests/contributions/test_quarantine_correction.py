"""A quarantined line corrected by a specialist: its money joins the ledger, once."""

import re
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext
from rest_framework.test import APIClient

from contributions.models import LINE_ERROR_LABELS, ContributionLine, QuarantinedLine
from contributions.periods import staff_month_example
from gfss.common import display
from gfss.org.models import Role
from participants.models import Person
from tests.contributions.documents import load, sample
from tests.factories import PayerFactory

pytestmark = pytest.mark.django_db

GOOD_IIN = "850712300017"
PAYER = "150540012348"  # the samples' payer


@pytest.fixture
def bad_iin_line() -> QuarantinedLine:
    # the golden bad-lines sample from an Almaty-city payer: line 1's IIN fails its check digit
    PayerFactory(idn=PAYER)
    load(sample("bad-lines.txt"), filename="bad-lines.txt")
    return QuarantinedLine.objects.get(code="iin_invalid", line_no=1)


def _api(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_a_specialist_corrects_the_iin_and_the_money_counts_for_that_person(
    bad_iin_line: QuarantinedLine, make_staff: Callable[..., Any]
) -> None:
    # given a specialist of the payer's branch
    specialist = make_staff(Role.SPECIALIST, region="75")
    # when
    response = _api(specialist).post(
        f"/api/v1/payments/quarantine/{bad_iin_line.pk}/correct",
        {"iin": GOOD_IIN, "period": "2024-05"},
        format="json",
    )
    # then the line is corrected and a ledger line carries its money
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "corrected"
    bad_iin_line.refresh_from_db()
    ledger = bad_iin_line.corrected_line
    assert ledger.person.iin == GOOD_IIN
    assert (ledger.period, ledger.amount) == (date(2024, 5, 1), bad_iin_line.amount)
    assert ledger.document_id == bad_iin_line.document_id
    assert bad_iin_line.resolved_by == specialist
    assert Person.objects.filter(iin=GOOD_IIN).exists()


def test_a_line_is_corrected_once(bad_iin_line: QuarantinedLine, specialist: Any) -> None:
    url = f"/api/v1/payments/quarantine/{bad_iin_line.pk}/correct"
    _api(specialist).post(url, {"iin": GOOD_IIN, "period": "2024-05"}, format="json")
    again = _api(specialist).post(url, {"iin": GOOD_IIN, "period": "2024-05"}, format="json")
    assert again.status_code == 409
    assert again.json()["code"] == "quarantine_already_resolved"
    assert ContributionLine.objects.filter(person__iin=GOOD_IIN).count() == 1


@pytest.mark.parametrize(
    ("payload", "status", "code"),
    [
        ({"iin": "850712300018", "period": "2024-05"}, 400, "iin_invalid"),
        ({"iin": GOOD_IIN, "period": "2024-13"}, 400, "period_invalid"),
        ({"iin": GOOD_IIN, "period": "2024-07"}, 400, "period_invalid"),  # after the payment
        ({"iin": GOOD_IIN, "period": "2004-12"}, 400, "period_invalid"),
    ],
)
def test_a_bad_correction_is_refused_and_writes_nothing(
    bad_iin_line: QuarantinedLine, specialist: Any, payload: dict, status: int, code: str
) -> None:
    lines_before = ContributionLine.objects.count()
    response = _api(specialist).post(
        f"/api/v1/payments/quarantine/{bad_iin_line.pk}/correct", payload, format="json"
    )
    assert (response.status_code, response.json()["code"]) == (status, code)
    assert ContributionLine.objects.count() == lines_before
    bad_iin_line.refresh_from_db()
    assert bad_iin_line.status == "open"


def test_a_zero_amount_cannot_be_corrected_onto_the_ledger(specialist: Any) -> None:
    PayerFactory(idn=PAYER)
    load(sample("bad-lines.txt"), filename="bad-lines.txt")
    zero = QuarantinedLine.objects.get(code="amount_invalid")
    response = _api(specialist).post(
        f"/api/v1/payments/quarantine/{zero.pk}/correct",
        {"iin": GOOD_IIN, "period": "2024-05"},
        format="json",
    )
    assert response.json()["code"] == "quarantine_amount_not_correctable"


def test_other_branches_and_analysts_cannot_correct(
    bad_iin_line: QuarantinedLine, make_staff: Callable[..., Any]
) -> None:
    url = f"/api/v1/payments/quarantine/{bad_iin_line.pk}/correct"
    payload = {"iin": GOOD_IIN, "period": "2024-05"}
    other_branch = _api(make_staff(Role.SPECIALIST, region="71")).post(url, payload, format="json")
    analyst = _api(make_staff(Role.ANALYST)).post(url, payload, format="json")
    assert other_branch.status_code == 404
    assert analyst.status_code == 403
    assert not ContributionLine.objects.filter(person__iin=GOOD_IIN).exists()


def test_the_quarantine_page_corrects_a_line(
    bad_iin_line: QuarantinedLine, specialist: Any
) -> None:
    client = Client()
    client.force_login(specialist)
    page = client.get("/en/contributions/quarantine/").content.decode()
    assert f"/contributions/quarantine/{bad_iin_line.pk}/correct" in page
    response = client.post(
        f"/en/contributions/quarantine/{bad_iin_line.pk}/correct",
        {"iin": GOOD_IIN, "period": "2024-05", "next": "https://evil.example/"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == "/en/contributions/quarantine/"
    assert "Line corrected" in response.content.decode()
    assert ContributionLine.objects.get(person__iin=GOOD_IIN).amount == Decimal(
        str(bad_iin_line.amount)
    )


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_quarantine_reasons_are_written_in_the_page_language(
    make_staff: Callable[..., Any], language: str
) -> None:
    # given: the bad-lines sample loaded while English was active, so its stored messages are
    # English
    PayerFactory(idn=PAYER)
    with translation.override("en"):
        load(sample("bad-lines.txt"), filename="bad-lines.txt")
    stored = list(QuarantinedLine.objects.values_list("code", "message"))
    assert any(message.startswith("Line 1: IIN") for _code, message in stored)
    client = Client()
    client.force_login(make_staff(Role.SPECIALIST, region="75"))
    # when
    page = client.get(f"/{language}/contributions/quarantine/").content.decode()
    # then: no stored English reason, no raw code, each reason in the page's language
    assert "fails its check digit" not in page
    assert "is not a month" not in page
    assert "<code>iin_invalid</code>" not in page
    assert ">iin_invalid<" not in page
    with translation.override(language):
        assert gettext("fails its check digit") in page
        assert str(LINE_ERROR_LABELS["iin_invalid"]) in page
    for line in QuarantinedLine.objects.all():
        with translation.override(language):
            assert escape(line.reason) in page


def test_the_quarantine_writes_and_reads_months_as_the_pages_do(
    bad_iin_line: QuarantinedLine, specialist: Any
) -> None:
    client = Client()
    client.force_login(specialist)
    page = client.get("/ru/contributions/quarantine/").content.decode()
    example = staff_month_example()
    assert re.fullmatch(r"\d\d\.\d{4}", example)
    assert f'placeholder="{example}"' in page
    assert "2024-05" not in page
    assert "ГГГГ-ММ" not in page
    # the line's period in the correction form, as the period column writes it
    assert f'value="{bad_iin_line.period:%m.%Y}"' in page
    # the filter reads the month as it is written, and the ISO form of links
    for typed in (f"{bad_iin_line.period:%m.%Y}", f"{bad_iin_line.period:%Y-%m}"):
        listed = client.get("/ru/contributions/quarantine/", {"period": typed}).content.decode()
        assert f"/contributions/quarantine/{bad_iin_line.pk}/correct" in listed
    other = client.get("/ru/contributions/quarantine/", {"period": "01.2010"}).content.decode()
    assert f"/contributions/quarantine/{bad_iin_line.pk}/correct" not in other


@pytest.mark.parametrize(("language", "words"), [("ru", "не месяц с 01.2005"), ("kk", "01.2005")])
def test_a_bad_month_in_the_quarantine_filter_is_answered_in_the_page_language(
    bad_iin_line: QuarantinedLine, specialist: Any, language: str, words: str
) -> None:
    client = Client()
    client.force_login(specialist)
    response = client.get(f"/{language}/contributions/quarantine/", {"period": "13.2024"})
    page = response.content.decode()
    assert response.status_code == 200
    assert words in page
    assert staff_month_example() in page
    assert "YYYY-MM" not in page
    assert "period=13.2024:" not in page  # no field name before the message
    assert "period=13.2024 is" not in page


def test_a_correction_takes_the_month_as_the_pages_write_it(
    bad_iin_line: QuarantinedLine, specialist: Any
) -> None:
    client = Client()
    client.force_login(specialist)
    url = f"/ru/contributions/quarantine/{bad_iin_line.pk}/correct"
    bad = client.post(url, {"iin": GOOD_IIN, "period": "13.2024"}, follow=True).content.decode()
    assert "не месяц с 01.2005" in bad
    assert "period_invalid:" not in bad  # no raw code before the message
    assert not ContributionLine.objects.filter(person__iin=GOOD_IIN).exists()
    client.post(url, {"iin": GOOD_IIN, "period": "05.2024"}, follow=True)
    assert ContributionLine.objects.get(person__iin=GOOD_IIN).period == date(2024, 5, 1)


def test_a_corrected_line_is_confirmed_with_its_sum_and_month_as_the_pages_write_them(
    bad_iin_line: QuarantinedLine, specialist: Any
) -> None:
    client = Client()
    client.force_login(specialist)
    response = client.post(
        f"/ru/contributions/quarantine/{bad_iin_line.pk}/correct",
        {"iin": GOOD_IIN, "period": "2024-05"},
        follow=True,
    )
    line = ContributionLine.objects.get(person__iin=GOOD_IIN)
    with translation.override("ru"):
        message = gettext(
            "Line corrected: %(amount)s for %(period)s now counts for IIN %(iin)s."
        ) % {"amount": display.money(line.amount), "period": "05.2024", "iin": GOOD_IIN}
    assert escape(message) in response.content.decode()
    assert "\u00a0₸" in message
