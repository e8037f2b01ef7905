"""An application arrives: the e-case is assembled, or a specific error and nothing written."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from benefits.exceptions import (
    BenefitAlreadyReceivedError,
    DateInFutureError,
    FactsMissingError,
    PersonOfPensionAgeError,
    PersonUnknownError,
)
from benefits.models import Application, ApplicationEvent, BenefitType
from benefits.rules.errors import DegreeOutOfRangeError
from gfss.legal.calendar import add_working_days
from tests.benefits.cases import (
    RECEIVED_ON,
    RIGHT_DATE,
    a_child_iin,
    case_received,
    contributions_paid,
    documents_for,
    insured_person,
)
from tests.factories import PersonFactory, branch

pytestmark = pytest.mark.django_db


def test_the_e_case_is_assembled_on_arrival():
    # given an insured mother with 24 months of contributions
    mother = insured_person()
    # when her childcare application arrives
    case = case_received(mother)
    # then the case has the calculation with its trace, the checks, the branch, the deadlines
    assert case.status == Application.Status.RECEIVED
    assert case.branch == branch("75")
    assert case.eligible is True
    assert case.calculated_gross > 0
    assert case.calculation["trace"][0]["label"]["kk"]
    assert {c["code"] for c in case.checks} >= {"calculation_eligible", "single_carer"}
    assert case.decision_due == add_working_days(RECEIVED_ON, 4)
    assert case.service_due == add_working_days(RECEIVED_ON, 8)
    assert case.facts == {"birth_order": 1, "child_iin": case.facts["child_iin"]}
    event = case.events.get()
    assert (event.kind, event.from_status, event.to_status) == ("received", "", "received")
    assert event.data["calculation"]["gross"] == case.calculation["gross"]


def test_job_loss_has_the_shorter_whole_service_deadline():
    # given an insured person
    person = insured_person()
    # when a job-loss application arrives
    case = case_received(person, benefit=BenefitType.JOB_LOSS)
    # then the whole service is due in 6 working days
    assert case.service_due == add_working_days(RECEIVED_ON, 6)
    assert case.calculation["months"] >= 1


def test_contributions_received_after_the_application_do_not_count():
    # given a person whose only contributions were paid after the application date
    person = PersonFactory(birth_date=date(1990, 4, 2), sex="F")
    contributions_paid(person, value_date=RECEIVED_ON + timedelta(days=1))
    # when the application is assembled
    case = case_received(person, benefit=BenefitType.MATERNITY)
    # then the calculation sees no income and refuses
    assert case.eligible is False
    assert case.calculation["refusal_reason"] == "amount_not_positive"


def test_breadwinner_is_calculated_on_the_deceased():
    # given a deceased participant with contributions and the applicant, his widow
    deceased = PersonFactory(birth_date=date(1980, 1, 5), sex="M", death_date=RIGHT_DATE)
    contributions_paid(deceased)
    widow = PersonFactory(birth_date=date(1982, 3, 3), sex="F")
    # when the widow applies with the death certificate
    documents = documents_for(BenefitType.BREADWINNER, deceased_iin=deceased.iin)
    case = case_received(widow, benefit=BenefitType.BREADWINNER, documents=documents)
    # then the insured person is the deceased and the death is confirmed by the registry
    assert case.insured_person == deceased
    assert case.eligible is True
    assert {"code": "death_registered", "ok": True, "detail": "2025-03-10"} in case.checks


def _nothing_written() -> None:
    assert not Application.objects.exists()
    assert not ApplicationEvent.objects.exists()


def test_an_unknown_iin_is_refused():
    # when an application names an IIN the registry does not have
    with pytest.raises(PersonUnknownError) as error:
        case_received(PersonFactory.build(birth_date=date(1990, 1, 1), sex="F"))
    # then the error says so and nothing is written
    assert error.value.code == "person_unknown"
    _nothing_written()


def test_a_person_of_pension_age_is_refused():
    # given a man of 64
    person = PersonFactory(birth_date=date(1960, 1, 10), sex="M")
    # when he applies for job loss
    with pytest.raises(PersonOfPensionAgeError) as error:
        case_received(person, benefit=BenefitType.JOB_LOSS)
    # then the error gives the day he reached pension age
    assert error.value.extra["pension_date"] == "2023-01-10"
    _nothing_written()


def test_the_same_benefit_for_the_same_event_is_refused():
    # given a childcare case for a child
    mother = insured_person()
    child = a_child_iin()
    documents = documents_for(BenefitType.CHILDCARE, child_iin=child)
    first = case_received(mother, documents=documents)
    # when the same application arrives again
    with pytest.raises(BenefitAlreadyReceivedError) as error:
        case_received(mother, documents=documents)
    # then it is a conflict naming the case already there, and only one case exists
    assert error.value.status_code == 409
    assert error.value.extra["application"] == str(first.uuid)
    assert Application.objects.count() == 1


def test_a_refused_event_may_be_applied_for_again(make_staff):
    # given a case returned for correction
    from benefits.services.applications import application_return

    mother = insured_person()
    documents = documents_for(BenefitType.CHILDCARE, child_iin=a_child_iin())
    first = case_received(mother, documents=documents)
    application_return(
        actor=make_staff(), application_id=first.pk, comment="The certificate is unreadable."
    )
    # when the corrected application arrives
    second = case_received(mother, documents=documents)
    # then it is a new case
    assert second.pk != first.pk


def test_a_right_date_in_the_future_is_refused():
    # given tomorrow as the date of the right
    tomorrow = timezone.localdate() + timedelta(days=1)
    # when the application arrives
    with pytest.raises(DateInFutureError) as error:
        case_received(insured_person(), right_date=tomorrow, received_on=RECEIVED_ON)
    # then
    assert error.value.code == "right_date_in_future"
    _nothing_written()


@pytest.mark.parametrize(
    ("benefit", "documents", "missing"),
    [
        (BenefitType.DISABILITY, {}, ["medical_expertise"]),
        (
            BenefitType.DISABILITY,
            {"medical_expertise": {"period_from": RIGHT_DATE}},
            ["medical_expertise.degree"],
        ),
        (BenefitType.MATERNITY, {"sick_leave": {"first_day": RIGHT_DATE}}, ["sick_leave.days"]),
        (BenefitType.BREADWINNER, {"birth_certificate": {}}, ["death_certificate"]),
        (
            BenefitType.ADOPTION,
            {"sick_leave": {"first_day": RIGHT_DATE, "days": 56}},
            ["adoption_decision"],
        ),
    ],
)
def test_missing_facts_are_named(benefit, documents, missing):
    # given an application without what the benefit needs
    person = PersonFactory(birth_date=date(1990, 4, 2), sex="F")
    # when it arrives
    with pytest.raises(FactsMissingError) as error:
        case_received(person, benefit=benefit, documents=documents)
    # then the error lists what is missing
    assert error.value.code == "facts_missing"
    assert error.value.extra["missing"] == missing
    _nothing_written()


def test_a_calculator_input_error_writes_nothing():
    # given a degree outside 0.30-1.00
    person = insured_person()
    documents = documents_for(BenefitType.DISABILITY)
    documents["medical_expertise"]["degree"] = Decimal("1.50")
    # when the application arrives
    with pytest.raises(DegreeOutOfRangeError):
        case_received(person, benefit=BenefitType.DISABILITY, documents=documents)
    # then nothing was written
    _nothing_written()
