"""The statement search answers bad input on its form, in the user's language, never a 404."""

import random
from datetime import date

import pytest
from django.test import Client

from gfss.common.identifiers import make_iin
from gfss.org.models import Role
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_ru(make_staff) -> Client:
    client = Client()
    client.force_login(make_staff(Role.SPECIALIST))
    return client


@pytest.mark.parametrize(
    ("iin", "message"),
    [
        ("85071230001", "должен состоять ровно из 12 цифр"),  # short
        ("85071230001A", "должен состоять ровно из 12 цифр"),  # a letter
        ("850712300018", "контрольного разряда"),  # a wrong check digit
    ],
)
def test_a_malformed_iin_is_answered_on_the_form(client_ru, iin, message):
    response = client_ru.get("/ru/contributions/statement/", {"iin": iin})
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    assert 'id="iin-error"' in page
    assert f'value="{iin}"' in page


def test_an_unknown_person_is_answered_on_the_form(client_ru):
    iin = make_iin(birth_date=date(1990, 1, 2), sex="F", rng=random.Random(3))
    response = client_ru.get("/ru/contributions/statement/", {"iin": iin})
    assert response.status_code == 200
    assert f"Нет человека с ИИН {iin}" in response.content.decode()


def test_a_known_person_opens_the_statement(client_ru):
    person = PersonFactory()
    response = client_ru.get("/ru/contributions/statement/", {"iin": person.iin})
    assert response.status_code == 302
    assert response["Location"] == f"/ru/contributions/statement/{person.iin}/"
