"""In headless Chromium: on the Kazakh and Russian upload pages the file is chosen with a button
in the page's language, the chosen file's name is shown beside it, and the upload gives the
import report; the browser's own English "Choose File" is nowhere."""

import os
import tempfile
from pathlib import Path

import pytest

from contributions.models import PaymentDocument
from gfss.org.models import Role
from tests.browser import BROWSER_MARKS, PASSWORD
from tests.contributions.documents import sample
from tests.factories import PayerFactory

pytestmark = BROWSER_MARKS

SHOTS = Path(os.environ.get("SHOTS_DIR", tempfile.gettempdir()))
PAYER = "150540012348"  # the samples' payer, of Almaty city like the specialist
SAID = {
    "kk": {
        "button": "Файлды таңдаңыз",
        "none": "Файл таңдалмаған",
        "report": "Жүктеу есебі",
        "accepted": "Қабылданды",
        "no_file": "Жүктеу үшін MT-102 файлын таңдаңыз.",
    },
    "ru": {
        "button": "Выберите файл",
        "none": "Файл не выбран",
        "report": "Отчёт о загрузке",
        "accepted": "Принято",
        "no_file": "Выберите файл MT-102 для загрузки.",
    },
}


def _log_in(page, live_server, user, lang: str) -> None:
    page.goto(f"{live_server.url}/{lang}/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_url(f"{live_server.url}/{lang}/")


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_the_specialist_picks_a_file_in_her_language_and_gets_the_report(
    browser, live_server, make_staff, lang
):
    # given a payer of her region and the upload page in her language
    PayerFactory(idn=PAYER)
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
    _log_in(page, live_server, make_staff(Role.SPECIALIST), lang)
    page.goto(f"{live_server.url}/{lang}/contributions/upload/")
    # then the button and the empty choice are in her language, not the browser's
    form = page.locator("#upload-form")
    assert page.inner_text("#mt102-file-button") == said["button"]
    assert page.inner_text("#mt102-file-name") == said["none"]
    assert "Choose File" not in page.inner_text("body")
    assert "No file chosen" not in page.inner_text("body")
    assert form.get_by_role("button", name="Choose File").count() == 0
    page.screenshot(path=str(SHOTS / f"files-upload-{lang}-empty.png"))
    # and the hidden input is still reached with the keyboard, its button showing the focus
    page.click("h1")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "mt102-file"
    outline = page.eval_on_selector("#mt102-file-button", "e => getComputedStyle(e).outlineStyle")
    assert outline == "solid"
    # and a submit with no file is held back with a word in her language
    page.click("#upload-form button[type=submit]")
    assert page.eval_on_selector("#mt102-file", "e => e.validationMessage") == said["no_file"]
    assert "import-report" not in page.content()
    # when she picks a file
    name = f"june-{lang}.mt102"
    page.set_input_files(
        "#mt102-file",
        files=[{"name": name, "mimeType": "text/plain", "buffer": sample("valid-3-lines.txt")}],
    )
    # then its name is shown beside the button
    assert page.inner_text("#mt102-file-name") == name
    page.screenshot(path=str(SHOTS / f"files-upload-{lang}-chosen.png"))
    # when she uploads it
    page.click("#upload-form button[type=submit]")
    page.wait_for_selector("#import-report")
    # then the import report of her file, loaded
    report = page.inner_text("#import-report")
    assert said["report"] in report
    assert name in report
    assert said["accepted"] in report
    assert PaymentDocument.objects.get().file.filename == name
    # and the form, shown again, has no file chosen
    assert page.inner_text("#mt102-file-name") == said["none"]
    page.screenshot(path=str(SHOTS / f"files-upload-{lang}-report.png"), full_page=True)
    assert refusals == []
