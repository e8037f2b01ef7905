"""The database path: facts from the contribution ledger, loaded through real MT-102 files."""

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest
from rest_framework.test import APIClient

from benefits.calculation import Request, benefit_calculate, benefit_calculate_many
from benefits.services.awards import award_create
from gfss.api.permissions import Scope
from gfss.common.periods import periods_between
from participants.models import FamilyLink
from tests.contributions.documents import document, line_for, load
from tests.factories import PersonFactory, branch

pytestmark = pytest.mark.django_db

EMPLOYER = "150540012348"
SECOND_EMPLOYER = "940140000385"


def pay(person: Any, *, payer: str, first: date, last: date, amount: str, value_date: date) -> None:
    """One real MT-102 document carrying a line per month."""
    lines = [line_for(person, amount, period) for period in periods_between(first, last)]
    report = load(document(payer_idn=payer, lines=lines, value_date=value_date))
    assert report.status == "accepted", report.as_json()


def pay_golden_job_loss_history(person: Any) -> None:
    """The contributions of the golden case job-loss-from-contributions: 24 × 17,500.00."""
    pay(
        person,
        payer=EMPLOYER,
        first=date(2023, 1, 1),
        last=date(2024, 12, 1),
        amount="17500.00",
        value_date=date(2025, 1, 10),
    )


def test_golden_job_loss_from_contributions_through_the_ledger() -> None:
    # given the golden case job-loss-from-contributions, paid in by MT-102
    person = PersonFactory()
    pay_golden_job_loss_history(person)
    # when
    result = benefit_calculate(benefit="job_loss", right_date=date(2025, 1, 15), person=person)
    # then
    assert result.avg_monthly_income == 495000
    assert (result.stazh_months, result.ksu, result.months) == (24, Decimal("0.85"), 3)
    assert (result.gross, result.opv, result.net) == (
        Decimal("189337.50"),
        Decimal("18933.75"),
        Decimal("170403.75"),
    )


def test_golden_maternity_with_two_payers_capped_through_the_ledger() -> None:
    person = PersonFactory(sex="F")
    for payer, amount in ((EMPLOYER, "25000.00"), (SECOND_EMPLOYER, "3500.00")):
        pay(
            person,
            payer=payer,
            first=date(2024, 1, 1),
            last=date(2024, 12, 1),
            amount=amount,
            value_date=date(2025, 1, 10),
        )
    result = benefit_calculate(
        benefit="maternity", right_date=date(2025, 2, 1), person=person, stated={"days": 126}
    )
    assert result.avg_monthly_income == Fraction(11 * 695000, 12)  # 637,083.33…
    assert result.stazh_months == 12
    assert (result.gross, result.opv, result.net) == (
        Decimal("2675750.00"),
        Decimal("267575.00"),
        Decimal("2408175.00"),
    )


def test_job_loss_exact_half_tiyn_through_the_ledger() -> None:
    # given rules.md §3.4: 18,193.90 each month 2023-08 … 2024-02, paid in by MT-102
    person = PersonFactory()
    pay(
        person,
        payer=EMPLOYER,
        first=date(2023, 8, 1),
        last=date(2024, 2, 1),
        amount="18193.90",
        value_date=date(2024, 3, 5),
    )
    # when the right arises on 2024-03-24
    result = benefit_calculate(
        benefit="job_loss",
        right_date=date(2024, 3, 24),
        person=person,
        received_before=date(2024, 3, 24),
    )
    # then the exact 45,801.675 rounds up to 45,801.68
    assert result.avg_monthly_income == Fraction(1017815, 7)
    assert (result.stazh_months, result.ksu, result.months) == (7, Decimal("0.7"), 1)
    assert (result.gross, result.opv, result.net) == (
        Decimal("45801.68"),
        Decimal("4580.17"),
        Decimal("41221.51"),
    )


def test_adoption_exact_half_tiyn_through_the_ledger() -> None:
    # given 10,000.01 paid for 2025-01 by MT-102
    person = PersonFactory()
    pay(
        person,
        payer=EMPLOYER,
        first=date(2025, 1, 1),
        last=date(2025, 1, 1),
        amount="10000.01",
        value_date=date(2025, 1, 24),
    )
    # when adoption is calculated for 45 days from 2025-02-01
    result = benefit_calculate(
        benefit="adoption", right_date=date(2025, 2, 1), person=person, stated={"days": 45}
    )
    # then the exact 25,000.025 rounds up to 25,000.03
    assert (result.gross, result.opv, result.net) == (
        Decimal("25000.03"),
        Decimal("2500.00"),
        Decimal("22500.03"),
    )


def test_contributions_received_after_the_application_do_not_count() -> None:
    person = PersonFactory()
    pay(
        person,
        payer=EMPLOYER,
        first=date(2023, 1, 1),
        last=date(2024, 11, 1),
        amount="17500.00",
        value_date=date(2024, 12, 10),
    )
    # the December contribution arrives after the application of 2025-01-05
    pay(
        person,
        payer=EMPLOYER,
        first=date(2024, 12, 1),
        last=date(2024, 12, 1),
        amount="17500.00",
        value_date=date(2025, 1, 20),
    )
    before = benefit_calculate(
        benefit="job_loss",
        right_date=date(2025, 1, 15),
        person=person,
        received_before=date(2025, 1, 5),
    )
    after = benefit_calculate(benefit="job_loss", right_date=date(2025, 1, 15), person=person)
    assert before.stazh_months == 23
    assert after.stazh_months == 24
    assert before.avg_monthly_income < after.avg_monthly_income


def test_a_person_without_contributions_is_refused_not_zeroed() -> None:
    person = PersonFactory()
    result = benefit_calculate(
        benefit="job_loss", right_date=date(2025, 1, 15), person=person, stated={"stazh_months": 30}
    )
    assert result.eligible is False
    assert result.refusal_reason == "no_contribution_in_window"


def test_a_repeat_job_loss_claim_counts_the_months_received_before() -> None:
    # given 36 months of contributions and a 2-month job-loss award in 2023
    person = PersonFactory()
    pay(
        person,
        payer=EMPLOYER,
        first=date(2022, 1, 1),
        last=date(2024, 12, 1),
        amount="17500.00",
        value_date=date(2025, 1, 10),
    )
    award_create(
        person=person,
        benefit="job_loss",
        branch=branch(),
        right_date=date(2023, 3, 1),
        assigned_on=date(2023, 3, 3),
        start_date=date(2023, 3, 1),
        end_date=date(2023, 5, 1),
        gross=Decimal("100000.00"),
        opv=Decimal("10000.00"),
        actor=None,
    )
    # when
    result = benefit_calculate(benefit="job_loss", right_date=date(2025, 1, 15), person=person)
    # then 36 months less 12 for each of the 2 months received: 12, so КСУ 0.75 and 2 months
    assert result.stazh_months == 12
    assert (result.ksu, result.months) == (Decimal("0.75"), 2)


def test_birth_order_comes_from_family_links() -> None:
    mother = PersonFactory(sex="F", birth_date=date(1990, 3, 1))
    first = PersonFactory(birth_date=date(2019, 5, 1))
    second = PersonFactory(birth_date=date(2024, 11, 20))
    for child in (second, first):
        FamilyLink.objects.create(person=mother, relative=child, kind=FamilyLink.Kind.CHILD)
    pay(
        mother,
        payer=EMPLOYER,
        first=date(2023, 1, 1),
        last=date(2024, 10, 1),
        amount="700.00",
        value_date=date(2024, 11, 10),
    )
    result = benefit_calculate(
        benefit="childcare",
        right_date=date(2024, 11, 20),
        person=mother,
        stated={"child_iin": second.iin},
    )
    floor_step = next(step for step in result.trace if step.key == "childcare_floor")
    assert floor_step.values["allowance MRP"] == "6.81"  # second child


def test_many_calculations_take_a_constant_number_of_queries(
    django_assert_max_num_queries: Any,
) -> None:
    persons = PersonFactory.create_batch(5)
    for person in persons:
        pay_golden_job_loss_history(person)
    requests = [
        Request(person_id=p.pk, benefit="job_loss", right_date=date(2025, 1, 15)) for p in persons
    ]
    with django_assert_max_num_queries(4):
        results = benefit_calculate_many(requests)
    assert {r.gross for r in results} == {Decimal("189337.50")}


def test_the_api_calculates_from_an_iin(partner_api: Callable[..., APIClient]) -> None:
    person = PersonFactory()
    pay_golden_job_loss_history(person)
    body = (
        partner_api(Scope.CALCULATE)
        .post(
            "/api/v1/benefits/calculate",
            {"benefit": "job_loss", "right_date": "2025-01-15", "iin": person.iin},
            format="json",
        )
        .json()
    )
    assert body["gross"] == "189337.50"
    assert body["stazh_months"] == 24
