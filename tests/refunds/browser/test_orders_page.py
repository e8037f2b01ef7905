"""In headless Chromium: on the Kazakh and Russian payout orders pages the bank's report is
chosen with a button in the page's language, the chosen file's name is shown beside it, and
the upload records the report; the browser's own English "Choose File" is nowhere."""

import os
import tempfile
from pathlib import Path

import pytest
from django.utils import timezone

from refunds.demo import bank_report_sample
from refunds.models import PayoutOrder
from refunds.services import refund_confirm, refund_decide, refund_payout_orders_build
from tests.browser import BROWSER_MARKS, PASSWORD

pytestmark = BROWSER_MARKS

SHOTS = Path(os.environ.get("SHOTS_DIR", tempfile.gettempdir()))
SAID = {
    "kk": {
        "button": "Файлды таңдаңыз",
        "none": "Файл таңдалмаған",
        "no_file": "Тіркеу үшін осы тапсырманың банк есебін таңдаңыз.",
        "recorded": "Банк есебі тіркелді: 1 өтініш төленді",
        "report": "Банк есебі: 1 төленді, 0 қайтарылды",
    },
    "ru": {
        "button": "Выберите файл",
        "none": "Файл не выбран",
        "no_file": "Выберите отчёт банка по этому поручению, чтобы записать его.",
        "recorded": "Отчёт банка записан: оплачено заявлений — 1",
        "report": "Отчёт банка: оплачено 1, возвращено 0",
    },
}


def _log_in(page, live_server, user, lang: str) -> None:
    page.goto(f"{live_server.url}/{lang}/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_url(f"{live_server.url}/{lang}/")


@pytest.fixture
def sent(pay, apply, officers):
    """A payout order sent to the bank, for one application decided and confirmed."""
    maker, checker = officers
    paid = pay("1000.00")
    application = apply(paid, (paid.persons[0], "10.00"), actor=maker)
    refund_decide(actor=maker, application_id=application.pk, decision="approve")
    refund_confirm(actor=checker, application_id=application.pk)
    (order,) = refund_payout_orders_build(actor=maker)
    return order, application, checker


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_the_officer_picks_the_banks_report_in_her_language_and_records_it(
    browser, live_server, sent, lang
):
    # given a payout order sent to the bank
    order, application, checker = sent
    said = SAID[lang]
    refusals: list[str] = []
    page = browser.new_page(viewport={"width": 1366, "height": 1000})
    page.set_default_timeout(15_000)
    page.on(
        "console",
        lambda message: (
            refusals.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    # when the checker opens the payout orders in her language
    _log_in(page, live_server, checker, lang)
    page.goto(f"{live_server.url}/{lang}/refunds/orders/")
    # then the order's report button and its empty choice are in her language
    form = page.locator(".bank-report-form")
    assert form.count() == 1
    assert page.inner_text(f"#report-button-{order.pk}") == said["button"]
    assert page.inner_text(f"#report-name-{order.pk}") == said["none"]
    assert "Choose File" not in page.inner_text("body")
    assert "No file chosen" not in page.inner_text("body")
    assert form.get_by_role("button", name="Choose File").count() == 0
    page.screenshot(path=str(SHOTS / f"refund-orders-{lang}-empty.png"))
    # and the hidden input is still reached with the keyboard, its button showing the focus
    page.focus("#orders a[href$='/register/']")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == f"report-file-{order.pk}"
    outline = page.eval_on_selector(
        f"#report-button-{order.pk}", "e => getComputedStyle(e).outlineStyle"
    )
    assert outline == "solid"
    # and a submit with no file is held back with a word in her language
    form.locator("button[type=submit]").click()
    validation = page.eval_on_selector(f"#report-file-{order.pk}", "e => e.validationMessage")
    assert validation == said["no_file"]
    assert order.reference in page.inner_text("#orders")
    assert said["report"] not in page.inner_text("#orders")
    # when she picks the bank's report
    name = f"bank-report-{lang}.csv"
    report = bank_report_sample(order, on=timezone.localdate())
    page.set_input_files(
        f"#report-file-{order.pk}",
        files=[{"name": name, "mimeType": "text/csv", "buffer": report}],
    )
    # then its name is shown beside the button
    assert page.inner_text(f"#report-name-{order.pk}") == name
    page.screenshot(path=str(SHOTS / f"refund-orders-{lang}-chosen.png"))
    # when she records it
    form.locator("button[type=submit]").click()
    page.wait_for_selector(".messages")
    # then the report is recorded and the order shows it, its application paid
    assert said["recorded"] in page.inner_text(".messages")
    assert said["report"] in page.inner_text("#orders")
    assert PayoutOrder.objects.get().bank_reports.get().filename == name
    application.refresh_from_db()
    assert application.status == "paid"
    page.screenshot(path=str(SHOTS / f"refund-orders-{lang}-recorded.png"), full_page=True)
    assert refusals == []
