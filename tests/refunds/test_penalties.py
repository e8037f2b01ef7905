"""A refunded line no longer counts in the payer's penalties; a bank return counts it again,
once; the penalties a payer sees always follow what it paid net of refunds."""

from datetime import date
from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from contributions.calculations import penalty
from contributions.models import PenaltyAccrual
from contributions.services import penalties_accrue
from gfss.legal.selectors import parameter_set
from gfss.org.models import Role
from refunds.services import (
    refund_bank_return,
    refund_confirm,
    refund_decide,
    refund_payout_orders_build,
)

# May 2024 is due on 25 June; paid on 5 July: ten days late at 14.5 %.
LATE = date(2024, 7, 5)
DUE = date(2024, 6, 25)


def _penalty(arrears: str) -> Decimal:
    return penalty(arrears=Decimal(arrears), due=DUE, paid_on=LATE, params=parameter_set())


@pytest.fixture
def arrears(make_staff):
    """What the payer is charged, as the arrears API shows it to the analyst."""
    api = APIClient()
    api.force_authenticate(make_staff(Role.ANALYST))

    def read(payer) -> Decimal:
        rows = api.get("/api/v1/payments/arrears/").json()["results"]
        mine = [row for row in rows if row["idn"] == payer.idn]
        return Decimal(mine[0]["accrued"]) if mine else Decimal("0.00")

    return read


def _refund(apply, paid, officers, *lines):
    maker, checker = officers
    application = apply(paid, *lines, actor=maker)
    refund_decide(actor=maker, application_id=application.pk, decision="approve")
    refund_confirm(actor=checker, application_id=application.pk)
    refund_payout_orders_build(actor=maker)
    return application


def test_a_refund_lowers_the_penalty_and_a_bank_return_restores_it_once(
    pay, apply, officers, arrears
):
    # given: two people's 50,000 for May paid ten days late, assessed at 496.58
    paid = pay("50000.00", "50000.00", value_date=LATE)
    penalties_accrue()
    assert arrears(paid.payer) == _penalty("100000.00") == Decimal("496.58")
    # when one person's 50,000 is refunded (the payout order is sent)
    application = _refund(apply, paid, officers, (paid.persons[0], "50000.00"))
    # then the payer is charged on the other 50,000 only
    assert arrears(paid.payer) == _penalty("50000.00") == Decimal("248.29")
    # when the bank returns the refund
    refund_bank_return(actor=officers[1], application_id=application.pk, comment="account closed")
    # then the penalty is what it was, and the nightly run adds nothing to it
    assert arrears(paid.payer) == Decimal("496.58")
    assert penalties_accrue().accruals == 0
    assert arrears(paid.payer) == Decimal("496.58")
    # and the rows say why: assessed, lowered by the refund, raised by the return
    assert list(
        PenaltyAccrual.objects.filter(payer=paid.payer)
        .order_by("id")
        .values_list("kind", "arrears", "amount")
    ) == [
        ("late_payment", Decimal("100000.00"), Decimal("496.58")),
        ("refund", Decimal("-50000.00"), Decimal("-248.29")),
        ("refund_returned", Decimal("50000.00"), Decimal("248.29")),
    ]
    # when the application is decided again and refunded again
    maker, checker = officers
    refund_decide(actor=checker, application_id=application.pk, decision="approve")
    refund_confirm(actor=maker, application_id=application.pk)
    refund_payout_orders_build(actor=maker)
    # then the penalty is lowered again, from the re-entered money
    assert arrears(paid.payer) == Decimal("248.29")


def test_a_refund_in_part_lowers_the_penalty_in_part(pay, apply, officers, arrears):
    paid = pay("50000.00", "50000.00", value_date=LATE)
    penalties_accrue()
    _refund(apply, paid, officers, (paid.persons[0], "4000.00"))
    # charged on 96,000: 476.71, not 496.58 less 4,000's own rounding
    assert arrears(paid.payer) == _penalty("96000.00") == Decimal("476.71")


def test_a_refund_before_the_assessment_is_never_charged(pay, apply, officers, arrears):
    # given: a late payment refunded in full before the nightly run assessed it
    paid = pay("50000.00", value_date=LATE)
    _refund(apply, paid, officers, (paid.persons[0], "50000.00"))
    # when the nightly run comes
    penalties_accrue()
    # then nothing is charged
    assert arrears(paid.payer) == Decimal("0.00")
    assert not PenaltyAccrual.objects.filter(payer=paid.payer).exists()


def test_money_the_bank_returned_before_the_assessment_is_charged_once(
    pay, apply, officers, arrears
):
    # given: a late payment refunded and returned by the bank before the nightly run: the
    # ledger holds 50,000, -50,000 and 50,000 for the same document and month
    paid = pay("50000.00", value_date=LATE)
    application = _refund(apply, paid, officers, (paid.persons[0], "50000.00"))
    refund_bank_return(actor=officers[1], application_id=application.pk, comment="account closed")
    # when the nightly run comes
    penalties_accrue()
    # then the 50,000 is charged once, not twice
    assert arrears(paid.payer) == _penalty("50000.00") == Decimal("248.29")


def test_an_on_time_payment_refunded_and_returned_charges_nothing(pay, apply, officers, arrears):
    paid = pay("50000.00", value_date=date(2024, 6, 10))
    penalties_accrue()
    application = _refund(apply, paid, officers, (paid.persons[0], "20000.00"))
    refund_bank_return(actor=officers[1], application_id=application.pk, comment="account closed")
    assert arrears(paid.payer) == Decimal("0.00")
    assert not PenaltyAccrual.objects.exists()
