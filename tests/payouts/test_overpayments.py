"""Overpayments: months paid beyond a corrected entitlement, recovered by deduction or repayment."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import translation

from benefits.models import AwardAmount
from benefits.services.amount_chain import Link, amount_chain_extend
from gfss.org.models import Role
from payouts.models import AwardAccount, Overpayment
from payouts.selectors import award_balance, overpayment_balance, overpayment_list
from payouts.services.payments import payment_run_start
from payouts.services.settlement import accounts_lock
from tests.payouts.conftest import run_to_end

pytestmark = pytest.mark.django_db


def _run(period: date) -> None:
    assert run_to_end(payment_run_start(period=period, actor=None)).status == "done"


def _recalculated(award, *, valid_from: date, base: str) -> None:
    """A recalculation's new base, through the service a recalculation uses."""
    amount_chain_extend(
        {
            award.pk: [
                Link(
                    valid_from=valid_from,
                    reason=AwardAmount.Reason.RECALCULATION,
                    base=Decimal(base),
                )
            ]
        },
        actor_id=None,
    )


def test_a_lower_amount_from_january_is_deducted_at_most_25_percent(make_award, make_staff) -> None:
    # given: a job-loss award paid January to March at 100,000.00 gross (90,000.00 net)
    award = make_award("job_loss", start=date(2024, 1, 1), end=date(2024, 7, 1), gross="100000.00")
    for month in (1, 2, 3):
        _run(date(2024, month, 1))
    # when: a recalculation from January lowers it to 80,000.00 (72,000.00 net)
    _recalculated(award, valid_from=date(2024, 1, 1), base="80000.00")
    _run(date(2024, 4, 1))
    # then: 18,000.00 overpaid a month; April's net 72,000.00 gives up at most 18,000.00
    assert (
        list(award.overpayments.order_by("period").values_list("amount", flat=True))
        == [Decimal("18000.00")] * 3
    )
    april = award.payments.get(period=date(2024, 4, 1))
    assert (april.net, april.deduction, april.payable) == (
        Decimal("72000.00"),
        Decimal("18000.00"),
        Decimal("54000.00"),
    )
    assert overpayment_balance(award_id=award.pk) == Decimal("36000.00")
    # the branch's specialist has no payouts to read; the central analyst reads them all
    analyst, specialist = make_staff(Role.ANALYST), make_staff(Role.SPECIALIST, region="75")
    assert [account.award_id for account in overpayment_list(user=analyst)] == [award.pk]
    assert list(overpayment_list(user=specialist)) == []


def test_deductions_stop_at_the_balance(make_award) -> None:
    # given: a 10,000.00 overpayment on a 100,000.00 award (the net becomes 80,000.00)
    award = make_award(
        "disability", start=date(2024, 1, 1), end=date(2024, 6, 1), gross="100000.00"
    )
    _run(date(2024, 1, 1))
    _recalculated(award, valid_from=date(2024, 1, 1), base="88888.89")
    # when
    _run(date(2024, 2, 1))
    # then
    assert award.overpayments.get().amount == Decimal("10000.00")
    assert award.payments.get(period=date(2024, 2, 1)).deduction == Decimal("10000.00")
    assert overpayment_balance(award_id=award.pk) == Decimal("0.00")


def test_the_balance_can_never_go_below_zero(make_award) -> None:
    award = make_award("disability", start=date(2024, 1, 1), gross="100000.00")
    _run(date(2024, 1, 1))
    # An award's account opens with its first change or repayment; the check is the table's.
    accounts_lock([award.pk])
    with pytest.raises(IntegrityError), transaction.atomic():
        assert AwardAccount.objects.filter(award=award).update(balance=Decimal("-0.01")) == 1


def test_a_raise_after_a_recovered_overpayment_tops_the_months_up(make_award) -> None:
    # given: January paid at 100,000.00, lowered to 80,000.00 from January (18,000.00 net over)
    award = make_award("disability", start=date(2024, 1, 1), gross="100000.00")
    _run(date(2024, 1, 1))
    _recalculated(award, valid_from=date(2024, 1, 1), base="80000.00")
    _run(date(2024, 2, 1))
    assert overpayment_balance(award_id=award.pk) == Decimal("0.00")  # 25 % of 72,000 = 18,000
    # when: raised back to 100,000.00 from January
    _recalculated(award, valid_from=date(2024, 1, 1), base="100000.00")
    _run(date(2024, 3, 1))
    # then: January and February are topped up by 18,000.00 each and nothing is left over
    top_ups = award.payments.filter(kind="top_up").order_by("period")
    assert [(p.period, p.net) for p in top_ups] == [
        (date(2024, 1, 1), Decimal("18000.00")),
        (date(2024, 2, 1), Decimal("18000.00")),
    ]
    months = {m.period: m for m in award_balance(award_id=award.pk)["months"]}
    assert [months[date(2024, m, 1)].difference for m in (1, 2, 3)] == [Decimal("0.00")] * 3


def test_the_award_fragment_shows_each_month(make_award) -> None:
    # given
    award = make_award("disability", start=date(2024, 1, 1), gross="100000.00")
    _run(date(2024, 1, 1))
    _recalculated(award, valid_from=date(2024, 1, 1), base="80000.00")
    _run(date(2024, 2, 1))
    # when
    with translation.override("en"):
        html = render_to_string("payouts/_award_balance.html", {"award": award, "perms": {}})
    # then
    assert "01.2024" in html
    assert "18,000.00" in html
    assert Overpayment.objects.filter(award=award).count() == 1
