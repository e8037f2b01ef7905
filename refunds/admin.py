"""Inspection of refunds: read-only, since every step goes through the services (and the
staff pages); the history and the ledger postings are append-only."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from refunds.models import PayoutOrder, RefundApplication, RefundEvent, RefundLine, RefundPosting


class ReadOnlyAdmin(admin.ModelAdmin):
    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class RefundLineInline(admin.TabularInline):
    model = RefundLine
    extra = 0
    can_delete = False
    fields = readonly_fields = (
        "line_no",
        "iin",
        "period",
        "amount",
        "approved_amount",
        "check_code",
        "counted_award",
    )

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class RefundEventInline(admin.TabularInline):
    model = RefundEvent
    extra = 0
    can_delete = False
    fields = readonly_fields = (
        "created_at",
        "kind",
        "actor",
        "from_status",
        "to_status",
        "comment",
    )

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(RefundApplication)
class RefundApplicationAdmin(ReadOnlyAdmin):
    list_display = [
        "request_number",
        "payer",
        "reason",
        "status",
        "received_on",
        "stage_due",
        "amount_requested",
        "amount_approved",
    ]
    list_filter = ["status", "reason", "source"]
    search_fields = ["request_number", "payer__idn", "lines__iin"]
    list_select_related = ["payer"]
    raw_id_fields = ["payer", "document", "order"]
    inlines = [RefundLineInline, RefundEventInline]


@admin.register(PayoutOrder)
class PayoutOrderAdmin(ReadOnlyAdmin):
    list_display = ["reference", "knp", "value_date", "status", "applications_count", "total"]
    list_filter = ["knp", "status"]
    exclude = ["content", "register"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [f.name for f in self.model._meta.fields if f.name not in {"content", "register"}]


@admin.register(RefundPosting)
class RefundPostingAdmin(ReadOnlyAdmin):
    list_display = ["line", "kind", "ledger_line", "order", "created_at"]
    list_filter = ["kind"]
    raw_id_fields = ["line", "ledger_line", "order"]
