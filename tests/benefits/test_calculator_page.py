"""The staff calculator page: the facts of the chosen benefit only, each with its unit and
range, the full result of every benefit, and bad input answered on the form."""

import re
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.utils import translation

from benefits.calculation import benefit_calculate
from benefits.calculator.forms import CalculatorForm
from benefits.rules import CLAIM_FACTS, Benefit
from gfss.common.display import money

pytestmark = pytest.mark.django_db

URL = "/{lang}/calculator/"
COMMON = {"right_date", "iin", "avg_monthly_income"}
ROW = re.compile(r'<tr data-benefits="[^"]*"( hidden)?><th><label for="id_(\w+)"')
# Facts a claim of each benefit states, in the form's units (the degree in per cent).
FACTS: dict[str, dict[str, str]] = {
    "disability": {"stazh_months": "60", "degree": "50"},
    "breadwinner": {"stazh_months": "60", "dependents": "2"},
    "job_loss": {"stazh_months": "40"},
    "maternity": {"days": "126"},
    "adoption": {"days": "56"},
    "childcare": {"birth_order": "2"},
}
BASE = {"right_date": "2025-05-12", "avg_monthly_income": "300000"}


def shown_fields(page: str) -> set[str]:
    return {name for hidden, name in ROW.findall(page) if not hidden}


@pytest.fixture
def staff(client: Client, specialist: Any) -> Client:
    client.force_login(specialist)
    return client


def test_before_a_benefit_is_chosen_only_the_choice_is_asked(staff: Client) -> None:
    page = staff.get(URL.format(lang="ru")).content.decode()
    assert shown_fields(page) == set()
    assert "Выберите выплату" in page
    # without JavaScript a button of the choice asks the server for the benefit's facts
    assert '<noscript> <button type="submit" name="choose"' in page


@pytest.mark.parametrize("benefit", list(Benefit))
def test_a_chosen_benefit_shows_only_the_facts_it_needs(staff: Client, benefit: str) -> None:
    page = staff.get(URL.format(lang="kk"), {"benefit": benefit}).content.decode()
    assert shown_fields(page) == COMMON | set(CLAIM_FACTS[Benefit(benefit)])
    assert 'class="errorlist' not in page  # a choice is no calculation


def test_the_choice_button_without_javascript_switches_without_judging_the_facts(
    staff: Client,
) -> None:
    # typed for disability, then maternity chosen and its button pressed
    page = staff.get(
        URL.format(lang="ru"),
        {"benefit": "maternity", "choose": "1", "degree": "3", **BASE},
    ).content.decode()
    assert shown_fields(page) == COMMON | {"days"}
    assert 'class="errorlist' not in page
    assert 'id="amounts"' not in page


def test_facts_of_another_benefit_are_not_judged_or_used(staff: Client) -> None:
    # a degree of 3 % left over from disability does not stop a job-loss calculation
    page = staff.get(
        URL.format(lang="ru"), {"benefit": "job_loss", "degree": "3", **BASE, **FACTS["job_loss"]}
    ).content.decode()
    assert 'class="errorlist' not in page
    assert 'id="gross"' in page


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_each_fact_explains_its_unit_and_range_in_the_page_language(
    staff: Client, lang: str
) -> None:
    page = staff.get(URL.format(lang=lang), {"benefit": "disability"}).content.decode()
    with translation.override(lang):
        form = CalculatorForm()
        helps = {name: str(form.fields[name].help_text) for name in ("degree", "stazh_months")}
    assert "30" in helps["degree"]
    assert "100" in helps["degree"]
    assert "840" in helps["stazh_months"]
    for text in helps.values():
        assert text in page
    with translation.override("en"):
        english = str(CalculatorForm().fields["degree"].help_text)
    if lang != "en":
        assert helps["degree"] != english


@pytest.mark.parametrize("benefit", list(Benefit))
def test_every_benefit_shows_its_full_result(staff: Client, benefit: str) -> None:
    page = staff.get(URL.format(lang="ru"), {"benefit": benefit, **BASE, **FACTS[benefit]})
    text = page.content.decode()
    stated: dict[str, Any] = {k: int(v) for k, v in FACTS[benefit].items() if k != "degree"} | {
        "avg_monthly_income": Decimal(BASE["avg_monthly_income"])
    }
    if "degree" in FACTS[benefit]:
        stated["degree"] = Decimal(FACTS[benefit]["degree"]) / 100
    expected = benefit_calculate(benefit=benefit, right_date=date(2025, 5, 12), stated=stated)
    assert expected.eligible
    with translation.override("ru"):
        gross, net = money(expected.gross), money(expected.net)
    assert f'<td class="num" id="gross">{gross}</td>' in text
    assert f'<td class="num" id="net">{net}</td>' in text
    term = re.search(r'<td id="term">([^<]*)</td>', text)
    assert term
    assert term.group(1).strip()  # no blank row, disability included
    assert re.search(r"[a-z]{4}", term.group(1)) is None  # Russian words, no English


def test_the_payment_term_says_how_long(staff: Client) -> None:
    page = staff.get(
        URL.format(lang="ru"), {"benefit": "disability", **BASE, **FACTS["disability"]}
    ).content.decode()
    assert "медико-социальн" in page
    page = staff.get(
        URL.format(lang="ru"), {"benefit": "maternity", **BASE, **FACTS["maternity"]}
    ).content.decode()
    assert "126 дней" in page


@pytest.mark.parametrize(
    ("lang", "change", "field", "message"),
    [
        ("ru", {"degree": "3"}, "degree", "больше либо равно 30"),
        ("kk", {"degree": "3"}, "degree", "30 үлкен немесе тең"),
        ("ru", {"degree": "0.5"}, "degree", "Введите целое число"),
        ("ru", {"degree": ""}, "degree", "Эта выплата рассчитывается из этого факта"),
        ("kk", {"degree": ""}, "degree", "Бұл төлем осы дерек бойынша есептеледі"),
        ("ru", {"stazh_months": "abc"}, "stazh_months", "Введите целое число"),
        ("ru", {"stazh_months": "900"}, "stazh_months", "меньше либо равно 840"),
        ("ru", {"avg_monthly_income": ""}, "avg_monthly_income", "Укажите среднемесячный доход"),
        ("ru", {"avg_monthly_income": "-5"}, "avg_monthly_income", "больше либо равно 0"),
        ("ru", {"iin": "12345"}, "iin", "ровно из 12 цифр"),
        ("ru", {"iin": "850712300018"}, "iin", "контрольн"),
        ("ru", {"right_date": "1999-01-01"}, "right_date", "01.01.2005"),
        ("kk", {"right_date": "abc"}, "right_date", "Дұрыс күнді енгізіңіз"),
    ],
)
def test_bad_input_is_answered_on_its_field_in_the_page_language(
    staff: Client, lang: str, change: dict[str, str], field: str, message: str
) -> None:
    data = {"benefit": "disability", **BASE, **FACTS["disability"], **change}
    page = staff.get(URL.format(lang=lang), data).content.decode()
    row = page[page.index(f'<label for="id_{field}"') :]
    row = row[: row.index("</tr>")]
    assert message in row
    assert 'id="amounts"' not in page  # nothing calculated


def test_an_unknown_iin_is_answered_in_the_page_language(staff: Client) -> None:
    data = {"benefit": "job_loss", "right_date": "2025-05-12", "iin": "850712300017"}
    page = staff.get(URL.format(lang="ru"), data).content.decode()
    assert "Лица с ИИН 850712300017 нет в реестре" in page
    assert "registry" not in page
