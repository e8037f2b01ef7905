"""One way to write numbers and dates in each language; menus by role; the error pages."""

import re
from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template
from django.test import Client
from django.utils import translation

from gfss.common import display
from gfss.org.models import Role

pytestmark = pytest.mark.django_db
NBSP = "\xa0"


@pytest.mark.parametrize(
    ("language", "money", "day", "instant"),
    [
        ("ru", f"32{NBSP}725,83{NBSP}₸", "19.11.2026", "19.11.2026 14:05"),
        ("kk", f"32{NBSP}725,83{NBSP}₸", "19.11.2026", "19.11.2026 14:05"),
        ("en", f"32,725.83{NBSP}₸", "19.11.2026", "19.11.2026 14:05"),
    ],
)
def test_money_and_dates_are_written_the_language_s_way(language, money, day, instant):
    moment = datetime(2026, 11, 19, 9, 5, tzinfo=ZoneInfo("UTC"))  # 14:05 in Almaty
    with translation.override(language):
        assert display.money(Decimal("32725.83")) == money
        assert display.day(date(2026, 11, 19)) == day
        assert display.day(moment) == instant
        assert display.month(date(2026, 10, 1)) == "10.2026"


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (Decimal("21042.4500000000"), f"21{NBSP}042,45"),  # SQLite's long sums
        (Decimal("328163.550000000"), f"328{NBSP}163,55"),
        (Decimal("4327.2"), f"4{NBSP}327,20"),
        (Decimal("1471248"), f"1{NBSP}471{NBSP}248,00"),
        (Fraction(98177, 3), f"32{NBSP}725,67"),
        ("126779.15", f"126{NBSP}779,15"),
    ],
)
def test_money_always_has_two_decimals_and_grouped_digits(value, shown):
    with translation.override("ru"):
        assert display.amount(value) == shown


def test_the_template_filters_write_the_same_way():
    template = Template("{% load fund %}{{ v|money }} {{ d|day }} {{ p|month }} {{ s|month }}")
    with translation.override("kk"):
        text = template.render(
            Context(
                {
                    "v": Decimal("761701.5"),
                    "d": date(2022, 1, 1),
                    "p": date(2026, 10, 1),
                    "s": "2026-10",
                }
            )
        )
    assert text == f"761{NBSP}701,50{NBSP}₸ 01.01.2022 10.2026 10.2026"


def test_kazakh_long_dates_put_the_day_first():
    with translation.override("kk"):
        text = Template('{{ d|date:"DATE_FORMAT" }}').render(Context({"d": date(2022, 1, 1)}))
    assert text.startswith("1 ")
    assert text.endswith("2022 ж.")


# --- pages ---------------------------------------------------------------------------------


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _menu_links(page: str) -> list[str]:
    menu = page[page.index('<nav class="mainnav">') : page.index("</nav>")]
    return re.findall(r'href="([^"]+)"', menu)


@pytest.mark.parametrize(
    "role", [Role.SPECIALIST, Role.HEAD, Role.ANALYST, Role.REFUND_OFFICER, Role.ADMINISTRATOR]
)
def test_every_menu_link_opens_for_the_role(make_staff, role):
    client = _client(make_staff(role))
    page = client.get("/ru/").content.decode()
    links = _menu_links(page)
    assert links
    for link in links:
        assert client.get(link).status_code == 200, link


def test_the_analyst_sees_payouts_but_no_batch_jobs_link(make_staff):
    client = _client(make_staff(Role.ANALYST))
    page = client.get("/ru/payouts/").content.decode()
    assert "/ru/jobs/" not in page
    assert client.get("/ru/jobs/").status_code == 403


@pytest.mark.parametrize(
    ("language", "heading"),
    [
        ("kk", "Бұл бет сіздің рөліңізге ашық емес"),
        ("ru", "Эта страница не открыта для вашей роли"),
    ],
)
def test_the_403_page_is_the_fund_s_own_in_the_user_s_language(make_staff, language, heading):
    response = _client(make_staff(Role.SPECIALIST)).get(f"/{language}/jobs/")
    assert response.status_code == 403
    page = response.content.decode()
    assert heading in page
    assert 'id="error-page"' in page
    assert f'href="/{language}/"' in page
    assert "Forbidden" not in page


@pytest.mark.parametrize(
    ("language", "heading"), [("kk", "Мұнда ештеңе жоқ"), ("ru", "Здесь ничего нет")]
)
def test_the_404_page_is_the_fund_s_own_with_a_way_back(make_staff, language, heading):
    response = _client(make_staff(Role.SPECIALIST)).get(f"/{language}/cases/no-such-case/")
    assert response.status_code == 404
    page = response.content.decode()
    assert heading in page
    assert f'href="/{language}/"' in page
    assert "Not Found" not in page


def test_the_500_page_is_the_fund_s_own(make_staff):
    from django.template.loader import render_to_string

    with translation.override("ru"):
        page = render_to_string("500.html")
    assert "Что-то пошло не так" in page
    assert 'href="/ru/"' in page
