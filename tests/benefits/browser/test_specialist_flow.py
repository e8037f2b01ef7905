"""A branch specialist's day in headless Chromium: queue → case → trace → assign → next case;
and a refusal that the branch head confirms."""

import os
import tempfile
from pathlib import Path

import pytest

from benefits.models import Application, Award
from gfss.org.models import Role
from tests.benefits.cases import case_received, insured_person
from tests.browser import BROWSER_MARKS, PASSWORD

pytestmark = BROWSER_MARKS


@pytest.fixture
def browser_page(browser):
    page = browser.new_page()
    page.set_default_timeout(15_000)
    return page


def _log_in(page, live_server, user) -> None:
    page.goto(f"{live_server.url}/en/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_url(f"{live_server.url}/en/")


# Screenshots to look at, not committed: SHOTS_DIR, by default /tmp/shots.
SHOTS = Path(os.environ.get("SHOTS_DIR", Path(tempfile.gettempdir()) / "shots"))


def _shot(page, name: str) -> None:
    """A screenshot to look at (not committed)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_specialist_takes_and_decides_with_the_keyboard_after_a_confirmation(
    browser_page, live_server, make_staff
):
    # given two cases in the specialist's branch
    page = browser_page
    page.set_viewport_size({"width": 1366, "height": 900})
    first = case_received(insured_person())
    second = case_received(insured_person())
    specialist = make_staff(Role.SPECIALIST)
    # when she logs in and opens the queue
    _log_in(page, live_server, specialist)
    page.click("#nav-queue")
    assert page.locator("#queue tbody tr").count() == 2
    # and opens the first case
    page.click(f"a[href='/en/cases/{first.uuid}/']")
    # then the trace is shown as a table with its labels, and nobody holds the case
    assert page.locator("#trace tbody tr").count() >= 3
    assert page.locator("#trace").inner_text().count("Average monthly income") == 1
    assert Application.objects.get(pk=first.pk).held_by is None
    # when she takes it with "t"
    page.keyboard.press("t")
    page.wait_for_selector("#hold.hold-mine")
    assert Application.objects.get(pk=first.pk).held_by == specialist
    # and presses "a": a confirmation opens; Esc cancels it and nothing is decided
    page.keyboard.press("a")
    assert page.locator("#confirm-dialog").is_visible()
    assert "Assign the benefit" in page.inner_text("#confirm-text")
    _shot(page, "case-confirm-en")
    page.keyboard.press("Escape")
    assert not page.locator("#confirm-dialog").is_visible()
    assert not Award.objects.filter(application=first).exists()
    # when she presses "a" again and confirms with Enter
    page.keyboard.press("a")
    page.keyboard.press("Enter")
    # then she lands on the next case and the award exists
    page.wait_for_url(f"{live_server.url}/en/cases/{second.uuid}/")
    assert "Decision recorded" in page.inner_text(".messages")
    assert Award.objects.filter(application=first).exists()
    assert Application.objects.get(pk=first.pk).held_by is None


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_screenshots_of_the_case_at_1366(browser_page, live_server, make_staff, language):
    """The pages as a specialist sees them, in kk and ru (written to /tmp/shots)."""
    page = browser_page
    page.set_viewport_size({"width": 1366, "height": 900})
    case = case_received(insured_person())
    decided = case_received(insured_person())
    specialist = make_staff(Role.SPECIALIST, first_name="Айгүл", last_name="Серікбаева")
    _log_in(page, live_server, specialist)
    page.goto(f"{live_server.url}/{language}/cases/{decided.uuid}/")
    page.keyboard.press("a")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/{language}/cases/{case.uuid}/")
    page.keyboard.press("t")
    page.wait_for_selector("#hold.hold-mine")
    _shot(page, f"case-{language}")
    page.goto(f"{live_server.url}/{language}/cases/{decided.uuid}/")
    assert page.locator("#decision").is_visible()
    _shot(page, f"case-decided-{language}")
    page.goto(f"{live_server.url}/{language}/cases/")
    _shot(page, f"queue-{language}")


def test_a_refusal_that_the_head_confirms(browser_page, live_server, make_staff):
    # given a case
    page = browser_page
    case = case_received(insured_person())
    specialist, head = make_staff(Role.SPECIALIST), make_staff(Role.HEAD)
    # when the specialist refuses it with a reason, and confirms
    _log_in(page, live_server, specialist)
    page.goto(f"{live_server.url}/en/cases/{case.uuid}/")
    page.select_option("#refuse-form select", "documents_invalid")
    page.fill("#refuse-form textarea", "The birth certificate is not in the civil registry.")
    page.click("#refuse-button")
    page.click("#confirm-yes")
    page.wait_for_load_state()
    page.wait_for_selector(".messages")
    assert Application.objects.get(pk=case.pk).status == "awaiting_confirmation"
    page.click("form[action$='/logout/'] button")
    # and the head opens it and confirms with "y" and Enter
    _log_in(page, live_server, head)
    page.goto(f"{live_server.url}/en/cases/{case.uuid}/")
    page.keyboard.press("y")
    page.keyboard.press("Enter")
    page.wait_for_selector(".messages")
    # then the case is refused, and its history shows the confirmation
    assert Application.objects.get(pk=case.pk).status == "refused"
    page.goto(f"{live_server.url}/en/cases/{case.uuid}/")
    assert "Confirmed" in page.inner_text("#history")
    assert "Documents invalid" in page.inner_text("#decision")


def test_a_second_specialist_cannot_decide_a_held_case(browser_page, live_server, make_staff):
    page = browser_page
    case = case_received(insured_person())
    holder = make_staff(Role.SPECIALIST, first_name="Айгүл", last_name="Серікбаева")
    other = make_staff(Role.SPECIALIST)
    _log_in(page, live_server, holder)
    page.goto(f"{live_server.url}/en/cases/{case.uuid}/")
    page.click("#take-button")
    page.wait_for_selector("#hold.hold-mine")
    page.click("form[action$='/logout/'] button")
    _log_in(page, live_server, other)
    page.goto(f"{live_server.url}/en/cases/{case.uuid}/")
    assert "Айгүл Серікбаева" in page.inner_text("#hold")
    assert page.locator("#assign-button").count() == 0
    page.keyboard.press("a")
    assert not page.locator("#confirm-dialog").is_visible()
    assert Application.objects.get(pk=case.pk).held_by == holder


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_the_menu_keeps_one_line_at_1366(browser_page, live_server, make_staff, language):
    page = browser_page
    page.set_viewport_size({"width": 1366, "height": 900})
    admin = make_staff(Role.ADMINISTRATOR, first_name="Жанар", last_name="Нұрланова")
    _log_in(page, live_server, admin)
    page.goto(f"{live_server.url}/{language}/cases/")
    links = page.locator(".mainnav > a, .mainnav summary")
    tops = {round(links.nth(i).bounding_box()["y"]) for i in range(links.count())}
    assert len(tops) == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366
    # the pages of oversight wait under "more", one click away
    page.click("#nav-more summary")
    for link in ("#nav-access-log", "#nav-admin"):
        assert page.locator(link).is_visible()
    _shot(page, f"menu-admin-{language}")


@pytest.mark.parametrize("role", [Role.SPECIALIST, Role.ADMINISTRATOR])
@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_the_header_keeps_one_line_at_1366(browser_page, live_server, make_staff, language, role):
    """The menu, the search, the languages, the name and "log out" share one line; the name
    gives way first. The administrator's menu is the longest."""
    page = browser_page
    page.set_viewport_size({"width": 1366, "height": 900})
    staff = make_staff(role, first_name="Айгүл", last_name="Серікбаева")
    _log_in(page, live_server, staff)
    page.goto(f"{live_server.url}/{language}/cases/")
    items = page.locator(".topbar > *:not(.spacer)")
    boxes = [items.nth(i).bounding_box() for i in range(items.count())]
    middles = {round(box["y"] + box["height"] / 2) for box in boxes if box and box["width"]}
    assert max(middles) - min(middles) <= 4, middles
