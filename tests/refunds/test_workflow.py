"""Decision, confirmation by a second officer, payout order, reversal, payment, bank return."""

from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from contributions.models import ContributionLine, QuarantinedLine
from contributions.mt102.parse import parse_document
from contributions.selectors import contribution_periods, monthly_incomes, statement_get
from gfss.legal.calendar import add_working_days
from gfss.legal.selectors import parameter_set
from refunds.exceptions import RefundConflictError, RefundForbiddenError, RefundInputError
from refunds.models import PayoutOrder, RefundApplication, RefundEvent
from refunds.services import (
    refund_bank_return,
    refund_confirm,
    refund_decide,
    refund_decline,
    refund_order_paid,
    refund_payout_orders_build,
)
from tests.contributions.documents import line_for
from tests.factories import PersonFactory
from tests.refunds.conftest import MAY, TODAY


def _approved(pay, apply, officers, *amounts, paid_amount="10000.00"):
    maker, checker = officers
    paid = pay(*[paid_amount] * len(amounts))
    application = apply(
        paid, *[(p, a) for p, a in zip(paid.persons, amounts, strict=True)], actor=maker
    )
    refund_decide(actor=maker, application_id=application.pk, decision="approve")
    refund_confirm(actor=checker, application_id=application.pk)
    return paid, application


def test_each_step_is_an_event_with_who_and_the_stage_deadline(pay, apply, officers):
    maker, checker = officers
    paid = pay("10000.00")
    application = apply(paid, (paid.persons[0], "4000.00"), actor=maker)
    assert application.stage_due == add_working_days(TODAY, 5)
    refund_decide(actor=maker, application_id=application.pk, decision="approve", comment="ok")
    application = refund_confirm(actor=checker, application_id=application.pk)
    today = timezone.localdate()
    assert application.status == "approved"
    assert application.stage_due == add_working_days(today, 2)
    refund_payout_orders_build(actor=maker)
    events = list(
        RefundEvent.objects.filter(application=application)
        .order_by("id")
        .values_list("kind", "actor", "to_status")
    )
    assert events == [
        ("received", maker.pk, "received"),
        ("checked", None, "checked"),
        ("decided", maker.pk, "decided"),
        ("confirmed", checker.pk, "approved"),
        ("ordered", maker.pk, "ordered"),
    ]


def test_the_officer_who_decided_cannot_confirm(pay, apply, officers):
    maker, _checker = officers
    paid = pay("10000.00")
    application = apply(paid, (paid.persons[0], "4000.00"), actor=maker)
    refund_decide(actor=maker, application_id=application.pk, decision="approve")
    with pytest.raises(RefundForbiddenError) as refused:
        refund_confirm(actor=maker, application_id=application.pk)
    assert refused.value.code == "checker_is_maker"
    assert RefundApplication.objects.get(pk=application.pk).status == "decided"


def test_maker_checker_is_a_database_constraint(pay, apply, officers):
    maker, _ = officers
    paid = pay("10000.00")
    application = apply(paid, (paid.persons[0], "4000.00"), actor=maker)
    with pytest.raises(IntegrityError), transaction.atomic():
        RefundApplication.objects.filter(pk=application.pk).update(
            decided_by=maker, confirmed_by=maker
        )


def test_a_decision_on_a_decided_application_is_a_conflict(pay, apply, officers):
    maker, checker = officers
    paid = pay("10000.00")
    application = apply(paid, (paid.persons[0], "4000.00"), actor=maker)
    refund_decide(actor=maker, application_id=application.pk, decision="approve")
    with pytest.raises(RefundConflictError) as conflict:
        refund_decide(actor=checker, application_id=application.pk, decision="approve")
    assert conflict.value.code == "refund_already_decided"
    assert conflict.value.status_code == 409


def test_a_line_that_failed_the_check_cannot_be_approved(pay, apply, officers):
    maker, _ = officers
    paid = pay("10000.00")
    application = apply(paid, (paid.persons[0], "10000.50"), actor=maker)
    with pytest.raises(RefundInputError) as refused:
        refund_decide(actor=maker, application_id=application.pk, decision="approve")
    assert refused.value.code == "amount_over_paid"


def test_approve_in_part_and_the_checker_sends_back(pay, apply, officers):
    maker, checker = officers
    paid = pay("10000.00", "10000.00")
    application = apply(
        paid, (paid.persons[0], "3000.00"), (paid.persons[1], "3000.00"), actor=maker
    )
    refund_decide(
        actor=maker,
        application_id=application.pk,
        decision="approve_part",
        line_amounts={1: Decimal("3000.00"), 2: Decimal("1000.00")},
    )
    assert RefundApplication.objects.get(pk=application.pk).amount_approved == Decimal("4000.00")
    back = refund_decline(actor=checker, application_id=application.pk, comment="line 2?")
    assert back.status == "checked"
    assert back.decided_by is None
    assert back.lines.filter(approved_amount__isnull=False).count() == 0


def test_nothing_leaves_the_ledger_before_the_payout_order(pay, apply, officers):
    before = ContributionLine.objects.count()
    _approved(pay, apply, officers, "4000.00")
    assert ContributionLine.objects.count() == before + 1  # the payment itself only
    assert not ContributionLine.objects.filter(reverses__isnull=False).exists()


def test_the_payout_order_reverses_the_lines_and_the_sums_net_them(pay, apply, officers):
    # given: 10,000 paid for May, 4,000 of it approved for refund
    paid, application = _approved(pay, apply, officers, "4000.00")
    person = paid.persons[0]
    params = parameter_set()
    # when
    (order,) = refund_payout_orders_build(actor=officers[0])
    # then: one reversal row of -4,000 for the original line, nothing updated
    original = ContributionLine.objects.get(person=person, reverses__isnull=True)
    assert original.amount == Decimal("10000.00")
    assert original.reversal.amount == Decimal("-4000.00")
    assert original.reversal.period == MAY
    income = monthly_incomes(person_ids=[person.pk], first=MAY, last=MAY, params=params)
    rate = params.get("so.rate", on=MAY).fraction
    assert income[person.pk][MAY] == Fraction(6000) / rate
    assert order.knp == "026"
    assert order.total == Decimal("4000.00")
    assert RefundApplication.objects.get(pk=application.pk).status == "ordered"


def test_a_fully_refunded_month_no_longer_counts_in_participation(pay, apply, officers):
    paid, _ = _approved(pay, apply, officers, "10000.00")
    person = paid.persons[0]
    refund_payout_orders_build(actor=officers[0])
    periods = contribution_periods(person_ids=[person.pk], before=date(2024, 12, 1))
    assert MAY not in periods[person.pk]
    statement = statement_get(person=person, first=MAY, last=MAY)
    assert statement.total_contributions == Decimal("0.00")
    assert statement.participation_months == 0


def test_the_payout_order_is_an_mt102_document_with_knp_026(pay, apply, officers):
    paid, _ = _approved(pay, apply, officers, "4000.00", "2500.50")
    (order,) = refund_payout_orders_build(actor=officers[0])
    parsed = parse_document(data=bytes(order.content))
    assert parsed.knp == "026"
    assert [line.iin for line in parsed.lines] == [p.iin for p in paid.persons]
    assert sum(line.amount for line in parsed.lines) == Decimal("6500.50")
    assert parsed.total == Decimal("6500.50")
    assert order.register[:2] == b"PK"  # an XLSX


def test_penalties_go_in_an_order_of_their_own_with_knp_094(pay, apply, officers):
    maker, checker = officers
    paid = pay("500.00", knp="017")
    application = apply(paid, (paid.persons[0], "500.00"), actor=maker)
    refund_decide(actor=maker, application_id=application.pk, decision="approve")
    refund_confirm(actor=checker, application_id=application.pk)
    _approved(pay, apply, officers, "100.00")
    orders = refund_payout_orders_build(actor=maker)
    assert sorted(order.knp for order in orders) == ["026", "094"]


def test_a_refunded_quarantined_line_leaves_quarantine_as_refunded(pay, apply, officers):
    maker, checker = officers
    person = PersonFactory()
    paid = pay(
        "1000.00", extra_lines=[line_for(person, "3000.00", MAY, birth_date=date(1900, 1, 1))]
    )
    application = apply(paid, (person, "3000.00"), actor=maker)
    refund_decide(actor=maker, application_id=application.pk, decision="approve")
    refund_confirm(actor=checker, application_id=application.pk)
    refund_payout_orders_build(actor=maker)
    quarantined = QuarantinedLine.objects.get(document=paid.document)
    assert quarantined.status == "refunded"
    assert quarantined.resolved_by == maker


def test_paid_by_the_bank_report(pay, apply, officers):
    _, application = _approved(pay, apply, officers, "4000.00")
    (order,) = refund_payout_orders_build(actor=officers[0])
    refund_order_paid(actor=officers[1], order_id=order.pk, paid_on=timezone.localdate())
    application.refresh_from_db()
    assert application.status == "paid"
    assert application.paid_on == timezone.localdate()
    assert PayoutOrder.objects.get(pk=order.pk).status == "paid"
    with pytest.raises(RefundConflictError):
        refund_order_paid(actor=officers[1], order_id=order.pk, paid_on=timezone.localdate())


def test_a_bank_return_puts_the_money_back_with_a_new_row_and_reopens(pay, apply, officers):
    # given: a refund paid out, then returned by the bank
    paid, application = _approved(pay, apply, officers, "4000.00")
    person = paid.persons[0]
    refund_payout_orders_build(actor=officers[0])
    # when
    reopened = refund_bank_return(
        actor=officers[1], application_id=application.pk, comment="account closed"
    )
    # then: three rows (payment, reversal, re-entry), none changed; the month counts in full
    rows = list(
        ContributionLine.objects.filter(person=person)
        .order_by("id")
        .values_list("amount", flat=True)
    )
    assert rows == [Decimal("10000.00"), Decimal("-4000.00"), Decimal("4000.00")]
    statement = statement_get(person=person, first=MAY, last=MAY)
    assert statement.total_contributions == Decimal("10000.00")
    assert reopened.status == "checked"
    assert reopened.events.order_by("id").last().kind == "returned"
    # and it can be decided and refunded again: the re-entry is what the next reversal takes
    maker, checker = officers
    refund_decide(actor=checker, application_id=application.pk, decision="approve")
    refund_confirm(actor=maker, application_id=application.pk)
    refund_payout_orders_build(actor=maker)
    statement = statement_get(person=person, first=MAY, last=MAY)
    assert statement.total_contributions == Decimal("6000.00")


def test_the_same_request_number_twice_changes_nothing(pay, apply, officers):
    paid = pay("10000.00")
    first = apply(paid, (paid.persons[0], "4000.00"), actor=officers[0], request_number="GK-1")
    again = apply(paid, (paid.persons[0], "4000.00"), actor=officers[0], request_number="GK-1")
    assert again.pk == first.pk
    assert RefundApplication.objects.count() == 1
