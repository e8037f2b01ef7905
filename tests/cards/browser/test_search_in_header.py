"""In headless Chromium: the specialist types an IIN into the header's search on the queue and
lands on the person's card; a name lists the persons and opens one."""

import os
import tempfile
from pathlib import Path

import pytest

from gfss.org.models import AccessLogEntry, Role
from tests.benefits.cases import case_received, insured_person
from tests.browser import BROWSER_MARKS, PASSWORD

pytestmark = BROWSER_MARKS

SHOTS = Path(os.environ.get("SHOTS_DIR", Path(tempfile.gettempdir()) / "shots"))


def _log_in(page, live_server, user, lang: str) -> None:
    page.goto(f"{live_server.url}/{lang}/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_url(f"{live_server.url}/{lang}/")


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_the_specialist_finds_a_person_by_iin_from_the_header(
    browser, live_server, make_staff, lang
):
    # given a person with contributions and an e-case in the specialist's branch
    person = insured_person(surname="Досмағамбетова", first_name="Айгерім")
    case = case_received(person)
    specialist = make_staff(Role.SPECIALIST)
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    page.set_default_timeout(15_000)
    _log_in(page, live_server, specialist, lang)
    page.click("#nav-queue")
    # when she types the IIN into the header's search and presses Enter
    page.fill("#header-search", person.iin)
    page.press("#header-search", "Enter")
    # then the person's card opens, with the e-case on it, and the view is logged
    page.wait_for_url(f"{live_server.url}/{lang}/persons/{person.iin}/")
    assert "Досмағамбетова Айгерім" in page.inner_text("#person-card")
    assert page.locator(f"#person-cases a[href='/{lang}/cases/{case.uuid}/']").count() == 1
    assert page.locator("#contributions-table tbody tr").count() >= 1
    assert AccessLogEntry.objects.filter(iin=person.iin, subject="person").count() == 1
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"person-card-{lang}.png"), full_page=True)
    # when she searches by a part of the name
    page.fill("#header-search", "досмағамбет")
    page.press("#header-search", "Enter")
    # then the list shows her, and a click opens the same card
    page.wait_for_selector("#search-results")
    page.screenshot(path=str(SHOTS / f"person-search-{lang}.png"), full_page=True)
    page.click(f"#search-results a[href='/{lang}/persons/{person.iin}/']")
    page.wait_for_url(f"{live_server.url}/{lang}/persons/{person.iin}/")
    # and a mistyped IIN is answered on the search page in her language
    page.fill("#header-search", person.iin[:11] + str((int(person.iin[11]) + 1) % 10))
    page.press("#header-search", "Enter")
    page.wait_for_selector("#search-error")
    error = page.inner_text("#search-error")
    assert ("бақылау разрядынан" if lang == "kk" else "контрольный разряд") in error
