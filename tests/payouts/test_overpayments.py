"""Overpayments: months paid beyond a corrected entitlement, recovered by deduction or repayment."""

from datetime import date
from decimal import Decimal

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from benefits.models import Award, AwardAmount
from gfss.common.exceptions import ApplicationError
from gfss.org.models import Role
from payouts.models import Overpayment, Recovery
from payouts.selectors import award_balance, overpayment_balance, overpayment_list
from payouts.services.overpayments import overpayment_detect, repayment_record
from payouts.services.payments import payment_run_start
from tests.payouts.conftest import run_to_end

pytestmark = pytest.mark.django_db


def _run(period: date) -> None:
    assert run_to_end(payment_run_start(period=period, actor=None)).status == "done"


def test_a_death_reported_late_turns_the_months_after_into_an_overpayment(
    make_award, make_staff
) -> None:
    # given: paid January to April
    award = make_award("disability", start=date(2024, 1, 1), gross="100000.00")
    for month in (1, 2, 3, 4):
        _run(date(2024, month, 1))
    # The e-case's confirmed termination sets these; the right ended on 2024-03-01.
    Award.objects.filter(pk=award.pk).update(
        status=Award.Status.TERMINATED, terminated_on=date(2024, 3, 1)
    )
    # when
    found = overpayment_detect(award_id=award.pk, from_date=date(2024, 3, 1))
    again = overpayment_detect(award_id=award.pk, from_date=date(2024, 1, 1))
    # then
    assert [(o.period, o.amount) for o in found] == [
        (date(2024, 3, 1), Decimal("90000.00")),
        (date(2024, 4, 1), Decimal("90000.00")),
    ]
    assert again == []
    assert overpayment_balance(award_id=award.pk) == Decimal("180000.00")
    # the branch's specialist has no payouts to read; the central analyst reads them all
    assert list(overpayment_list(user=make_staff(Role.ANALYST))) == [award]
    assert list(overpayment_list(user=make_staff(Role.SPECIALIST, region="75"))) == []


def test_a_refund_lowering_the_amount_is_deducted_at_most_25_percent(make_award) -> None:
    # given: a job-loss award paid January to March at 100000.00 gross
    award = make_award("job_loss", start=date(2024, 1, 1), end=date(2024, 7, 1), gross="100000.00")
    for month in (1, 2, 3):
        _run(date(2024, month, 1))
    # A recalculation from January (a refunded contribution lowered the income) appends this.
    AwardAmount.objects.create(
        award=award,
        valid_from=date(2024, 1, 1),
        gross=Decimal("80000.00"),
        opv=Decimal("8000.00"),
        net=Decimal("72000.00"),
        reason=AwardAmount.Reason.RECALCULATION,
    )
    overpayment_detect(award_id=award.pk, from_date=date(2024, 1, 1))
    assert overpayment_balance(award_id=award.pk) == Decimal("54000.00")  # 3 × 18000.00
    # when: April, May and June are paid
    for month in (4, 5, 6):
        _run(date(2024, month, 1))
    # then: 25 % of 72000.00 = 18000.00 each month, until nothing is left
    lines = list(
        award.payments.filter(period__gte=date(2024, 4, 1))
        .order_by("period")
        .values_list("net", "deduction", "payable")
    )
    assert lines == [(Decimal("72000.00"), Decimal("18000.00"), Decimal("54000.00"))] * 3
    assert overpayment_balance(award_id=award.pk) == Decimal("0.00")
    assert Recovery.objects.filter(award=award, kind="deduction").count() == 3


def test_deductions_stop_at_the_balance(make_award) -> None:
    # given: a 10000.00 overpayment on a 100000.00 award
    award = make_award(
        "disability", start=date(2024, 1, 1), end=date(2024, 6, 1), gross="100000.00"
    )
    _run(date(2024, 1, 1))
    AwardAmount.objects.create(
        award=award,
        valid_from=date(2024, 1, 1),
        gross=Decimal("88888.89"),
        opv=Decimal("8888.89"),
        net=Decimal("80000.00"),
        reason=AwardAmount.Reason.RECALCULATION,
    )
    overpayment_detect(award_id=award.pk, from_date=date(2024, 1, 1))
    # when
    _run(date(2024, 2, 1))
    # then
    assert award.payments.get(period=date(2024, 2, 1)).deduction == Decimal("10000.00")
    assert overpayment_balance(award_id=award.pk) == Decimal("0.00")


def test_repayment_recorded_by_staff_reduces_the_balance(make_award) -> None:
    # given
    award = make_award("disability", start=date(2024, 1, 1), gross="100000.00")
    _run(date(2024, 1, 1))
    Award.objects.filter(pk=award.pk).update(
        status=Award.Status.TERMINATED, terminated_on=date(2024, 1, 1)
    )
    overpayment_detect(award_id=award.pk, from_date=date(2024, 1, 1))
    # when
    repayment_record(
        award_id=award.pk, amount=Decimal("50000.00"), received_on=date(2024, 2, 10), actor=None
    )
    # then
    balance = award_balance(award_id=award.pk)
    assert (balance["overpaid"], balance["recovered"], balance["balance"]) == (
        Decimal("90000.00"),
        Decimal("50000.00"),
        Decimal("40000.00"),
    )
    with pytest.raises(ApplicationError) as error:
        repayment_record(
            award_id=award.pk, amount=Decimal("40000.01"), received_on=date(2024, 3, 1), actor=None
        )
    assert error.value.code == "repayment_exceeds_balance"
    assert Overpayment.objects.count() == 1


def test_the_award_balance_include_shows_what_is_left(make_award) -> None:
    # given
    award = make_award("disability", start=date(2024, 1, 1), gross="100000.00")
    _run(date(2024, 1, 1))
    Award.objects.filter(pk=award.pk).update(
        status=Award.Status.TERMINATED, terminated_on=date(2024, 1, 1)
    )
    overpayment_detect(award_id=award.pk, from_date=date(2024, 1, 1))
    # when
    with translation.override("en"):
        html = render_to_string("payouts/_award_balance.html", {"award": award, "perms": {}})
    # then
    assert "90000.00" in html
    assert "2024-01" in html
