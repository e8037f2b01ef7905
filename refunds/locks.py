"""Row locks for read-modify-write on refund applications (by pk)."""

from django.db.models import QuerySet

from refunds.models import PayoutOrder, RefundApplication


def refund_application_qs_select_for_update() -> QuerySet[RefundApplication]:
    return RefundApplication.objects.order_by("pk").select_for_update(of=("self",), no_key=True)


def payout_order_qs_select_for_update() -> QuerySet[PayoutOrder]:
    return PayoutOrder.objects.order_by("pk").select_for_update(of=("self",), no_key=True)
