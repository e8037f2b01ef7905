"""The refund officers' pages in kk and ru, the decision through them, the payout order files,
the reports and the refund state on a person's and a payer's page."""

import io
import re
from datetime import date
from decimal import Decimal

import openpyxl
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext

from gfss.common import display
from gfss.org.models import Region, Role
from participants.models import Payer
from refunds.services import refund_confirm, refund_decide, refund_payout_orders_build
from tests.factories import PersonFactory
from tests.refunds.conftest import award_for


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    ("language", "texts"),
    [
        ("kk", ("Қайтаруға өтініштер", "Осы құжатпен төленген")),
        ("ru", ("Заявления на возврат", "Уплачено этим документом")),
    ],
)
def test_list_and_detail_in_the_officers_language(pay, apply, officers, language, texts):
    title, check = texts
    paid = pay("10000.00")
    application = apply(paid, (paid.persons[0], "100.00"), actor=officers[0])
    client = _client(officers[0])
    page = client.get(f"/{language}/refunds/").content.decode()
    assert title in page
    assert application.request_number in page
    detail = client.get(f"/{language}/refunds/{application.uuid}/").content.decode()
    assert check in detail
    assert 'id="decide-form"' in detail


def test_the_list_costs_a_constant_number_of_queries(pay, apply, officers):
    paid = pay(*["1000.00"] * 12)
    client = _client(officers[0])

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = client.get("/ru/refunds/?status=checked")
        assert response.status_code == 200
        return len(captured)

    apply(paid, (paid.persons[0], "10.00"), actor=officers[0])
    one = queries()
    for person in paid.persons[1:]:
        apply(paid, (person, "10.00"), actor=officers[0])
    assert queries() == one


def test_filters_by_status_reason_region_and_payer_with_the_counters(pay, apply, officers):
    maker, checker = officers
    first, other = pay("1000.00"), pay("1000.00")
    decided = apply(first, (first.persons[0], "10.00"), actor=maker, reason="wrong_period")
    refund_decide(actor=maker, application_id=decided.pk, decision="approve")
    waiting = apply(other, (other.persons[0], "10.00"), actor=maker, reason="wrong_knp")
    client = _client(checker)

    def listed(query: str) -> set[str]:
        page = client.get(f"/ru/refunds/?{query}").content.decode()
        return {a.request_number for a in (decided, waiting) if a.request_number in page}

    assert listed("status=decided") == {decided.request_number}
    assert listed("reason=wrong_knp") == {waiting.request_number}
    assert listed(f"payer={other.payer.idn}") == {waiting.request_number}
    one, two = Region.objects.order_by("code")[:2]
    Payer.objects.filter(pk=first.payer.pk).update(region=one)
    Payer.objects.filter(pk=other.payer.pk).update(region=two)
    assert listed(f"region={one.code}") == {decided.request_number}
    page = client.get("/ru/refunds/").content.decode()
    assert re.search(r'id="count-to-decide">1<', page)
    assert re.search(r'id="count-to-confirm">1<', page)


def test_a_long_list_is_counted_up_to_its_cap(pay, apply, officers, monkeypatch):
    paid = pay("1000.00", "1000.00", "1000.00")
    for person in paid.persons:
        apply(paid, (person, "10.00"), actor=officers[0])
    monkeypatch.setattr("refunds.views.COUNT_CAP", 2)
    page = _client(officers[0]).get("/en/refunds/").content.decode()
    assert "more than 2 applications" in page


def test_filters_by_period_and_overdue(pay, apply, officers):
    paid = pay("1000.00")
    application = apply(paid, (paid.persons[0], "10.00"), actor=officers[0])
    client = _client(officers[0])
    assert application.request_number in client.get("/ru/refunds/?period=2024-05").content.decode()
    assert (
        application.request_number not in client.get("/ru/refunds/?period=2023-05").content.decode()
    )
    # received on 2025-03-20: its decision was due five working days later
    assert application.request_number in client.get("/ru/refunds/?overdue=1").content.decode()


def test_the_officers_decide_and_confirm_on_the_page(pay, apply, officers):
    maker, checker = officers
    paid = pay("1000.00")
    application = apply(paid, (paid.persons[0], "10.00"), actor=maker)
    url = f"/ru/refunds/{application.uuid}/"
    _client(maker).post(f"{url}decide/", {"decision": "approve"})
    own = _client(maker).get(url).content.decode()
    assert 'id="waits-for-other"' in own
    assert 'id="confirm-button"' not in own
    _client(checker).post(f"{url}confirm/")
    application.refresh_from_db()
    assert application.status == "approved"
    history = _client(checker).get(url).content.decode()
    assert history.count("<tr><td>") >= 4  # received, checked, decided, confirmed


def test_a_refused_confirmation_by_the_maker_shows_the_reason(pay, apply, officers):
    maker, _ = officers
    paid = pay("1000.00")
    application = apply(paid, (paid.persons[0], "10.00"), actor=maker)
    refund_decide(actor=maker, application_id=application.pk, decision="approve")
    response = _client(maker).post(f"/ru/refunds/{application.uuid}/confirm/", follow=True)
    assert "второй сотрудник" in response.content.decode()


def test_the_art_247_line_links_to_the_award(pay, apply, officers):
    paid = pay("1000.00")
    award = award_for(paid.persons[0], right_date=date(2024, 8, 1))
    application = apply(paid, (paid.persons[0], "10.00"), actor=officers[0])
    client = _client(officers[0])
    detail = client.get(f"/kk/refunds/{application.uuid}/").content.decode()
    assert f"/kk/refunds/awards/{award.uuid}/" in detail
    # the award is named by its benefit and start, and linked: not by a piece of its id
    assert "тағайындалған төлемде есепке алынған" in detail
    assert str(award.uuid)[:8] not in detail.replace(str(award.uuid), "")
    maker, checker = officers
    refund_decide(
        actor=maker,
        application_id=application.pk,
        decision="refuse",
        refusal_code="counted_in_award",
    )
    refund_confirm(actor=checker, application_id=application.pk)
    refused = client.get(f"/ru/refunds/{application.uuid}/").content.decode()
    assert "Месяц учтён при назначении выплаты (ст. 247 п. 2)" in refused
    assert "counted_in_award" not in refused.replace('data-check="counted_in_award"', "")
    award_page = client.get(f"/kk/refunds/awards/{award.uuid}/").content.decode()
    assert "08.2022 – 07.2024" in award_page


def _preselected(page: str) -> tuple[str, str]:
    decision = re.search(r'name="decision" value="(\w+)" checked', page)
    reason = re.search(r'<option value="(\w+)" selected>', page)
    return (decision[1] if decision else "", reason[1] if reason else "")


def test_the_decision_form_preselects_what_the_check_found(pay, apply, officers):
    paid = pay("1000.00", "1000.00", "1000.00")
    award_for(paid.persons[0], right_date=date(2024, 8, 1))
    client = _client(officers[0])

    def form(*lines: tuple) -> tuple[str, str]:
        application = apply(paid, *lines, actor=officers[0])
        return _preselected(client.get(f"/ru/refunds/{application.uuid}/").content.decode())

    # only a month counted in the award: nothing can be approved, and the form says why
    assert form((paid.persons[0], "10.00")) == ("refuse", "counted_in_award")
    assert form((paid.persons[1], "10.00")) == ("approve", "")
    assert form((paid.persons[0], "10.00"), (paid.persons[2], "10.00")) == ("approve_part", "")


def test_payout_order_files_download(pay, apply, officers):
    maker, checker = officers
    paid = pay("1000.00")
    application = apply(paid, (paid.persons[0], "10.00"), actor=maker)
    refund_decide(actor=maker, application_id=application.pk, decision="approve")
    refund_confirm(actor=checker, application_id=application.pk)
    (order,) = refund_payout_orders_build(actor=maker)
    client = _client(checker)
    page = client.get("/ru/refunds/orders/").content.decode()
    assert order.reference in page
    mt102 = client.get(f"/ru/refunds/orders/{order.uuid}/mt102/")
    assert mt102.status_code == 200
    assert b"/KNP/026" in mt102.content
    register = client.get(f"/ru/refunds/orders/{order.uuid}/register/")
    sheet = openpyxl.load_workbook(io.BytesIO(register.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "request_number"
    assert rows[1][0] == application.request_number
    assert rows[1][-1] == 10  # the amount refunded, a number the spreadsheet can sum
    client.post(
        f"/ru/refunds/orders/{order.uuid}/paid/", {"paid_on": timezone.localdate().isoformat()}
    )
    application.refresh_from_db()
    assert application.status == "paid"


def test_reports_by_reason_and_xlsx(pay, apply, officers):
    maker, checker = officers
    paid = pay("1000.00", "1000.00")
    application = apply(
        paid,
        (paid.persons[0], "10.00"),
        (paid.persons[1], "20.00"),
        actor=maker,
        reason="wrong_knp",
        today=timezone.localdate(),
    )
    refund_decide(actor=maker, application_id=application.pk, decision="approve")
    refund_confirm(actor=checker, application_id=application.pk)
    refund_payout_orders_build(actor=maker)
    client = _client(checker)
    page = client.get("/ru/refunds/report/?by=reason").content.decode()
    assert "Неверно указан код назначения платежа (КНП)" in page
    assert "30,00" in page or "30.00" in page
    xlsx = client.get("/ru/refunds/report/?by=region&format=xlsx")
    assert xlsx.content[:2] == b"PK"
    api = client.get("/api/v1/refunds/report?by=reason").json()
    assert api == [{"key": "wrong_knp", "applications": 1, "people": 2, "amount": "30.00"}]


def test_the_report_by_reason_keeps_the_annual_reports_order(pay, apply, officers):
    maker, checker = officers
    paid = pay("1000.00", "1000.00")
    for person, reason in zip(paid.persons, ("wrong_knp", "wrong_period"), strict=True):
        application = apply(
            paid, (person, "10.00"), actor=maker, reason=reason, today=timezone.localdate()
        )
        refund_decide(actor=maker, application_id=application.pk, decision="approve")
        refund_confirm(actor=checker, application_id=application.pk)
    refund_payout_orders_build(actor=maker)
    api = _client(checker).get("/api/v1/refunds/report?by=reason").json()
    # reason 3 (a wrong period) before reason 4 (a wrong KNP), as domain.md lists them
    assert [row["key"] for row in api] == ["wrong_period", "wrong_knp"]


def test_branch_staff_read_the_refunds_of_their_regions_person_and_payer(
    pay, apply, officers, make_staff
):
    paid = pay("1000.00")  # the factories put payer and person in region 75
    application = apply(paid, (paid.persons[0], "10.00"), actor=officers[0])
    own = _client(make_staff(Role.SPECIALIST, region="75"))
    page = own.get(f"/ru/refunds/persons/{paid.persons[0].iin}/").content.decode()
    assert application.request_number in page
    assert (
        application.request_number
        in own.get(f"/ru/refunds/payers/{paid.payer.idn}/").content.decode()
    )
    assert own.get("/ru/refunds/").status_code == 403  # the officers' list is not theirs
    other = _client(make_staff(Role.SPECIALIST, region="71"))
    assert other.get(f"/ru/refunds/persons/{paid.persons[0].iin}/").status_code == 404


def _refunded(pay, apply, officers, **paid):
    maker, checker = officers
    paid = pay("1000.00", **paid)
    application = apply(paid, (paid.persons[0], "400.00"), actor=maker, request_number="GK-77")
    refund_decide(actor=maker, application_id=application.pk, decision="approve")
    refund_confirm(actor=checker, application_id=application.pk)
    refund_payout_orders_build(actor=maker)
    return paid, application


def _refund_cell(page: str) -> str:
    """The payer cell of the statement's reversal row."""
    (row,) = [r for r in re.findall(r"<tr>.*?</tr>", page, re.S) if "-400,00" in r]
    return re.sub(r"\s+", " ", row)


@pytest.mark.parametrize(
    ("language", "said"),
    [
        ("ru", 'возвращено {day}</span> <span class="refund-application">заявление на возврат'),
        ("kk", '{day} қайтарылды</span> <span class="refund-application">қайтаруға өтініш'),
    ],
)
def test_the_statement_names_the_refund_application_with_a_link(
    pay, apply, officers, language, said
):
    paid, application = _refunded(pay, apply, officers)
    url = f"/{language}/contributions/statement/{paid.persons[0].iin}/?from=2024-05&to=2024-05"
    page = _client(officers[1]).get(url).content.decode()
    cell = _refund_cell(page)
    assert said.format(day=f"{timezone.localdate():%d.%m.%Y}") in cell
    assert f'<a href="/{language}/refunds/{application.uuid}/">GK-77</a>' in cell
    # and the link opens the application's page
    assert _client(officers[1]).get(f"/{language}/refunds/{application.uuid}/").status_code == 200
    assert f"/{language}/refunds/persons/{paid.persons[0].iin}/" in page


def test_a_reader_who_may_not_open_the_application_sees_its_number_only(
    pay, apply, officers, make_staff
):
    # given: a person of Astana paid by an Almaty payer, refunded; Astana's specialist reads
    # the person's statement but not the Almaty payer's refunds
    astana = Region.objects.get(code="71")
    paid, application = _refunded(pay, apply, officers, persons=[PersonFactory(region=astana)])
    reader = _client(make_staff(Role.SPECIALIST, region="71"))
    page = reader.get(
        f"/ru/contributions/statement/{paid.persons[0].iin}/?from=2024-05&to=2024-05"
    ).content.decode()
    cell = _refund_cell(page)
    assert "заявление на возврат GK-77" in cell
    assert f"/refunds/{application.uuid}/" not in page
    assert reader.get(f"/ru/refunds/{application.uuid}/").status_code == 404


def test_the_statement_files_name_the_refund_application(pay, apply, officers):
    paid, _ = _refunded(pay, apply, officers)
    url = f"/ru/contributions/statement/{paid.persons[0].iin}/?from=2024-05&to=2024-05"
    xlsx = _client(officers[1]).get(url + "&format=xlsx")
    rows = list(openpyxl.load_workbook(io.BytesIO(xlsx.content)).active.iter_rows(values_only=True))
    kinds = [row[7] for row in rows if len(row) > 7 and row[3] is not None]
    day = f"{timezone.localdate():%d.%m.%Y}"
    assert f"возвращено {day}, заявление на возврат GK-77" in kinds
    assert "Социальные отчисления (КНП 012)" in kinds


def test_the_staff_form_takes_an_application_and_shows_bad_input(pay, officers):
    paid = pay("1000.00")
    client = _client(officers[0])
    form = {
        "payer": paid.payer.idn,
        "document_reference": paid.document.reference,
        "document_value_date": paid.document.value_date.isoformat(),
        "reason": "other",
        "applicant_name": "ТОО",
        "applicant_idn": paid.payer.idn,
        "bank_bic": "CASPKZKA",
        "bank_account": "KZ18722S000012345678",
        "lines": f"{paid.persons[0].iin} 2024-05 100.00",
    }
    created = client.post("/ru/refunds/new/", form)
    assert created.status_code == 302
    form["lines"] = f"{paid.persons[0].iin} 2024-05 1000.00\n" + "\n".join(
        f"{i:012d} 2024-05 1.00" for i in range(3)
    )
    bad = client.post("/ru/refunds/new/", form)
    assert bad.status_code == 400
    assert "ИИН" in bad.content.decode()


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_approving_more_than_a_line_asks_writes_the_sum_as_pages_do(pay, apply, officers, language):
    maker, _ = officers
    paid = pay("12000.00")
    application = apply(paid, (paid.persons[0], "10000.00"), actor=maker)
    answer = _client(maker).post(
        f"/{language}/refunds/{application.uuid}/decide/",
        {"decision": "approve_part", "amount_1": "10000.50"},
        follow=True,
    )
    with translation.override(language):
        message = gettext("Line %(line)s: between 0 and %(amount)s may be approved.") % {
            "line": 1,
            "amount": display.money(Decimal("10000.00")),
        }
    page = answer.content.decode()
    assert escape(message) in page
    assert re.search(r"10\s000,00\s₸", message)
    application.refresh_from_db()
    assert application.status == "checked"
