"""Every staff page, opened in Kazakh by each role on the demo's data, reads as Kazakh.

Each role starts at its home page and follows the links it is shown (one page of each
address shape, ids aside). A page fails on an English word of the project's own messages,
a raw code (``snake_case``), an ISO date or a number not written the Kazakh way. What a page
marks ``translate="no"`` (names, identifiers, file names, addresses) is data, not text.
"""

import re
from html.parser import HTMLParser
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client

pytestmark = pytest.mark.django_db

# Every role: the head and the analyst see pages of their own (the head's confirmations, the
# access log; the analyst's reports) and the others' pages without their buttons.
ROLES = ["specialist", "head", "refunds", "analyst", "admin"]
PAGES_PER_ROLE = 40
SKIPPED = ("/kk/admin/", "/kk/logout/", "/kk/i18n/")
SEARCHES = ["/kk/search/?q=ова"]
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
PROJECT_FILE = re.compile(r"\b[\w-]+\.(?:md|py|yaml)\b")
SNAKE = re.compile(r"\b[a-z][a-z0-9]*_[a-z0-9_]+\b")
ISO_DATE = re.compile(r"\b(?:19|20)\d{2}-[01]\d(?:-[0-3]\d)?\b")
# 32725,83 (digits not grouped) or 32725.83 (a point for the decimals); 19.11.2026, 10.2026
# and 09:24 are dates and times.
UNGROUPED = re.compile(r"(?<![\d.,])\d{4,},\d{2}\b")
POINT_DECIMAL = re.compile(r"(?<![\d.])\d+\.\d+(?![\d.])")
DATE_LIKE = re.compile(r"[0-3]\d\.[01]\d|[01]\d\.(?:19|20)\d{2}")


class _VisibleText(HTMLParser):
    """The text a reader sees, without scripts, styles and what is marked translate="no"."""

    VOID = frozenset({"br", "img", "input", "meta", "link", "hr", "wbr", "source", "col"})

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.stack: list[bool] = []  # whether each open element hides its text

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.VOID:
            return
        # a key cap (<kbd>Enter</kbd>) is written as on the keyboard
        hidden = tag in ("script", "style", "kbd") or ("translate", "no") in attrs
        self.stack.append(hidden or bool(self.stack and self.stack[-1]))

    def handle_endtag(self, tag: str) -> None:
        if tag not in self.VOID and self.stack:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        if not (self.stack and self.stack[-1]):
            self.parts.append(data)


def visible_text(page: str) -> str:
    parser = _VisibleText()
    parser.feed(page)
    return " ".join(parser.parts)


def _words(text: str) -> set[str]:
    return {w.lower() for w in re.findall(r"[A-Za-z]{3,}", re.sub(r"%\(\w+\)[sd]", "", text))}


def english_words() -> set[str]:
    """Words of the project's English message ids that its Kazakh texts never use."""
    catalog = (Path(settings.BASE_DIR) / "locale/kk/LC_MESSAGES/django.po").read_text("utf-8")
    ids = _words(" ".join(re.findall(r'^msgid "(.*)"$', catalog, re.M)))
    kazakh = _words(" ".join(re.findall(r'^msgstr(?:\[\d\])? "(.*)"$', catalog, re.M)))
    return ids - kazakh


def problems_of(text: str, english: set[str]) -> list[str]:
    found = []
    words = sorted({w for w in re.findall(r"\b[A-Za-z]{3,}\b", text) if w.lower() in english})
    if words:
        found.append(f"English words {words[:8]}")
    if files := sorted(set(PROJECT_FILE.findall(text))):
        found.append(f"project files cited {files[:5]}")
    if codes := sorted(set(SNAKE.findall(text))):
        found.append(f"raw codes {codes[:8]}")
    if dates := sorted(set(ISO_DATE.findall(text))):
        found.append(f"ISO dates {dates[:5]}")
    numbers = UNGROUPED.findall(text) + [
        n for n in POINT_DECIMAL.findall(text) if not DATE_LIKE.fullmatch(n)
    ]
    if numbers:
        found.append(f"numbers not written the Kazakh way {sorted(set(numbers))[:5]}")
    return found


def _shape(url: str) -> str:
    return re.sub(r"\d+", "N", UUID.sub("U", url.split("?", maxsplit=1)[0]))


def test_the_checks_catch_what_they_are_meant_to() -> None:
    english = {"payment", "period"}
    page = (
        "<p>Төлем <b>period</b> 32725,83 · 32725.83 · 2026-11 · payment_run</p>"
        '<p translate="no">Payment</p><p>32 725,83 · 19.11.2026 · 10.2026 09:24</p>'
    )
    found = problems_of(visible_text(page), english)
    assert found == [
        "English words ['period']",
        "raw codes ['payment_run']",
        "ISO dates ['2026-11']",
        "numbers not written the Kazakh way ['32725,83', '32725.83']",
    ]


def test_every_staff_page_reads_as_kazakh() -> None:
    # given: the demo, smaller, as `make run` loads it
    call_command("events_load_2022", stdout=StringIO())
    call_command(
        "seed_demo", "--participants", "100", "--seed", "3", "--months", "1", stdout=StringIO()
    )
    english = english_words()
    problems: list[str] = []
    for username in ROLES:
        client = Client()
        client.force_login(get_user_model().objects.get(username=username))
        # the header's search is a form, not a link: its answers start the walk too
        queue = ["/kk/", *SEARCHES]
        seen, shapes, opened = set(queue), set(), 0
        while queue and opened < PAGES_PER_ROLE:
            url = queue.pop(0)
            if _shape(url) in shapes:
                continue
            shapes.add(_shape(url))
            response = client.get(url)
            if "text/html" not in response.get("Content-Type", ""):
                continue
            opened += 1
            if response.status_code >= 400:
                problems.append(f"{username} {url}: HTTP {response.status_code}")
                continue
            page = response.content.decode()
            problems += [f"{username} {url}: {p}" for p in problems_of(visible_text(page), english)]
            for href in re.findall(r'href="(/kk/[^"#]*)"', page):
                link = href.replace("&amp;", "&")
                if link not in seen and not link.startswith(SKIPPED):
                    seen.add(link)
                    queue.append(link)
        assert opened > 5, username
    assert not problems, "\n".join(problems)
