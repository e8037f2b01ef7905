"""Admin: for inspection. E-cases, their history and awards are read-only here (decisions go
through the services, from the staff pages or the API) and filtered by the user's branch."""

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from benefits.models import (
    Application,
    ApplicationEvent,
    Award,
    AwardAmount,
    AwardDecision,
    ProactiveOffer,
)
from gfss.org.access import Subject, reach


class ReadOnlyAdmin(admin.ModelAdmin):
    """No add, change or delete: the history and the ledgers are append-only."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    branch_path = "branch"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return reach(request.user, Subject.CASE).apply(
            super().get_queryset(request), branch=f"{self.branch_path}_id"
        )


class ApplicationEventInline(admin.TabularInline):
    model = ApplicationEvent
    fields = readonly_fields = (
        "created_at",
        "kind",
        "actor",
        "from_status",
        "to_status",
        "comment",
    )
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Application)
class ApplicationAdmin(ReadOnlyAdmin):
    list_display = ["uuid", "benefit", "person", "branch", "status", "decision_due", "channel"]
    list_filter = ["benefit", "status", "channel", "branch"]
    list_select_related = ["person", "branch"]
    search_fields = ["=uuid", "=person__iin"]
    show_full_result_count = False
    inlines = [ApplicationEventInline]


@admin.register(ApplicationEvent)
class ApplicationEventAdmin(ReadOnlyAdmin):
    list_display = ["application", "kind", "actor", "from_status", "to_status", "created_at"]
    list_filter = ["kind"]
    list_select_related = ["application", "actor"]
    show_full_result_count = False
    branch_path = "application__branch"


@admin.register(Award)
class AwardAdmin(ReadOnlyAdmin):
    list_display = ["uuid", "benefit", "person", "branch", "status", "start_date", "end_date"]
    list_filter = ["benefit", "status", "branch"]
    list_select_related = ["person", "branch"]
    search_fields = ["=uuid", "=person__iin"]
    show_full_result_count = False


@admin.register(AwardAmount)
class AwardAmountAdmin(ReadOnlyAdmin):
    list_display = ["award", "valid_from", "gross", "opv", "net", "reason"]
    list_select_related = ["award"]
    show_full_result_count = False
    branch_path = "award__branch"


@admin.register(AwardDecision)
class AwardDecisionAdmin(ReadOnlyAdmin):
    list_display = ["award", "kind", "effective_date", "status", "made_by", "confirmed_by"]
    list_select_related = ["award", "made_by", "confirmed_by"]
    branch_path = "application__branch"


@admin.register(ProactiveOffer)
class ProactiveOfferAdmin(ReadOnlyAdmin):
    list_display = ["uuid", "benefit", "person", "status", "offered_at", "expires_at"]
    list_filter = ["benefit", "status"]
    list_select_related = ["person"]
    branch_path = "person__region__branch"
