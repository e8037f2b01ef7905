"""Money that changes after it was paid is settled: each finding of the review as a test.

Awards come from real e-cases (their later decisions need one); their amount is set exactly
through the same amount-chain service a recalculation uses, so the figures are the issue's.
"""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone, translation

from benefits.entitlement import award_entitlement
from benefits.exceptions import (
    AwardNotSuspendedError,
    EffectiveDateInvalidError,
    TerminationBeforeSuspensionError,
)
from benefits.models import AwardAmount, BenefitType
from benefits.services.amount_chain import Link, amount_chain_extend
from benefits.services.applications import application_assign
from benefits.services.award_decisions import (
    award_decision_confirm,
    award_resume,
    award_suspend,
    award_terminate,
    awards_end_reported,
)
from gfss.common.exceptions import ApplicationError, ConflictError
from gfss.org.models import Role
from payouts.models import AwardAccount, Overpayment, Payment, Recovery, Underpayment
from payouts.selectors import award_months
from payouts.services.events import event_apply_start, event_create
from payouts.services.overpayments import repayment_record
from payouts.services.payments import payment_run_start
from tests.benefits.cases import case_received, documents_for, insured_person
from tests.payouts.conftest import run_to_end

pytestmark = pytest.mark.django_db


def case_award(specialist, *, gross: str, until: date = date(2026, 3, 9)):
    """A disability award from an e-case (from 2025-03-10 to ``until``), ``gross`` a month."""
    benefit = BenefitType.DISABILITY
    documents = documents_for(benefit, period_to=until)
    case = case_received(insured_person(), benefit=benefit, documents=documents)
    application_assign(actor=specialist, application_id=case.pk)
    award = case.award
    amount_chain_extend(
        {
            award.pk: [
                Link(
                    valid_from=award.start_date,
                    reason=AwardAmount.Reason.RECALCULATION,
                    base=Decimal(gross),
                )
            ]
        },
        actor_id=specialist.pk,
    )
    return award


def run(period: date):
    batch = run_to_end(payment_run_start(period=period, actor=None))
    assert batch.status == "done", batch.error_report
    return batch


def lines(award, kind=Payment.Kind.REGULAR):
    return list(
        Payment.objects.filter(award=award, kind=kind)
        .order_by("period", "id")
        .values_list("period", "gross", "net")
    )


def balance(award) -> Decimal:
    return AwardAccount.objects.get(award=award).balance


def test_an_indexation_applied_after_january_was_paid_tops_january_up(make_award) -> None:
    # given: a disability award of 100,000 paid for January 2022
    award = make_award("disability", start=date(2021, 6, 1), gross="100000.00")
    run(date(2022, 1, 1))
    assert lines(award)[-1] == (date(2022, 1, 1), Decimal("100000.00"), Decimal("90000.00"))
    # when: +5 % from 2022-01-01 is applied afterwards
    event = event_create(
        kind="indexation",
        effective_date=date(2022, 1, 1),
        benefit_types=["disability"],
        selection="active_on",
        actor=None,
        percent=Decimal("5"),
    )
    run_to_end(event_apply_start(event_id=event.pk, actor=None))
    # then: January's 5,000 (4,500 net of OPV) is pending on the award at once …
    (found,) = Underpayment.objects.filter(award=award)
    assert (found.period, found.gross, found.opv, found.net) == (
        date(2022, 1, 1),
        Decimal("5000.00"),
        Decimal("500.00"),
        Decimal("4500.00"),
    )
    january = next(m for m in award_months(award_id=award.pk) if m.period == date(2022, 1, 1))
    assert (january.due, january.paid, january.top_up_pending) == (
        Decimal("94500.00"),
        Decimal("90000.00"),
        Decimal("4500.00"),
    )
    # … and the February run pays it as a top-up with its cause, then February itself
    run(date(2022, 2, 1))
    assert lines(award, Payment.Kind.TOP_UP) == [
        (date(2022, 1, 1), Decimal("5000.00"), Decimal("4500.00"))
    ]
    assert lines(award)[-1] == (date(2022, 2, 1), Decimal("105000.00"), Decimal("94500.00"))
    with translation.override("ru"):
        assert found.cause_text() == f"Индексация с 01.01.2022 (событие № {event.pk})"
    with translation.override("kk"):
        assert found.cause_text() == f"Индекстеу: 01.01.2022 бастап (№ {event.pk} оқиға)"
    # a run again settles nothing twice
    run(date(2022, 2, 1))
    assert Underpayment.objects.filter(award=award).count() == 1
    assert Payment.objects.filter(award=award, kind=Payment.Kind.TOP_UP).count() == 1


def test_a_termination_from_april_recorded_after_june_was_paid_is_an_overpayment(
    specialist, make_staff, client
) -> None:
    # given: March to June 2025 paid at 50,000 (45,000 net)
    award = case_award(specialist, gross="50000.00")
    for month in (3, 4, 5, 6):
        run(date(2025, month, 1))
    assert len(lines(award)) == 4
    # when: a termination effective 2025-04-01 is confirmed
    decision = award_terminate(
        actor=specialist, award_id=award.pk, effective_date=date(2025, 4, 1), reason="Recovered"
    )
    award_decision_confirm(actor=make_staff(Role.HEAD), decision_id=decision.pk)
    run(date(2025, 7, 1))
    # then: April, May and June are overpaid, 45,000 each, to recover
    overpaid = list(
        Overpayment.objects.filter(award=award).order_by("period").values_list("period", "amount")
    )
    assert overpaid == [
        (date(2025, 4, 1), Decimal("45000.00")),
        (date(2025, 5, 1), Decimal("45000.00")),
        (date(2025, 6, 1), Decimal("45000.00")),
    ]
    assert balance(award) == Decimal("135000.00")
    assert lines(award)[-1][0] == date(2025, 6, 1)  # nothing paid for July
    # and the award's overpayments say why, in the reader's language
    client.force_login(specialist)
    case = award.application
    ru = client.get(f"/ru/cases/{case.uuid}/").content.decode()
    kk = client.get(f"/kk/cases/{case.uuid}/").content.decode()
    # three overpaid months, then the decision and its confirmation in the case's history
    assert ru.count("Прекращение с 01.04.2025") == 5
    assert kk.count("01.04.2025 бастап тоқтату") == 5
    assert "Прекращение с 01.04.2025: Recovered" in ru
    assert "terminate from" not in ru


def test_a_recalculation_is_not_overridden_by_the_next_indexation(specialist) -> None:
    # given: 76,500 a month, indexed +10 % from September 2025 (84,150)
    award = case_award(specialist, gross="76500.00")
    event = event_create(
        kind="indexation",
        effective_date=date(2025, 9, 1),
        benefit_types=["disability"],
        selection="active_on",
        actor=None,
        percent=Decimal("10"),
    )
    run_to_end(event_apply_start(event_id=event.pk, actor=None))
    assert award_entitlement(award.pk).due(date(2025, 9, 1)).gross == Decimal("84150.00")
    # when: the degree is raised from July, the new base 102,000
    amount_chain_extend(
        {
            award.pk: [
                Link(
                    valid_from=date(2025, 7, 1),
                    reason=AwardAmount.Reason.RECALCULATION,
                    base=Decimal("102000.00"),
                )
            ]
        },
        actor_id=specialist.pk,
    )
    # then: July and August 102,000; from September 102,000 × 1.1 = 112,200
    entitlement = award_entitlement(award.pk)
    assert [entitlement.due(date(2025, m, 1)).gross for m in (6, 7, 8, 9, 10)] == [
        Decimal("76500.00"),
        Decimal("102000.00"),
        Decimal("102000.00"),
        Decimal("112200.00"),
        Decimal("112200.00"),
    ]
    # and the history reads as a chain: base → event → recalculation → event
    chain = list(award.amounts.order_by("id").values_list("reason", "gross"))
    assert chain[-2:] == [
        ("recalculation", Decimal("102000.00")),
        ("indexation", Decimal("112200.00")),
    ]


def test_a_termination_planned_for_2030_does_not_stop_payments_now(specialist, make_staff) -> None:
    # given: an award to 2031, its termination from 2030-01-01 confirmed today
    award = case_award(specialist, gross="50000.00", until=date(2031, 3, 9))
    decision = award_terminate(
        actor=specialist, award_id=award.pk, effective_date=date(2030, 1, 1), reason="Planned"
    )
    award_decision_confirm(actor=make_staff(Role.HEAD), decision_id=decision.pk)
    award.refresh_from_db()
    assert (award.status, award.terminated_on) == ("active", date(2030, 1, 1))
    # when: the current month is run
    today = timezone.localdate().replace(day=1)
    run(today)
    # then: every month from March 2025 to this one is paid
    assert lines(award)[-1][0] == today
    assert len(lines(award)) == (today.year - 2025) * 12 + today.month - 2


def test_a_suspension_takes_effect_on_its_date_and_a_back_dated_resumption_pays_the_gap(
    specialist,
) -> None:
    # given: paid for March and April 2025
    award = case_award(specialist, gross="50000.00")
    run(date(2025, 3, 1))
    run(date(2025, 4, 1))
    # when: suspended from 1 May (recorded later), May and June not due
    award_suspend(
        actor=specialist, award_id=award.pk, effective_date=date(2025, 5, 1), reason="No show"
    )
    run(date(2025, 5, 1))
    run(date(2025, 6, 1))
    assert [period for period, *_ in lines(award)] == [date(2025, 3, 1), date(2025, 4, 1)]
    # then: resumed from 1 June, the July run pays June (catch-up) and July, not May
    award_resume(
        actor=specialist, award_id=award.pk, effective_date=date(2025, 6, 1), reason="Came"
    )
    run(date(2025, 7, 1))
    assert [period for period, *_ in lines(award)] == [
        date(2025, 3, 1),
        date(2025, 4, 1),
        date(2025, 6, 1),
        date(2025, 7, 1),
    ]


def test_a_suspension_recorded_after_the_months_were_paid_is_an_overpayment(specialist) -> None:
    award = case_award(specialist, gross="50000.00")
    for month in (3, 4, 5):
        run(date(2025, month, 1))
    award_suspend(
        actor=specialist, award_id=award.pk, effective_date=date(2025, 4, 20), reason="Abroad"
    )
    run(date(2025, 6, 1))
    assert list(
        Overpayment.objects.filter(award=award).order_by("period").values_list("period", flat=True)
    ) == [date(2025, 4, 1), date(2025, 5, 1)]


def test_a_death_recorded_late_stops_payments_and_the_months_after_are_overpaid(
    specialist,
) -> None:
    # given: paid March to June 2025
    award = case_award(specialist, gross="50000.00")
    for month in (3, 4, 5, 6):
        run(date(2025, month, 1))
    # when: the civil registry reports a death on 2025-04-15 (April is paid in full)
    awards_end_reported(
        actor=specialist,
        award_ids=[award.pk],
        effective_date=date(2025, 5, 1),
        reason="Death on 15.04.2025",
    )
    run(date(2025, 7, 1))
    # then: May and June are overpaid; nothing more is paid
    assert list(
        Overpayment.objects.filter(award=award).order_by("period").values_list("period", flat=True)
    ) == [date(2025, 5, 1), date(2025, 6, 1)]
    assert lines(award)[-1][0] == date(2025, 6, 1)


def test_a_run_for_a_future_month_is_refused_and_writes_nothing(make_award) -> None:
    make_award("disability", start=date(2021, 6, 1))
    with pytest.raises(ApplicationError) as error:
        payment_run_start(period=date(2030, 1, 1), actor=None)
    assert error.value.code == "period_in_future"
    assert not Payment.objects.exists()


def test_a_repayment_reference_is_used_once_and_never_more_than_the_balance(
    specialist, make_staff
) -> None:
    award = case_award(specialist, gross="50000.00")
    for month in (3, 4):
        run(date(2025, month, 1))
    decision = award_terminate(
        actor=specialist, award_id=award.pk, effective_date=date(2025, 4, 1), reason="Recovered"
    )
    award_decision_confirm(actor=make_staff(Role.HEAD), decision_id=decision.pk)
    run(date(2025, 5, 1))
    assert balance(award) == Decimal("45000.00")
    repayment_record(
        award_id=award.pk,
        amount=Decimal("10000.00"),
        received_on=date(2025, 5, 20),
        bank_reference="KZ-2025-0001",
        actor=specialist,
    )
    with pytest.raises(ConflictError) as error:
        repayment_record(
            award_id=award.pk,
            amount=Decimal("10000.00"),
            received_on=date(2025, 5, 20),
            bank_reference="KZ-2025-0001",
            actor=specialist,
        )
    assert error.value.code == "repayment_reference_used"
    with pytest.raises(ApplicationError) as error:
        repayment_record(
            award_id=award.pk,
            amount=Decimal("35000.01"),
            received_on=date(2025, 5, 21),
            bank_reference="KZ-2025-0002",
            actor=specialist,
        )
    assert error.value.code == "repayment_exceeds_balance"
    assert balance(award) == Decimal("35000.00")
    assert Recovery.objects.filter(award=award).count() == 1


def test_an_overpayment_is_deducted_from_later_payments_at_most_a_quarter_each(
    specialist,
) -> None:
    # given: March to May paid, then a suspension from April recorded, resumed from June
    award = case_award(specialist, gross="50000.00")
    for month in (3, 4, 5):
        run(date(2025, month, 1))
    award_suspend(
        actor=specialist, award_id=award.pk, effective_date=date(2025, 4, 1), reason="Abroad"
    )
    award_resume(
        actor=specialist, award_id=award.pk, effective_date=date(2025, 6, 1), reason="Back"
    )
    # when: the June run
    run(date(2025, 6, 1))
    # then: 90,000 overpaid (April, May), June's 45,000 net less 25 % = 11,250 deducted
    june = Payment.objects.get(award=award, period=date(2025, 6, 1))
    assert (june.net, june.deduction, june.payable) == (
        Decimal("45000.00"),
        Decimal("11250.00"),
        Decimal("33750.00"),
    )
    assert balance(award) == Decimal("78750.00")


@pytest.mark.parametrize(
    ("action", "code"),
    [
        ("suspend_before_start", "effective_date_invalid"),
        ("resume_not_suspended", "award_not_suspended"),
        ("terminate_before_suspension", "termination_before_suspension"),
    ],
)
def test_status_changes_out_of_order_are_refused_and_write_nothing(
    specialist, action, code
) -> None:
    award = case_award(specialist, gross="50000.00")
    if action == "terminate_before_suspension":
        award_suspend(
            actor=specialist, award_id=award.pk, effective_date=date(2025, 6, 1), reason="x"
        )
    refused = {
        "suspend_before_start": lambda: award_suspend(
            actor=specialist, award_id=award.pk, effective_date=date(2025, 1, 1), reason="x"
        ),
        "resume_not_suspended": lambda: award_resume(
            actor=specialist, award_id=award.pk, effective_date=date(2025, 6, 1), reason="x"
        ),
        "terminate_before_suspension": lambda: award_terminate(
            actor=specialist, award_id=award.pk, effective_date=date(2025, 5, 1), reason="x"
        ),
    }[action]
    decisions = award.decisions.count()
    errors = (EffectiveDateInvalidError, AwardNotSuspendedError, TerminationBeforeSuspensionError)
    messages = {}
    for language in ("en", "ru", "kk"):
        with translation.override(language), pytest.raises(errors) as error:
            refused()
        assert error.value.code == code
        messages[language] = str(error.value.message)
    assert award.decisions.count() == decisions
    # each refusal is said in the user's language: Cyrillic in Russian and Kazakh, each its own
    assert not re.search("[а-яё]", messages["en"], re.IGNORECASE)
    assert re.search("[а-яё]", messages["ru"], re.IGNORECASE)
    assert re.search("[әіңғүұқөһ]", messages["kk"], re.IGNORECASE)
    assert len(set(messages.values())) == 3


def test_a_suspension_resumed_the_same_day_holds_nothing(specialist) -> None:
    award = case_award(specialist, gross="50000.00")
    for kind in (award_suspend, award_resume):
        kind(actor=specialist, award_id=award.pk, effective_date=award.start_date, reason="x")
    run(date(2025, 3, 1))
    assert [period for period, *_ in lines(award)] == [date(2025, 3, 1)]
