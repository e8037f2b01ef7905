"""Awards from e-cases: periods per benefit; later decisions (recalculate, suspend, resume,
terminate with a checker)."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from benefits.award_periods import award_period
from benefits.exceptions import AwardDecisionPendingError, AwardStateError, CheckerIsMakerError
from benefits.models import Award, AwardAmount, AwardDecision, BenefitType
from benefits.pension_age import pension_date
from benefits.services.applications import application_assign
from benefits.services.award_decisions import (
    award_decision_confirm,
    award_recalculate,
    award_resume,
    award_suspend,
    award_terminate,
)
from gfss.org.models import Role
from tests.benefits.cases import RIGHT_DATE, case_received, documents_for, insured_person

pytestmark = pytest.mark.django_db

FAR = date(2060, 1, 1)


@pytest.mark.parametrize(
    ("birth", "sex", "expected"),
    [
        (date(1960, 5, 1), "M", date(2023, 5, 1)),  # men 63
        (date(1962, 1, 15), "F", date(2022, 7, 15)),  # 60.5 in 2022
        (date(1964, 2, 1), "F", date(2025, 2, 1)),  # 61 in 2025
        (date(1966, 3, 1), "F", date(2029, 3, 1)),  # 63 from 2027
    ],
)
def test_pension_age_table(birth, sex, expected):
    assert pension_date(birth_date=birth, sex=sex) == expected


@pytest.mark.parametrize(
    ("kwargs", "start", "end"),
    [
        # disability: the expertise period, inclusive end → exclusive
        (
            {"benefit": "disability", "expertise_until": date(2026, 3, 9), "months": None},
            date(2025, 3, 10),
            date(2026, 3, 10),
        ),
        # disability without an end: to pension age
        ({"benefit": "disability", "months": None}, date(2025, 3, 10), FAR),
        # job loss: N months
        ({"benefit": "job_loss", "months": 6}, date(2025, 3, 10), date(2025, 9, 10)),
        # childcare: to the age limit in force on the right date (12 in 2022, 18 from 2023)
        (
            {"benefit": "childcare", "months": 12, "child_birth_date": date(2022, 5, 10)},
            date(2025, 3, 10),
            date(2023, 5, 10),
        ),
        # maternity: a lump sum, no end
        ({"benefit": "maternity", "months": None}, date(2025, 3, 10), None),
    ],
)
def test_award_periods(kwargs, start, end):
    period = award_period(right_date=date(2025, 3, 10), pension_date=FAR, **kwargs)
    assert (period.start, period.end) == (start, end)


def test_job_loss_stops_at_pension_age():
    period = award_period(
        benefit="job_loss", right_date=date(2025, 3, 10), pension_date=date(2025, 5, 1), months=6
    )
    assert period.end == date(2025, 5, 1)


def test_breadwinner_is_open_ended_and_notes_the_youngest_dependent():
    period = award_period(
        benefit="breadwinner",
        right_date=date(2025, 3, 10),
        pension_date=FAR,
        months=None,
        dependent_birth_dates=(date(2010, 1, 1), date(2015, 6, 1)),
    )
    assert period.end is None
    assert period.dependents_adult_on == date(2033, 6, 1)


def _disability_award(specialist) -> Award:
    documents = documents_for(BenefitType.DISABILITY, period_to=date(2026, 3, 9))
    case = case_received(insured_person(), benefit=BenefitType.DISABILITY, documents=documents)
    application_assign(actor=specialist, application_id=case.pk)
    return Award.objects.get(application=case)


def test_recalculation_appends_an_amount_from_the_date(specialist):
    # given a disability award at degree 0.60
    award = _disability_award(specialist)
    first = award.amounts.get()
    # when the degree becomes 0.80 from July
    decision = award_recalculate(
        actor=specialist,
        award_id=award.pk,
        effective_date=date(2025, 7, 1),
        degree=Decimal("0.80"),
        reason="Re-examination",
    )
    # then a recalculation amount is appended, higher, and the first stays as it was
    amounts = list(award.amounts.order_by("valid_from"))
    assert [a.reason for a in amounts] == ["assignment", "recalculation"]
    assert amounts[0] == first
    assert amounts[0].gross == first.gross
    assert amounts[1].gross > first.gross
    assert amounts[1].valid_from == date(2025, 7, 1)
    assert decision.status == "applied"
    assert award.application.events.last().kind == "award_decision"


def test_suspend_then_resume(specialist):
    # given an active award
    award = _disability_award(specialist)
    # when it is suspended and resumed
    award_suspend(
        actor=specialist, award_id=award.pk, effective_date=date(2025, 6, 1), reason="No show"
    )
    assert Award.objects.get(pk=award.pk).status == "suspended"
    with pytest.raises(AwardStateError):
        award_suspend(
            actor=specialist, award_id=award.pk, effective_date=date(2025, 6, 1), reason="again"
        )
    award_resume(
        actor=specialist, award_id=award.pk, effective_date=date(2025, 8, 1), reason="Came"
    )
    # then it is active again and both decisions are on the e-case
    assert Award.objects.get(pk=award.pk).status == "active"
    assert list(award.decisions.values_list("kind", flat=True)) == ["suspend", "resume"]


def test_termination_waits_for_a_head_who_is_not_the_maker(specialist, make_staff):
    # given a termination asked by a specialist
    award = _disability_award(specialist)
    decision = award_terminate(
        actor=specialist, award_id=award.pk, effective_date=date(2025, 9, 1), reason="Death"
    )
    assert Award.objects.get(pk=award.pk).status == "active"
    # a second one while it waits is a conflict
    with pytest.raises(AwardDecisionPendingError):
        award_terminate(
            actor=specialist, award_id=award.pk, effective_date=date(2025, 9, 1), reason="x"
        )
    # the maker, even as a head, cannot confirm
    head = make_staff(Role.HEAD)
    # when the head confirms
    award_decision_confirm(actor=head, decision_id=decision.pk)
    # then the award is terminated from the date with the reason
    award.refresh_from_db()
    assert (award.status, award.terminated_on, award.termination_reason) == (
        "terminated",
        date(2025, 9, 1),
        "Death",
    )


def test_a_head_cannot_confirm_her_own_termination(make_staff, specialist):
    # given a termination a head asked for herself
    award = _disability_award(specialist)
    head = make_staff(Role.HEAD)
    decision = award_terminate(
        actor=head, award_id=award.pk, effective_date=date(2025, 9, 1), reason="Moved abroad"
    )
    # when she confirms it
    with pytest.raises(CheckerIsMakerError):
        award_decision_confirm(actor=head, decision_id=decision.pk)
    # and the database would refuse it too
    with pytest.raises(IntegrityError), transaction.atomic():
        AwardDecision.objects.filter(pk=decision.pk).update(confirmed_by=head)


def test_amounts_stay_append_only_through_decisions(specialist):
    award = _disability_award(specialist)
    award_recalculate(
        actor=specialist,
        award_id=award.pk,
        effective_date=date(2025, 5, 1),
        dependents=None,
        degree=Decimal("0.40"),
    )
    assert AwardAmount.objects.filter(award=award).count() == 2


def test_a_recalculation_keeps_the_indexations_received_since_assignment(specialist):
    from benefits.amounts import indexed_gross
    from payouts.services.events import event_apply_start, event_create
    from tests.payouts.conftest import run_to_end

    # given a disability award from March 2025, indexed by 10 % from June 2025
    award = _disability_award(specialist)
    event = event_create(
        kind="indexation",
        effective_date=date(2025, 6, 1),
        benefit_types=["disability"],
        selection="active_on",
        actor=None,
        percent=Decimal("10"),
    )
    assert run_to_end(event_apply_start(event_id=event.pk, actor=None)).status == "done"
    # when the degree changes from September
    decision = award_recalculate(
        actor=specialist,
        award_id=award.pk,
        effective_date=date(2025, 9, 1),
        degree=Decimal("0.80"),
        reason="Re-examination",
    )
    # then the new amount is the formula's, indexed by the same 10 %
    formula_gross = Decimal(decision.calculation["gross"])
    amount = award.amounts.get(reason="recalculation")
    assert amount.gross == indexed_gross(formula_gross, percent=Decimal("10"))
    assert amount.gross > formula_gross
    assert amount.opv == (amount.gross * Decimal("0.10")).quantize(Decimal("0.01"))


@pytest.mark.parametrize(
    ("language", "said"),
    [
        ("kk", "ең кіші асырауындағы адам 01.06.2033 18 жасқа толады"),
        ("ru", "младшему иждивенцу исполняется 18 лет 01.06.2033"),
    ],
)
def test_a_breadwinner_award_says_when_its_youngest_dependent_turns_18(
    specialist, client, language, said
):
    deceased = insured_person(death_date=RIGHT_DATE)
    documents = documents_for(BenefitType.BREADWINNER, deceased_iin=deceased.iin)
    case = case_received(insured_person(), benefit=BenefitType.BREADWINNER, documents=documents)
    application_assign(actor=specialist, application_id=case.pk)
    client.force_login(specialist)
    page = client.get(f"/{language}/cases/{case.uuid}/").content.decode()
    assert said in page
    assert "youngest dependent" not in page
