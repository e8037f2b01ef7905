"""The person card: contributions by month and payer, statements, e-cases, awards with their
payments, refunds and, for the head, who saw the person; every staff view of it logged."""

import random
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from benefits.amounts import split_gross
from benefits.services.awards import award_create
from gfss.common.identifiers import make_bin
from gfss.common.periods import add_months
from gfss.legal.selectors import parameter_value
from gfss.org.models import AccessLogEntry, Region, Role
from tests.benefits.cases import case_received, contributions_paid, insured_person
from tests.factories import PayerFactory, PersonFactory, branch

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _award(person, *, start=date(2024, 1, 1), gross="80000.00"):
    amount = Decimal(gross)
    opv, _ = split_gross(
        amount, benefit="disability", opv_rate=parameter_value("benefit.opv_rate", on=start)
    )
    return award_create(
        person=person,
        benefit="disability",
        branch=branch("75"),
        right_date=start,
        assigned_on=start,
        start_date=start,
        end_date=add_months(start, 3),
        gross=amount,
        opv=opv,
        actor=None,
    )


def test_the_card_shows_the_persons_history_and_is_logged(specialist):
    # given a person with contributions from two payers, an e-case and an award
    person = insured_person()
    second = PayerFactory(name="ТОО «Второй работодатель»")
    contributions_paid(person, months=3, amount=Decimal("2000.00"), payer_idn=second.idn)
    case = case_received(person)
    award = _award(person)
    # when the specialist opens the card
    page = _client(specialist).get(f"/ru/persons/{person.iin}/").content.decode()
    # then each section is there, with the months by payer, money written the Russian way
    assert person.iin in page
    assert 'id="contributions-table"' in page
    assert "ТОО «Второй работодатель»" in page
    assert "12\u00a0500,00" in page  # February 2025: 10 500 from one payer and 2 000 from the other
    assert f"/ru/contributions/statement/{person.iin}/" in page
    assert f"/ru/cases/{case.uuid}/" in page
    assert f'id="award-{award.uuid}"' in page
    assert "Выплаты по месяцам" in page
    assert 'id="person-refunds"' in page
    # and only the head reads who saw the person
    assert 'id="person-access-log"' not in page
    # and the view is in the access log, as a person card
    entry = AccessLogEntry.objects.get(iin=person.iin)
    assert (entry.user_id, entry.subject) == (specialist.pk, "person")


def test_a_year_of_the_history_opens_by_its_link(specialist):
    person = PersonFactory()
    contributions_paid(person, before=date(2020, 1, 10), months=2, amount=Decimal("3100.00"))
    contributions_paid(person, before=date(2023, 1, 10), months=1, amount=Decimal("4700.00"))
    client = _client(specialist)
    latest = client.get(f"/ru/persons/{person.iin}/").content.decode()
    assert "4\u00a0700,00" in latest
    assert "3\u00a0100,00" not in latest.split('id="contributions-table"')[1]
    assert "?year=2019#contributions" in latest
    older = client.get(f"/ru/persons/{person.iin}/", {"year": "2019"}).content.decode()
    assert "3\u00a0100,00" in older.split('id="contributions-table"')[1]


def test_the_head_sees_who_saw_the_person(specialist, make_staff):
    person = PersonFactory()
    _client(specialist).get(f"/ru/persons/{person.iin}/")
    head = make_staff(Role.HEAD)
    page = _client(head).get(f"/ru/persons/{person.iin}/").content.decode()
    log = page.split('id="person-access-log"')[1].split("</table>")[0]
    assert specialist.username in log
    assert head.username in log  # the head's own view is logged too


def test_a_person_of_another_branch_is_not_found_and_not_logged(specialist):
    stranger = PersonFactory(region=Region.objects.get(code="71"))
    assert _client(specialist).get(f"/ru/persons/{stranger.iin}/").status_code == 404
    assert not AccessLogEntry.objects.filter(iin=stranger.iin).exists()


def test_the_refund_officer_sees_the_card_without_the_branch_sections(make_staff):
    person = PersonFactory()
    case_received(insured_person())
    page = _client(make_staff(Role.REFUND_OFFICER)).get(f"/ru/persons/{person.iin}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert 'id="person-refunds"' in text
    assert 'id="person-cases"' not in text  # refund officers read no e-cases


def test_the_card_in_kazakh(specialist):
    person = insured_person()
    page = _client(specialist).get(f"/kk/persons/{person.iin}/").content.decode()
    assert "Аударымдар айлар мен төлеушілер бойынша" in page
    assert "Contributions by month" not in page


def _queries(client, person) -> int:
    client.get(f"/ru/persons/{person.iin}/")
    with CaptureQueriesContext(connection) as queries:
        assert client.get(f"/ru/persons/{person.iin}/").status_code == 200
    return len(queries)


def test_twenty_years_of_history_cost_no_more_queries_than_one(specialist):
    # given a person with one year of contributions and one with twenty, from two payers,
    # each with one award
    short, long = PersonFactory(), PersonFactory()
    contributions_paid(short, months=12, amount=Decimal("1000.00"))
    for year in range(2006, 2026):
        contributions_paid(long, before=date(year, 1, 10), months=12, amount=Decimal("1000.00"))
    contributions_paid(
        long,
        months=12,
        amount=Decimal("500.00"),
        payer_idn=make_bin(registered=date(2010, 1, 1), rng=random.Random(9)),
    )
    _award(short)
    _award(long)
    client = _client(specialist)
    # then the card reads both in the same number of queries
    assert _queries(client, long) == _queries(client, short)


def test_five_awards_cost_no_more_queries_than_one(specialist):
    one, five = insured_person(), insured_person()
    _award(one)
    for year in range(2020, 2025):
        _award(five, start=date(year, 1, 1))
    client = _client(specialist)
    counts = []
    for person in (one, five):
        client.get(f"/ru/persons/{person.iin}/")  # warm: permissions, parameters
        with CaptureQueriesContext(connection) as queries:
            page = client.get(f"/ru/persons/{person.iin}/").content.decode()
        counts.append(len(queries))
    assert page.count('class="card award"') == 5
    assert counts[0] == counts[1], counts
