"""``ledger_check``: nothing to report on books made by the services, and each planted fault
reported as what it is."""

from collections.abc import Callable
from datetime import date
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext

from benefits.models import AwardAmount
from benefits.services.awards import award_create
from contributions.models import ContributionLine, PaymentDocument
from payouts.models import Payment
from reporting.ledger_check import amount_series_check, award_months_check, ledger_check
from tests.factories import PersonFactory, branch
from tests.reporting.books import Books, books_make

pytestmark = pytest.mark.django_db


@pytest.fixture
def books(settings, tmp_path) -> Books:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return books_make()


def test_books_made_by_the_services_have_no_finding(books, capsys):
    # the books hold what every check reads
    assert Payment.objects.filter(award=books.award, deduction__gt=0).exists()
    assert ContributionLine.objects.filter(reverses=books.line).exists()
    assert list(ledger_check()) == []
    call_command("ledger_check")
    assert "no finding" in capsys.readouterr().out


def _document_total_off(books: Books) -> None:
    PaymentDocument.objects.filter(pk=books.document.pk).update(
        amount_accepted=F("amount_accepted") - Decimal("0.01")
    )


def _reversal_of_another_person(books: Books) -> None:
    line = ContributionLine.objects.create(
        document_id=books.line.document_id,
        person=PersonFactory(),
        payer_id=books.line.payer_id,
        period=books.line.period,
        amount=Decimal("-1.00"),
        kind=books.line.kind,
        value_date=books.line.value_date,
        reverses_id=ContributionLine.objects.exclude(pk=books.line.pk)
        .filter(document_id=books.line.document_id, reverses__isnull=True)
        .values_list("pk", flat=True)
        .first(),
    )
    assert line.pk


def _month_paid_a_tiyn_short(books: Books) -> None:
    one = Decimal("0.01")
    Payment.objects.filter(award=books.award, period=date(2024, 2, 1)).update(
        gross=F("gross") - one, net=F("net") - one, payable=F("payable") - one
    )


def _amount_missing_for_january(books: Books) -> None:
    AwardAmount.objects.filter(award=books.award, valid_from=date(2024, 1, 1)).update(
        valid_from=date(2024, 2, 1)
    )


@pytest.mark.parametrize(
    ("plant", "check", "subject"),
    [
        (_document_total_off, "document_total", "document"),
        (_reversal_of_another_person, "reversal", "reversal"),
        (_month_paid_a_tiyn_short, "award_month", "2024-02"),
        (_amount_missing_for_january, "amount_series", "2024-01"),
    ],
)
def test_a_planted_fault_is_reported(
    books: Books, plant: Callable[[Books], None], check: str, subject: str, capsys
):
    # given a fault planted behind the services' back
    plant(books)
    # when the books are checked
    findings = [f for f in ledger_check() if f.check == check]
    # then it is reported, and the command says so and fails
    assert findings
    assert subject in findings[0].subject
    with pytest.raises(SystemExit) as exit_:
        call_command("ledger_check")
    assert exit_.value.code == 1
    assert f"{check}:" in capsys.readouterr().out


def test_the_award_checks_read_in_as_many_queries_for_many_awards_as_for_one(books):
    # given the books' award, whose checks take some number of queries
    checks = (award_months_check, amount_series_check)
    with CaptureQueriesContext(connection) as one:
        assert [finding for check in checks for finding in check()] == []
    # when twenty more awards are made
    start = date(2024, 1, 1)
    for _ in range(20):
        award_create(
            person=PersonFactory(),
            benefit="job_loss",
            branch=branch("75"),
            right_date=start,
            assigned_on=start,
            start_date=start,
            end_date=date(2024, 7, 1),
            gross=Decimal("100000.00"),
            opv=Decimal("10000.00"),
            actor=None,
        )
    # then the checks read all of them in the same number of queries, and find nothing
    with CaptureQueriesContext(connection) as many:
        assert [finding for check in checks for finding in check()] == []
    assert len(many) == len(one)
