"""Refunds by reason in the reports, from refunds made through the refund services."""

from decimal import Decimal

import pytest

from refunds.services import refund_confirm, refund_decide, refund_payout_orders_build
from reporting.filters import ReportFilters
from reporting.indicators.refunds import refunds_by_reason
from tests.refunds.conftest import apply, officers, pay  # noqa: F401  # the refund fixtures

pytestmark = pytest.mark.django_db


def test_refunds_count_by_reason_once_ordered(pay, apply, officers) -> None:  # noqa: F811
    maker, checker = officers
    for reason, amount in (("not_contributions", "4000.00"), ("other", "2500.00")):
        paid = pay("10000.00")
        application = apply(paid, (paid.persons[0], amount), actor=maker, reason=reason)
        refund_decide(actor=maker, application_id=application.pk, decision="approve")
        refund_confirm(actor=checker, application_id=application.pk)
    # approved is not yet refunded
    assert refunds_by_reason(ReportFilters(year=2025)) == []
    refund_payout_orders_build(actor=maker)

    rows = refunds_by_reason(ReportFilters(year=2025))

    assert len(rows) == 6  # every reason of the report, in its order
    first, last = rows[0], rows[-1]  # money that is not contributions; other
    assert (first["applications"], first["amount"]) == (1, Decimal("4000.00"))
    assert (last["applications"], last["amount"]) == (1, Decimal("2500.00"))
    assert sum(r["applications"] for r in rows) == 2
    assert refunds_by_reason(ReportFilters(year=2024)) == []
