from django.contrib import admin
from django.http import HttpRequest

from gfss.org.models import (
    AccessLogEntry,
    Branch,
    PartnerClient,
    PartnerToken,
    Region,
    StaffProfile,
)


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name_kk", "name_ru", "name_en", "is_city", "valid_from"]


@admin.register(Branch)
class BranchAdmin(admin.ModelAdmin):
    list_display = ["code", "name_ru", "region"]
    list_select_related = ["region"]


@admin.register(StaffProfile)
class StaffProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "branch", "role"]
    list_filter = ["role", "branch"]
    list_select_related = ["user", "branch"]
    raw_id_fields = ["user"]


class PartnerTokenInline(admin.TabularInline):
    """A partner's keys, by their dates only (`manage.py partner_token_rotate` and
    `partner_token_revoke` change them)."""

    model = PartnerToken
    fields = ("created_at", "expires_at", "revoked_at", "last_used_at")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(PartnerClient)
class PartnerClientAdmin(admin.ModelAdmin):
    list_display = ["name", "scopes", "is_active", "created_at"]
    readonly_fields = ["user"]
    fields = ["name", "scopes", "is_active", "user"]
    inlines = [PartnerTokenInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        # A token is shown once, at issue: `manage.py partner_create NAME --scope ...`.
        return False


@admin.register(AccessLogEntry)
class AccessLogEntryAdmin(admin.ModelAdmin):
    """Who saw which person's data: read-only, kept (the staff page shows a head its branch's)."""

    list_display = ["created_at", "user", "branch", "subject", "iin", "path", "address"]
    list_filter = ["subject", "branch"]
    search_fields = ["iin", "user__username"]
    list_select_related = ["user", "branch"]
    readonly_fields = [field.name for field in AccessLogEntry._meta.fields]
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
