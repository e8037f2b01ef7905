"""Writes of refunds: applications and their decisions; payout orders, payment, bank returns."""

from refunds.services.applications import (
    Applicant,
    LineRequest,
    refund_application_create,
    refund_confirm,
    refund_decide,
    refund_decline,
)
from refunds.services.orders import (
    refund_bank_report_apply,
    refund_bank_return,
    refund_order_paid,
    refund_payout_orders_build,
)

__all__ = [
    "Applicant",
    "LineRequest",
    "refund_application_create",
    "refund_bank_report_apply",
    "refund_bank_return",
    "refund_confirm",
    "refund_decide",
    "refund_decline",
    "refund_order_paid",
    "refund_payout_orders_build",
]
