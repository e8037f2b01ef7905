"""Deciding e-cases: assign, refuse, return; maker-checker; conflicts; branch access."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from benefits.exceptions import (
    ApplicationNotFoundError,
    ApplicationStateError,
    CalculationNotEligibleError,
    CheckerIsMakerError,
    RoleNotAllowedError,
)
from benefits.models import Application, Award, BenefitType
from benefits.services.applications import (
    application_assign,
    application_confirm,
    application_decline,
    application_refuse,
    application_return,
    application_take,
)
from gfss.org.models import Role
from tests.benefits.cases import case_received, insured_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def head(make_staff):
    return make_staff(Role.HEAD)


def test_assign_as_calculated_creates_the_award_at_once(specialist):
    # given a received childcare case
    case = case_received(insured_person())
    application_take(actor=specialist, application_id=case.pk)
    # when the specialist assigns it as calculated
    case = application_assign(actor=specialist, application_id=case.pk)
    # then the case is assigned and the award pays the calculated amount to age 1.5
    assert case.status == Application.Status.ASSIGNED
    award = Award.objects.get(application=case)
    assert award.amounts.get().gross == case.calculated_gross
    assert award.start_date == date(2025, 3, 10)
    assert award.end_date == date(2026, 9, 10)
    kinds = list(case.events.values_list("kind", "from_status", "to_status"))
    assert kinds == [
        ("received", "", "received"),
        ("review_started", "received", "in_review"),
        ("assigned", "in_review", "assigned"),
    ]


def test_an_override_waits_for_the_head_and_the_award_uses_the_set_amount(specialist, head):
    # given a case the specialist assigns with an amount of her own
    case = case_received(insured_person())
    case = application_assign(
        actor=specialist, application_id=case.pk, override_gross=Decimal("50000.00")
    )
    assert case.status == Application.Status.AWAITING_CONFIRMATION
    assert not Award.objects.exists()
    # when the head confirms
    case = application_confirm(actor=head, application_id=case.pk)
    # then the award pays the set amount with OPV withheld
    amount = Award.objects.get(application=case).amounts.get()
    assert (amount.gross, amount.opv, amount.net) == (
        Decimal("50000.00"),
        Decimal("5000.00"),
        Decimal("45000.00"),
    )
    assert case.confirmed_by == head


def test_a_refusal_waits_for_the_head_then_is_final(specialist, head):
    # given a refusal
    case = case_received(insured_person())
    application_refuse(
        actor=specialist,
        application_id=case.pk,
        reason_code="documents_invalid",
        reason_text="The certificate is not confirmed by the registry.",
    )
    # when the head confirms it
    case = application_confirm(actor=head, application_id=case.pk)
    # then it is refused, with no award
    assert case.status == Application.Status.REFUSED
    assert not Award.objects.exists()


def test_the_checker_can_never_be_the_maker_service(make_staff):
    # given a head who refused a case herself
    head = make_staff(Role.HEAD)
    case = case_received(insured_person())
    application_refuse(
        actor=head, application_id=case.pk, reason_code="other", reason_text="Reason."
    )
    # when she tries to confirm her own decision
    with pytest.raises(CheckerIsMakerError) as error:
        application_confirm(actor=head, application_id=case.pk)
    # then it is refused with 403
    assert error.value.status_code == 403
    assert Application.objects.get(pk=case.pk).status == "awaiting_confirmation"


def test_the_checker_can_never_be_the_maker_database(specialist):
    # given a decided case
    case = case_received(insured_person())
    application_refuse(
        actor=specialist, application_id=case.pk, reason_code="other", reason_text="Reason."
    )
    # when a raw update sets the maker as the checker
    # then the database refuses
    with pytest.raises(IntegrityError), transaction.atomic():
        Application.objects.filter(pk=case.pk).update(confirmed_by=specialist)


def test_a_specialist_cannot_confirm(specialist, make_staff):
    # given a refusal by another specialist
    case = case_received(insured_person())
    application_refuse(
        actor=make_staff(), application_id=case.pk, reason_code="other", reason_text="Reason."
    )
    # when a specialist tries to confirm
    with pytest.raises(RoleNotAllowedError):
        application_confirm(actor=specialist, application_id=case.pk)


def test_the_head_may_send_a_decision_back(specialist, head):
    # given a refusal awaiting confirmation
    case = case_received(insured_person())
    application_refuse(
        actor=specialist, application_id=case.pk, reason_code="other", reason_text="Reason."
    )
    # when the head sends it back
    case = application_decline(actor=head, application_id=case.pk, comment="Check the income.")
    # then the case is in review again and the history keeps the declined decision
    assert case.status == Application.Status.IN_REVIEW
    assert case.decided_by is None
    event = case.events.last()
    assert event.kind == "declined"
    assert event.data["declined"]["refusal_code"] == "other"


def test_a_decision_on_a_decided_case_is_a_conflict(specialist, make_staff):
    # given a case one specialist assigned
    case = case_received(insured_person())
    application_assign(actor=specialist, application_id=case.pk)
    # when a second specialist refuses it
    with pytest.raises(ApplicationStateError) as error:
        application_refuse(
            actor=make_staff(), application_id=case.pk, reason_code="other", reason_text="Late."
        )
    # then a 409 says it was already decided, and one award exists
    assert (error.value.status_code, error.value.code) == (409, "application_already_decided")
    assert Award.objects.count() == 1


def test_a_user_of_another_branch_gets_not_found(make_staff):
    # given an Almaty case and an Astana specialist
    case = case_received(insured_person())
    astana = make_staff(Role.SPECIALIST, region="71")
    # when she tries to decide it
    with pytest.raises(ApplicationNotFoundError) as error:
        application_assign(actor=astana, application_id=case.pk)
    # then the case does not exist for her
    assert error.value.status_code == 404
    assert Application.objects.get(pk=case.pk).status == "received"


def test_the_central_analyst_reads_but_never_writes(make_staff):
    # given a case and a central analyst
    case = case_received(insured_person())
    analyst = make_staff(Role.ANALYST)
    # when the analyst tries to assign it
    with pytest.raises(RoleNotAllowedError) as error:
        application_assign(actor=analyst, application_id=case.pk)
    # then 403
    assert error.value.status_code == 403


def test_an_ineligible_case_cannot_be_assigned_as_calculated(specialist):
    # given a maternity case of a person without contributions
    from tests.factories import PersonFactory

    person = PersonFactory(birth_date=date(1990, 4, 2), sex="F")
    case = case_received(person, benefit=BenefitType.MATERNITY)
    # when the specialist assigns it as calculated
    with pytest.raises(CalculationNotEligibleError):
        application_assign(actor=specialist, application_id=case.pk)


def test_return_for_correction_needs_a_comment_and_is_final(specialist):
    # given a case
    case = case_received(insured_person())
    # when it is returned
    case = application_return(
        actor=specialist, application_id=case.pk, comment="Sick-leave sheet missing a page."
    )
    # then it is returned and cannot be decided any more
    assert case.status == Application.Status.RETURNED
    with pytest.raises(ApplicationStateError):
        application_assign(actor=specialist, application_id=case.pk)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_specialists_deciding_at_once_one_wins(make_staff):
    """Both requests pass the status check only under the row lock: the second waits, then
    sees the first's decision and gets the conflict."""
    import threading

    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    # given a case and two specialists
    case = case_received(insured_person())
    first, second = make_staff(), make_staff()
    barrier = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def decide(name, actor, action):
        barrier.wait()
        try:
            action(actor)
            outcomes[name] = "ok"
        except ApplicationStateError as error:
            outcomes[name] = error.code
        finally:
            connection.close()

    threads = [
        threading.Thread(
            target=decide,
            args=("assign", first, lambda a: application_assign(actor=a, application_id=case.pk)),
        ),
        threading.Thread(
            target=decide,
            args=(
                "refuse",
                second,
                lambda a: application_refuse(
                    actor=a, application_id=case.pk, reason_code="other", reason_text="x"
                ),
            ),
        ),
    ]
    # when both decide at the same moment
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # then exactly one won and the other got the conflict
    assert sorted(outcomes.values()) == ["application_already_decided", "ok"]
    assert Application.objects.get(pk=case.pk).events.count() == 2
