"""In headless Chromium, the pages work under the CSP: the browser refuses nothing on them, and
the scripts that need to run (the API docs, the keyboard of the e-case page) do."""

from gfss.org.models import Role
from tests.benefits.cases import case_received, insured_person
from tests.browser import BROWSER_MARKS, PASSWORD

pytestmark = BROWSER_MARKS


def _session(browser, live_server, user, refusals):
    page = browser.new_page()
    page.set_default_timeout(15_000)
    page.on(
        "console",
        lambda message: (
            refusals.append(f"{page.url}: {message.text}")
            if "Content Security Policy" in message.text
            else None
        ),
    )
    page.goto(f"{live_server.url}/en/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_url(f"{live_server.url}/en/")
    return page


def test_the_browser_refuses_nothing_on_the_pages(browser, live_server, make_staff):
    # given a case, its specialist and an administrator
    case = case_received(insured_person())
    refusals: list[str] = []
    page = _session(browser, live_server, make_staff(Role.SPECIALIST), refusals)
    # when the specialist goes through her pages
    for path in (
        "/en/cases/",
        f"/en/cases/{case.uuid}/",
        f"/en/contributions/statement/{case.person.iin}/",
        "/en/calculator/",
    ):
        page.goto(f"{live_server.url}{path}")
        page.wait_for_load_state("load")
    # and the administrator goes through his
    admin = _session(browser, live_server, make_staff(Role.ADMINISTRATOR), refusals)
    person = case.person
    for path in (
        "/en/jobs/",
        "/en/payouts/",
        "/en/admin/",
        "/en/admin/participants/person/",
        f"/en/admin/participants/person/{person.pk}/history/",  # django-simple-history's
    ):
        admin.goto(f"{live_server.url}{path}")
        admin.wait_for_load_state("load")
    # then the API docs are drawn by their script, under the CSP
    admin.goto(f"{live_server.url}/api/docs/")
    admin.wait_for_selector(".swagger-ui .info .title", timeout=60_000)  # a large bundle
    assert "GFSS API" in admin.inner_text(".swagger-ui .info .title")
    # and the browser refused nothing anywhere
    assert refusals == []


def test_the_csp_is_enforced_by_the_browser(browser, live_server, make_staff):
    # An inline style put in a page is refused: the policy is really in force.
    refusals: list[str] = []
    page = _session(browser, live_server, make_staff(Role.SPECIALIST), refusals)
    page.evaluate("document.body.insertAdjacentHTML('beforeend', '<style>body{color:red}</style>')")
    page.wait_for_timeout(200)
    assert any("style" in refusal for refusal in refusals), refusals
