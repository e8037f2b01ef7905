"""The bank's report of a payout order: paid lines pay their applications, returned ones put
the money back; a bad file is refused whole with a code in the officer's language."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from django.utils.translation import override

from contributions.models import ContributionLine
from contributions.selectors import statement_get
from refunds.exceptions import RefundConflictError, RefundInputError
from refunds.models import BankReport, PayoutOrder, RefundApplication, RefundEvent
from refunds.services import (
    refund_bank_report_apply,
    refund_confirm,
    refund_decide,
    refund_payout_orders_build,
)
from tests.refunds.conftest import MAY

HEADER = "order;line;iin;period;amount;outcome;date;reason"


def _order_of_two(pay, apply, officers):
    """Two approved applications (one and two people) in one payout order."""
    maker, checker = officers
    paid = pay("10000.00", "10000.00", "10000.00")
    first = apply(paid, (paid.persons[0], "4000.00"), actor=maker)
    second = apply(paid, (paid.persons[1], "1500.00"), (paid.persons[2], "2500.00"), actor=maker)
    for application in (first, second):
        refund_decide(actor=maker, application_id=application.pk, decision="approve")
        refund_confirm(actor=checker, application_id=application.pk)
    (order,) = refund_payout_orders_build(actor=maker)
    return paid, first, second, order


def _report(order, outcomes, *, on=None, changes=None, lines=None):
    """The bank's report of ``order``: one row per line sent (or per line of ``lines``), with
    ``outcomes[line_no]``."""
    on = on or timezone.localdate()
    rows = [HEADER]
    for line in order.order_lines.order_by("line_no"):
        if lines is not None and line.line_no not in lines:
            continue
        cells = {
            "order": order.reference,
            "line": str(line.line_no),
            "iin": line.iin,
            "period": f"{line.period:%m%Y}",
            "amount": f"{line.amount:.2f}".replace(".", ","),
            "outcome": outcomes.get(line.line_no, "paid"),
            "date": on.isoformat(),
            "reason": "СЧЕТ ЗАКРЫТ" if outcomes.get(line.line_no) == "returned" else "",
        }
        cells.update((changes or {}).get(line.line_no, {}))
        rows.append(";".join(cells.values()))
    return ("\r\n".join(rows) + "\r\n").encode("utf-8")


def test_a_report_of_paid_lines_pays_their_applications(pay, apply, officers):
    _, first, second, order = _order_of_two(pay, apply, officers)
    report = refund_bank_report_apply(
        actor=officers[1], filename="report.csv", content=_report(order, {})
    )
    for application in (first, second):
        application.refresh_from_db()
        assert application.status == "paid"
        assert application.paid_on == timezone.localdate()
        event = application.events.order_by("id").last()
        assert (event.kind, event.actor, event.data["report"]) == (
            "paid",
            officers[1],
            "report.csv",
        )
    assert PayoutOrder.objects.get(pk=order.pk).status == "paid"
    assert (report.paid_lines, report.returned_lines, report.paid_applications) == (3, 0, 2)


def test_a_returned_application_gets_its_money_back_and_reopens(pay, apply, officers):
    paid, first, second, order = _order_of_two(pay, apply, officers)
    returned_person = paid.persons[1]
    refund_bank_report_apply(
        actor=officers[1],
        filename="report.csv",
        content=_report(order, {2: "returned", 3: "returned"}),
    )
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == "paid"
    assert second.status == "checked"
    assert second.order is None
    event = second.events.order_by("id").last()
    assert (event.kind, event.comment) == ("returned", "СЧЕТ ЗАКРЫТ")
    # the reversal stays; a new row puts the money back, the statement counts it in full
    rows = list(
        ContributionLine.objects.filter(person=returned_person)
        .order_by("id")
        .values_list("amount", flat=True)
    )
    assert rows == [Decimal("10000.00"), Decimal("-1500.00"), Decimal("1500.00")]
    statement = statement_get(person=returned_person, first=MAY, last=MAY)
    assert statement.total_contributions == Decimal("10000.00")


def _refused(officers, content, *, language="ru"):
    with override(language), pytest.raises(RefundInputError) as raised:
        refund_bank_report_apply(actor=officers[1], filename="bad.csv", content=content)
    return raised.value


@pytest.mark.parametrize(
    ("bad", "code"),
    [
        (lambda order: b"", "report_empty"),
        (lambda order: b"line;iin\r\n1;2\r\n", "report_format_invalid"),
        (lambda order: "\xff\xfe".encode("latin-1") + b"\x00\x81\x98", "report_format_invalid"),
        (
            lambda order: _report(order, {}).replace(order.reference.encode(), b"RF0000000000026"),
            "report_order_unknown",
        ),
        (
            lambda order: _report(order, {}, changes={2: {"order": "RF9999999999026"}}),
            "report_order_mixed",
        ),
        (lambda order: _report(order, {}, changes={2: {"line": "9"}}), "report_line_unknown"),
        (lambda order: _report(order, {}, changes={2: {"line": "1"}}), "report_line_duplicate"),
        (
            lambda order: _report(order, {}, changes={2: {"amount": "1600,00"}}),
            "report_line_mismatch",
        ),
        (
            lambda order: _report(order, {}, changes={2: {"period": "062024"}}),
            "report_line_mismatch",
        ),
        (lambda order: _report(order, {}, changes={2: {"amount": "1500"}}), "report_line_invalid"),
        (lambda order: _report(order, {}, changes={2: {"outcome": "lost"}}), "report_line_invalid"),
        (
            lambda order: _report(order, {}, changes={2: {"date": "03.12.2026"}}),
            "report_line_invalid",
        ),
        (
            lambda order: _report(order, {2: "returned"}, changes={2: {"reason": ""}}),
            "report_line_invalid",
        ),
        (
            lambda order: _report(order, {}, on=timezone.localdate() + timedelta(days=1)),
            "report_date_invalid",
        ),
        (lambda order: _report(order, {2: "returned"}), "report_application_split"),
    ],
)
def test_a_bad_report_is_refused_whole_with_its_code(pay, apply, officers, bad, code):
    *_, order = _order_of_two(pay, apply, officers)
    events = RefundEvent.objects.count()
    ledger = ContributionLine.objects.count()
    error = _refused(officers, bad(order))
    assert error.code == code
    # nothing written: the order is still sent, the applications ordered, the ledger as it was
    assert PayoutOrder.objects.get(pk=order.pk).status == "sent"
    assert set(RefundApplication.objects.values_list("status", flat=True)) == {"ordered"}
    assert RefundEvent.objects.count() == events
    assert ContributionLine.objects.count() == ledger
    assert not BankReport.objects.exists()


@pytest.mark.parametrize(
    ("language", "text"),
    [("ru", "Строка 3"), ("kk", "жол"), ("en", "Row 3")],
)
def test_the_refusal_speaks_the_officers_language(pay, apply, officers, language, text):
    _, _, _, order = _order_of_two(pay, apply, officers)
    error = _refused(
        officers, _report(order, {}, changes={2: {"amount": "1600,00"}}), language=language
    )
    assert text.lower() in error.message.lower()
    assert "report_line_mismatch" not in error.message


def test_a_second_report_of_the_same_order_is_a_conflict(pay, apply, officers):
    _, _, _, order = _order_of_two(pay, apply, officers)
    content = _report(order, {})
    refund_bank_report_apply(actor=officers[1], filename="report.csv", content=content)
    with pytest.raises(RefundConflictError) as raised:
        refund_bank_report_apply(actor=officers[1], filename="report.csv", content=content)
    assert raised.value.code == "order_already_paid"


def test_a_report_of_part_of_the_order_settles_what_it_covers(pay, apply, officers):
    # given: an order of two applications, lines 1 (first) and 2-3 (second)
    _, first, second, order = _order_of_two(pay, apply, officers)
    # when the bank reports line 1 and, of the second application, line 2 only
    report = refund_bank_report_apply(
        actor=officers[1], filename="part-1.csv", content=_report(order, {}, lines={1, 2})
    )
    # then the first application is paid; the second waits for its other line; the order too
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == ("paid", "ordered")
    assert PayoutOrder.objects.get(pk=order.pk).status == "sent"
    assert (report.paid_lines, report.paid_applications) == (2, 1)
    # when the bank reports the last line, returned, with line 2 paid before
    with override("en"), pytest.raises(RefundInputError) as split:
        refund_bank_report_apply(
            actor=officers[1],
            filename="part-2.csv",
            content=_report(order, {3: "returned"}, lines={3}),
        )
    # then it is refused: an application is paid or returned whole
    assert split.value.code == "report_application_split"
    # when it reports the last line paid
    refund_bank_report_apply(
        actor=officers[1], filename="part-2.csv", content=_report(order, {}, lines={3})
    )
    # then the second application is paid and the order settled
    second.refresh_from_db()
    assert second.status == "paid"
    assert PayoutOrder.objects.get(pk=order.pk).status == "paid"
    assert BankReport.objects.filter(order=order).count() == 2


def test_an_application_returned_over_two_reports_reopens_once_at_the_last(pay, apply, officers):
    paid, _, second, order = _order_of_two(pay, apply, officers)
    returned = {2: "returned", 3: "returned"}
    refund_bank_report_apply(
        actor=officers[1], filename="part-1.csv", content=_report(order, returned, lines={1, 2})
    )
    second.refresh_from_db()
    assert second.status == "ordered"  # its line 3 is not reported yet: nothing put back
    assert ContributionLine.objects.filter(person=paid.persons[1]).count() == 2
    refund_bank_report_apply(
        actor=officers[1], filename="part-2.csv", content=_report(order, returned, lines={3})
    )
    second.refresh_from_db()
    assert second.status == "checked"
    for person in paid.persons[1:]:
        statement = statement_get(person=person, first=MAY, last=MAY)
        assert statement.total_contributions == Decimal("10000.00")
    assert PayoutOrder.objects.get(pk=order.pk).status == "paid"


@pytest.mark.parametrize(
    ("language", "said"),
    [
        ("en", "Row 2: line 1 of the order was reported before, in the report part-1.csv of"),
        ("ru", "Строка 2: строка 1 поручения уже была в отчёте part-1.csv от"),
        ("kk", "2-жол: тапсырманың 1-жолы бұрын part-1.csv есебінде"),
    ],
)
def test_a_line_reported_twice_is_refused(pay, apply, officers, language, said):
    *_, second, order = _order_of_two(pay, apply, officers)
    refund_bank_report_apply(
        actor=officers[1], filename="part-1.csv", content=_report(order, {}, lines={1})
    )
    events = RefundEvent.objects.count()
    error = _refused(officers, _report(order, {}, lines={1, 2, 3}), language=language)
    assert error.code == "report_line_reported"
    assert said in error.message
    assert "report_line_reported" not in error.message
    # nothing of the second file is written
    second.refresh_from_db()
    assert second.status == "ordered"
    assert RefundEvent.objects.count() == events
    assert BankReport.objects.filter(order=order).count() == 1


def test_the_orders_page_shows_how_much_of_the_order_is_reported(client, pay, apply, officers):
    *_, order = _order_of_two(pay, apply, officers)
    refund_bank_report_apply(
        actor=officers[1], filename="part-1.csv", content=_report(order, {}, lines={1})
    )
    client.force_login(officers[1])
    page = client.get("/ru/refunds/orders/").content.decode()
    assert "1 из 3 строк в отчётах банка" in page
    assert 'class="bank-report-form"' in page  # the rest can still be uploaded


def test_the_officer_uploads_the_report_on_the_orders_page(client, pay, apply, officers):
    _, first, _, order = _order_of_two(pay, apply, officers)
    client.force_login(officers[1])
    bad = client.post(
        f"/ru/refunds/orders/{order.uuid}/report/",
        {"report": _uploaded(b"order;line\r\n")},
        follow=True,
    )
    assert bad.status_code == 200
    assert "заголовк" in bad.content.decode()
    assert "report_format_invalid" not in bad.content.decode()
    good = client.post(
        f"/ru/refunds/orders/{order.uuid}/report/",
        {"report": _uploaded(_report(order, {}))},
        follow=True,
    )
    assert good.status_code == 200
    first.refresh_from_db()
    assert first.status == "paid"


def _uploaded(content: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("report.csv", content, content_type="text/csv")
