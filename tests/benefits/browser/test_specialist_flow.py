"""A branch specialist's day in headless Chromium: queue → case → trace → assign → next case;
and a refusal that the branch head confirms."""

import os
from pathlib import Path

import pytest

from benefits.models import Application, Award
from gfss.org.models import Role
from tests.benefits.cases import case_received, insured_person

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
PASSWORD = "pass-1234-word"  # make_staff's

# Playwright's sync API runs an event loop in this thread; Django's ORM calls from the test
# body are still plain synchronous calls.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium is not installed"),
]


@pytest.fixture
def browser_page(live_server, settings):
    from playwright.sync_api import sync_playwright

    # The live server speaks plain HTTP.
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.set_default_timeout(15_000)
        yield page
        browser.close()


def _log_in(page, live_server, user) -> None:
    page.goto(f"{live_server.url}/en/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_url(f"{live_server.url}/en/")


def test_specialist_assigns_and_lands_on_the_next_case(browser_page, live_server, make_staff):
    # given two cases in the specialist's branch
    page = browser_page
    first = case_received(insured_person())
    second = case_received(insured_person())
    specialist = make_staff(Role.SPECIALIST)
    # when she logs in and opens the queue
    _log_in(page, live_server, specialist)
    page.click("#nav-queue")
    assert page.locator("#queue tbody tr").count() == 2
    # and opens the first case
    page.click(f"a[href='/en/cases/{first.uuid}/']")
    # then the trace is shown as a table with its labels
    assert page.locator("#trace tbody tr").count() >= 3
    assert page.locator("#trace").inner_text().count("Average monthly income") == 1
    # when she assigns with the keyboard shortcut
    page.keyboard.press("a")
    # then she lands on the next case and the award exists
    page.wait_for_url(f"{live_server.url}/en/cases/{second.uuid}/")
    assert "Decision recorded" in page.inner_text(".messages")
    assert Award.objects.filter(application=first).exists()


def test_a_refusal_that_the_head_confirms(browser_page, live_server, make_staff):
    # given a case
    page = browser_page
    case = case_received(insured_person())
    specialist, head = make_staff(Role.SPECIALIST), make_staff(Role.HEAD)
    # when the specialist refuses it with a reason
    _log_in(page, live_server, specialist)
    page.goto(f"{live_server.url}/en/cases/{case.uuid}/")
    page.select_option("#refuse-form select", "documents_invalid")
    page.fill("#refuse-form textarea", "The birth certificate is not in the civil registry.")
    page.click("#refuse-button")
    page.wait_for_load_state()
    assert Application.objects.get(pk=case.pk).status == "awaiting_confirmation"
    page.click("form[action$='/logout/'] button")
    # and the head opens it and confirms
    _log_in(page, live_server, head)
    page.goto(f"{live_server.url}/en/cases/{case.uuid}/")
    page.click("#confirm-button")
    page.wait_for_load_state()
    # then the case is refused, and its history shows the confirmation
    assert Application.objects.get(pk=case.pk).status == "refused"
    page.goto(f"{live_server.url}/en/cases/{case.uuid}/")
    assert "Confirmed" in page.inner_text("#history")
