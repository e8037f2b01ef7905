"""The months an award's page lists are the months the payment runs pay: both are the
entitlement's query (``benefits.entitlement.due_sql``), on SQLite and on PostgreSQL."""

from datetime import date
from decimal import Decimal

import pytest

from payouts.models import Payment
from payouts.selectors import award_months
from payouts.services.payments import payment_run_start
from tests.payouts.conftest import run_to_end

pytestmark = pytest.mark.django_db

THROUGH = date(2025, 5, 1)


def _run_months() -> None:
    month = date(2024, 11, 1)
    while month <= THROUGH:
        batch = run_to_end(payment_run_start(period=month, actor=None))
        assert batch.status == "done", batch.error_report
        month = date(month.year + month.month // 12, month.month % 12 + 1, 1)


def _listed(award) -> list[date]:
    return [row.period for row in award_months(award_id=award.pk, through=THROUGH)]


def _paid(award) -> list[date]:
    return list(
        Payment.objects.filter(award=award, kind=Payment.Kind.REGULAR)
        .order_by("period")
        .values_list("period", flat=True)
    )


def test_a_four_month_job_loss_award_from_the_5th_of_december_lists_and_pays_december_to_march(
    make_award,
) -> None:
    # given: 4 months from 2024-12-05, so its (exclusive) end is 2025-04-05
    award = make_award("job_loss", start=date(2024, 12, 5), end=date(2025, 4, 5), gross="90000.00")
    # when
    _run_months()
    # then
    months = [date(2024, 12, 1), date(2025, 1, 1), date(2025, 2, 1), date(2025, 3, 1)]
    assert _listed(award) == months
    assert _paid(award) == months
    assert [row.due for row in award_months(award_id=award.pk, through=THROUGH)] == [
        Decimal("81000.00")
    ] * 4


def test_an_award_ending_mid_month_lists_and_pays_up_to_the_month_before(make_award) -> None:
    # given: disability from 2024-11-01, the degree set up to 2025-02-14 (end 2025-02-15)
    award = make_award("disability", start=date(2024, 11, 1), end=date(2025, 2, 15))
    # when
    _run_months()
    # then: February is not a whole month of the right, so neither listed nor paid
    months = [date(2024, 11, 1), date(2024, 12, 1), date(2025, 1, 1)]
    assert _listed(award) == months
    assert _paid(award) == months


def test_a_lump_sum_lists_and_pays_the_month_of_its_start_only(make_award) -> None:
    award = make_award("maternity", start=date(2025, 1, 20), gross="420000.00")
    _run_months()
    assert _listed(award) == [date(2025, 1, 1)]
    assert _paid(award) == [date(2025, 1, 1)]
