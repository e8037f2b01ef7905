"""The header's search: an IIN or BIN opens its card, a name lists the persons or payers who
bear it, and bad input is answered on the form in the user's language."""

import random
from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from gfss.common.identifiers import make_iin
from gfss.org.models import Region, Role
from participants.models import Person
from participants.search import search_text_parse
from tests.factories import PayerFactory, PersonFactory

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def client_ru(specialist) -> Client:
    return _client(specialist)


def test_every_staff_page_has_the_search_field(client_ru):
    for path in ("/ru/", "/ru/cases/", "/ru/contributions/documents/"):
        page = client_ru.get(path).content.decode()
        assert 'id="header-search"' in page
        assert 'action="/ru/search/"' in page


def test_an_iin_opens_the_person_card(client_ru):
    person = PersonFactory()
    response = client_ru.get("/ru/search/", {"q": f" {person.iin} "})
    assert response.status_code == 302
    assert response["Location"] == f"/ru/persons/{person.iin}/"


def test_a_bin_opens_the_payer_card(client_ru):
    payer = PayerFactory()
    response = client_ru.get("/ru/search/", {"q": payer.idn})
    assert response.status_code == 302
    assert response["Location"] == f"/ru/payers/{payer.idn}/"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("85071230001", "ровно 12 цифр"),  # short
        ("85071230001A", "ровно 12 цифр"),  # a letter among the digits
        ("850712300018", "контрольный разряд"),  # a wrong check digit
        ("Ив", "не меньше 3 букв"),  # too short a name
        ("Иванов_", "только из букв"),  # not a name
    ],
)
def test_bad_input_is_answered_on_the_form_in_russian(client_ru, text, message):
    response = client_ru.get("/ru/search/", {"q": text})
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    assert 'id="search-error"' in page
    assert f'value="{text}"' in page


def test_bad_input_is_answered_in_kazakh(specialist):
    page = _client(specialist).get("/kk/search/", {"q": "85071230001"}).content.decode()
    assert "12 цифр" in page
    assert "exactly" not in page


def test_an_unknown_iin_is_answered_on_the_form(client_ru):
    iin = make_iin(birth_date=date(1990, 1, 2), sex="F", rng=random.Random(3))
    response = client_ru.get("/ru/search/", {"q": iin})
    assert response.status_code == 200
    assert f"Ни человека, ни плательщика с ИИН или БИН {iin}" in response.content.decode()


def test_a_person_of_another_region_is_unknown_to_the_branch(client_ru):
    stranger = PersonFactory(region=Region.objects.get(code="71"))
    response = client_ru.get("/ru/search/", {"q": stranger.iin})
    assert response.status_code == 200
    assert 'id="search-error"' in response.content.decode()
    assert client_ru.get(f"/ru/persons/{stranger.iin}/").status_code == 404


@pytest.mark.parametrize("typed", ["иманбаев", "ИМАНБАЕВ", "Иманбаев", "манбае", "иманбаев али"])
def test_a_name_finds_the_person_however_it_is_typed(client_ru, typed):
    wanted = PersonFactory(surname="Иманбаев", first_name="Алишер", patronymic="Серикович")
    PersonFactory(surname="Иманова", first_name="Алия")
    page = client_ru.get("/ru/search/", {"q": typed}).content.decode()
    assert f"/ru/persons/{wanted.iin}/" in page
    assert "Иманова" not in page


def test_names_are_listed_page_by_page(client_ru):
    for number in range(51):
        PersonFactory(surname="Жаксылыков", first_name=f"Ерлан{chr(1040 + number % 32)}")
    first = client_ru.get("/ru/search/", {"q": "Жаксылыков"}).content.decode()
    assert first.count("/ru/persons/") == 50
    assert 'id="search-next"' in first
    second = client_ru.get("/ru/search/", {"q": "Жаксылыков", "page": "2"}).content.decode()
    assert second.count("/ru/persons/") == 1
    assert 'id="search-next"' not in second


def test_a_payer_name_lists_the_payers(client_ru):
    payer = PayerFactory(name="ТОО «Алатау Құрылыс»")
    page = client_ru.get("/ru/search/", {"q": "алатау", "kind": "payer"}).content.decode()
    assert f"/ru/payers/{payer.idn}/" in page
    page = client_ru.get("/ru/search/", {"q": "тоо алатау", "kind": "payer"}).content.decode()
    assert f"/ru/payers/{payer.idn}/" in page


def test_the_search_writes_nothing(client_ru):
    person = PersonFactory(surname="Ахметов")
    before = Person.objects.count()
    client_ru.get("/ru/search/", {"q": "Ахметов"})
    assert Person.objects.count() == before
    assert person.pk


def test_a_caller_without_a_role_is_refused(make_staff):
    outsider = get_user_model().objects.create_user("nobody", password="x-1234-yz")
    assert _client(outsider).get("/ru/search/", {"q": "Ахметов"}).status_code == 403
    assert _client(make_staff(Role.ANALYST)).get("/ru/search/", {"q": "Ахметов"}).status_code == 200


def test_spaces_inside_an_iin_are_ignored():
    iin = make_iin(birth_date=date(1985, 7, 12), sex="M", rng=random.Random(1))
    assert search_text_parse(f"{iin[:6]} {iin[6:]}").number == iin
