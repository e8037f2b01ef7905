"""The automatic check, line by line, each verdict with its reason (issue 11 "the check")."""

from datetime import date

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from refunds.checks import check_message
from refunds.services import refund_confirm, refund_decide, refund_payout_orders_build
from tests.contributions.documents import line_for
from tests.factories import PersonFactory
from tests.refunds.conftest import MAY, award_for


def _codes(application):
    return [line.check_code for line in application.lines.order_by("line_no")]


def test_a_paid_line_within_its_amount_passes(pay, apply, officers):
    # given
    paid = pay("10000.00", "20000.00")
    # when
    application = apply(
        paid, (paid.persons[0], "10000.00"), (paid.persons[1], "5000.00"), actor=officers[0]
    )
    # then
    assert _codes(application) == ["ok", "ok"]
    assert application.status == "checked"
    assert application.amount_requested == 15000


def test_more_than_was_paid_fails_with_both_amounts(pay, apply, officers):
    paid = pay("10000.00")
    application = apply(paid, (paid.persons[0], "10000.01"), actor=officers[0])
    line = application.lines.get()
    assert line.check_code == "amount_over_paid"
    assert not line.check_passed
    with translation.override("ru"):
        message = check_message(line.check_code, line.check_data)
    assert (
        message == "Запрошено к возврату 10\u00a0000,01\u00a0₸, но уплачено 10\u00a0000,00\u00a0₸."
    )


def test_a_person_or_month_not_in_the_document_is_not_found(pay, apply, officers):
    paid = pay("10000.00")
    stranger = PersonFactory()
    application = apply(paid, (stranger, "100.00"), actor=officers[0])
    assert _codes(application) == ["contribution_not_found"]


def test_a_line_in_another_open_application_fails(pay, apply, officers):
    paid = pay("10000.00")
    first = apply(paid, (paid.persons[0], "1000.00"), actor=officers[0])
    second = apply(paid, (paid.persons[0], "1000.00"), actor=officers[0])
    assert _codes(first) == ["ok"]
    assert _codes(second) == ["in_open_application"]
    assert second.lines.get().check_data["application"] == first.request_number


def test_a_line_already_refunded_fails(pay, apply, officers):
    maker, checker = officers
    paid = pay("10000.00")
    first = apply(paid, (paid.persons[0], "1000.00"), actor=maker)
    refund_decide(actor=maker, application_id=first.pk, decision="approve")
    refund_confirm(actor=checker, application_id=first.pk)
    refund_payout_orders_build(actor=maker)
    again = apply(paid, (paid.persons[0], "1000.00"), actor=maker)
    assert _codes(again) == ["already_refunded"]


def test_a_refused_application_releases_its_lines(pay, apply, officers):
    maker, checker = officers
    paid = pay("10000.00")
    first = apply(paid, (paid.persons[0], "1000.00"), actor=maker)
    refund_decide(
        actor=maker, application_id=first.pk, decision="refuse", refusal_code="not_erroneous"
    )
    refund_confirm(actor=checker, application_id=first.pk)
    again = apply(paid, (paid.persons[0], "1000.00"), actor=maker)
    assert _codes(again) == ["ok"]


def test_a_month_counted_in_an_award_is_not_refundable_and_names_the_award(pay, apply, officers):
    # given: a job-loss award with the right in 2024-09 counted 2022-09 .. 2024-08
    paid = pay("10000.00", "10000.00")
    counted, free = paid.persons
    award = award_for(counted, right_date=date(2024, 9, 15))
    award_for(free, right_date=date(2024, 5, 10))  # its window ends before 2024-05
    # when
    application = apply(paid, (counted, "10000.00"), (free, "10000.00"), actor=officers[0])
    # then
    first, second = application.lines.order_by("line_no")
    assert first.check_code == "counted_in_award"
    assert first.counted_award == award
    assert second.check_code == "ok"
    with translation.override("kk"):
        message = check_message(first.check_code, first.check_data)
    assert "Жұмысынан айырылу" in message  # the award's benefit, and its start below
    assert "247" in message
    assert f"{award.start_date:%d.%m.%Y}" in message


def test_a_contribution_received_after_the_award_application_was_not_counted(pay, apply, officers):
    # The award's e-case cut-off: money received later never counted, so it is refundable.
    paid = pay("10000.00", value_date=date(2024, 6, 10))
    person = paid.persons[0]
    award = award_for(person, right_date=date(2024, 9, 15))
    from benefits.selectors import award_counted_windows

    window = award_counted_windows(person_ids=[person.pk])[person.pk][0]
    assert window.award == award
    assert window.counts(period=MAY, value_date=date(2024, 6, 10))
    assert not window.counts(period=date(2024, 9, 1), value_date=date(2024, 10, 1))


def test_a_duplicate_payment_is_recognised(pay, apply, officers):
    # given: the same payer paid the same person, month and amount in two documents
    first = pay("7000.00")
    person = first.persons[0]
    second = pay("7000.00", payer=first.payer, persons=[person], value_date=date(2024, 6, 11))
    # when
    application = apply(second, (person, "7000.00"), actor=officers[0], reason="duplicate_payment")
    # then
    line = application.lines.get()
    assert line.check_code == "duplicate_confirmed"
    assert line.check_data["other"] == first.document.reference


def test_a_single_payment_is_not_a_duplicate(pay, apply, officers):
    paid = pay("7000.00")
    application = apply(
        paid, (paid.persons[0], "7000.00"), actor=officers[0], reason="duplicate_payment"
    )
    assert _codes(application) == ["duplicate_not_found"]


def test_quarantined_money_is_refundable(pay, apply, officers, db):
    # given: a line with a wrong birth date went to quarantine with its money
    person = PersonFactory()
    bad = line_for(person, "3000.00", MAY, birth_date=date(1900, 1, 1))
    paid = pay("1000.00", extra_lines=[bad])
    # when
    application = apply(paid, (person, "3000.00"), actor=officers[0])
    # then
    line = application.lines.get()
    assert line.check_code == "quarantined"
    assert line.quarantined is not None
    assert line.contribution is None


def test_the_same_person_and_month_twice_in_one_application(pay, apply, officers):
    paid = pay("1000.00")
    person = paid.persons[0]
    application = apply(paid, (person, "500.00"), (person, "500.00"), actor=officers[0])
    assert _codes(application) == ["ok", "duplicate_in_application"]


def test_the_intake_reads_and_writes_in_a_constant_number_of_queries(pay, apply, officers):
    # given: documents of one and of twenty people (and a first application, which reads the
    # deadline's parameter and calendar once for the day)
    first, one, twenty = pay("1000.00"), pay("1000.00"), pay(*["1000.00"] * 20)
    apply(first, (first.persons[0], "100.00"), actor=officers[0])
    counts = []
    for paid in (one, twenty):
        with CaptureQueriesContext(connection) as queries:
            application = apply(paid, *[(p, "100.00") for p in paid.persons], actor=officers[0])
        assert _codes(application) == ["ok"] * len(paid.persons)
        counts.append(len(queries))
    # then twenty lines cost what one does: the check is set-based, the lines one INSERT
    assert counts[0] == counts[1] <= 14, counts
