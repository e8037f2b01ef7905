from django.contrib import admin
from django.http import HttpRequest

from gfss.common.models import RejectedInput


@admin.register(RejectedInput)
class RejectedInputAdmin(admin.ModelAdmin):
    """Refused writes, for audit: read-only, kept."""

    list_display = ["created_at", "method", "path", "status_code", "code", "user"]
    list_filter = ["code", "status_code", "method"]
    search_fields = ["path", "code", "body"]
    readonly_fields = [field.name for field in RejectedInput._meta.fields]
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
