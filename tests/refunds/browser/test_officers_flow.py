"""Two refund officers in headless Chromium: one decides, the other confirms, the payout order
is built and downloaded, and the person's statement shows the refund."""

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone

from gfss.org.models import Role
from refunds.demo import bank_report_sample
from refunds.models import PayoutOrder, RefundApplication
from refunds.services import Applicant, LineRequest, refund_application_create
from tests.browser import BROWSER_MARKS, PASSWORD
from tests.contributions.documents import document, line_for, load
from tests.factories import PayerFactory, PersonFactory

pytestmark = BROWSER_MARKS
MAY = date(2024, 5, 1)


@pytest.fixture
def page(browser):
    opened = browser.new_page(accept_downloads=True)
    opened.set_default_timeout(15_000)
    return opened


def _log_in(page, live_server, user, language="ru") -> None:
    page.goto(f"{live_server.url}/{language}/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_url(f"{live_server.url}/{language}/")


def test_decide_confirm_order_download_and_the_statement(page, live_server, make_staff, tmp_path):
    # given: a payment of 10,000 for May and an application to refund 4,000 of it
    maker, checker = make_staff(Role.REFUND_OFFICER), make_staff(Role.REFUND_OFFICER)
    payer, person = PayerFactory(), PersonFactory()
    load(document(payer_idn=payer.idn, lines=[line_for(person, "10000.00", MAY)]))
    application, _ = refund_application_create(
        actor=maker,
        source=RefundApplication.Source.STATE_CORPORATION,
        request_number="GK-BROWSER-1",
        payer_idn=payer.idn,
        document_uuid=payer.payment_documents.get().uuid,
        reason="not_contributions",
        applicant=Applicant(
            name="ТОО", idn=payer.idn, bank_bic="CASPKZKA", bank_account="KZ18722S000012345678"
        ),
        lines=[LineRequest(iin=person.iin, period=MAY, amount=Decimal("4000.00"))],
    )
    # when: the maker decides
    _log_in(page, live_server, maker)
    page.click("#nav-refunds")
    page.click("text=GK-BROWSER-1")
    assert "Уплачено этим документом" in page.inner_text("#check-lines")
    page.click("#decide-button")
    assert page.is_visible("#waits-for-other")
    assert not page.is_visible("#confirm-button")
    page.click("text=Выйти")
    # and the checker confirms
    _log_in(page, live_server, checker)
    page.goto(f"{live_server.url}/ru/refunds/{application.uuid}/")
    page.click("#confirm-button")
    assert "Одобрено" in page.inner_text("#refund-status")
    # and builds the payout order and downloads its MT-102 file
    page.click("#refunds-nav >> text=Платёжные поручения")
    page.click("#build-button")
    with page.expect_download() as download:
        page.click(".mt102-link")
    content = Path(download.value.path()).read_bytes()
    assert b"/KNP/026" in content
    assert b":32B:KZT4000,00" in content
    # then: the person's statement shows the refund with its date
    page.goto(f"{live_server.url}/ru/contributions/statement/{person.iin}/?from=2024-05&to=2024-05")
    refunded = page.inner_text(".refunded")
    assert refunded == f"возвращено {timezone.localdate():%d.%m.%Y}"
    page.click("#person-refunds-link")
    assert "GK-BROWSER-1" in page.inner_text("#person-refunds")
    assert "Платёжное поручение отправлено" in page.inner_text("#person-refunds")
    # and the bank's report of the order, uploaded, pays the application
    report = tmp_path / "report.csv"
    report.write_bytes(bank_report_sample(PayoutOrder.objects.get(), on=timezone.localdate()))
    page.goto(f"{live_server.url}/ru/refunds/orders/")
    page.set_input_files(".bank-report-form input[type=file]", str(report))
    page.click(".bank-report-form button")
    assert "Отчёт банка записан" in page.inner_text(".messages")
    assert "Отчёт банка: оплачено 1, возвращено 0" in page.inner_text("#orders")
    page.goto(f"{live_server.url}/ru/refunds/{application.uuid}/")
    assert "Оплачено" in page.inner_text("#refund-status")
