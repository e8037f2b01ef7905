"""Inspection of the payout ledgers (read-only) and definition of recalculation events.

Events are created through ``event_create`` (the admin form's save calls it) and applied or
dry-run by admin actions that call the services.
"""

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponseRedirect
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from gfss.common.exceptions import ApplicationError
from gfss.org import access
from gfss.org.actors import acting_user
from payouts.models import (
    EventApplication,
    Overpayment,
    Payment,
    PaymentRun,
    PayoutFile,
    RecalculationEvent,
    Recovery,
)
from payouts.services.event_dry_runs import event_dry_run_start
from payouts.services.events import event_apply_start, event_create


class ReadOnlyLedgerAdmin(admin.ModelAdmin):
    """Ledgers are written by services only: no add, change or delete here."""

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(PaymentRun)
class PaymentRunAdmin(ReadOnlyLedgerAdmin):
    list_display = ["period", "status", "closed_at", "closed_by"]


@admin.register(Payment)
class PaymentAdmin(ReadOnlyLedgerAdmin):
    list_display = [
        "award",
        "period",
        "benefit",
        "gross",
        "opv",
        "net",
        "deduction",
        "payable",
        "run",
    ]
    list_filter = ["benefit", "run"]
    raw_id_fields = ["award"]


@admin.register(PayoutFile)
class PayoutFileAdmin(ReadOnlyLedgerAdmin):
    list_display = ["reference", "run", "benefit", "knp", "lines", "total", "sha256"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [f.name for f in self.model._meta.fields]


@admin.register(EventApplication)
class EventApplicationAdmin(ReadOnlyLedgerAdmin):
    list_display = [
        "event",
        "award",
        "valid_from",
        "old_gross",
        "new_gross",
        "old_end_date",
        "new_end_date",
    ]
    list_filter = ["event"]


@admin.register(Overpayment)
class OverpaymentAdmin(ReadOnlyLedgerAdmin):
    list_display = ["award", "period", "paid_net", "entitled_net", "amount", "detected_from"]


@admin.register(Recovery)
class RecoveryAdmin(ReadOnlyLedgerAdmin):
    list_display = ["award", "kind", "amount", "received_on", "payment"]
    list_filter = ["kind"]


@admin.register(RecalculationEvent)
class RecalculationEventAdmin(admin.ModelAdmin):
    """Define an event here; it is never edited once saved (applications refer to it)."""

    list_display = [
        "id",
        "kind",
        "effective_date",
        "percent",
        "benefit_types",
        "selection",
        "description",
    ]
    list_filter = ["kind"]
    fields = [
        "kind",
        "effective_date",
        "percent",
        "benefit_types",
        "selection",
        "parameters",
        "legal_ref",
        "description",
        "dry_run_at",
        "dry_run_summary",
    ]
    readonly_fields = ["dry_run_at", "dry_run_summary"]
    actions = ["dry_run", "apply"]

    @admin.display(description=_("dry-run report"))
    def dry_run_summary(self, obj: RecalculationEvent) -> str:
        report = obj.dry_run_report
        if not report:
            return "—"
        head = format_html(
            "<p>{}: {} · {}: {} · {}: {}</p>",
            _("Awards selected"),
            report["awards_selected"],
            _("would change"),
            report["awards_changed"],
            _("already applied"),
            report["already_applied"],
        )
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (m["period"], m["awards"], m["gross_change"], m["net_change"])
                for m in report["months"]
            ),
        )
        return format_html(
            "{}<table><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>{}</table>",
            head,
            _("Month"),
            _("Awards"),
            _("Change in gross"),
            _("Change in net"),
            rows,
        )

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(
        self, request: HttpRequest, obj: RecalculationEvent, form: Any, change: bool
    ) -> None:
        created = event_create(
            kind=obj.kind,
            effective_date=obj.effective_date,
            percent=obj.percent,
            benefit_types=list(obj.benefit_types),
            selection=obj.selection,
            parameters=dict(obj.parameters or {}),
            legal_ref=obj.legal_ref,
            description=obj.description,
            actor=acting_user(request),
        )
        obj.pk = created.pk

    def add_view(self, request: HttpRequest, form_url: str = "", extra_context: Any = None) -> Any:
        try:
            return super().add_view(request, form_url, extra_context)
        except ApplicationError as error:
            self.message_user(request, error.message, messages.ERROR)
            return HttpResponseRedirect(request.path)

    @admin.action(description=_("Dry run (writes nothing)"), permissions=["apply"])
    def dry_run(self, request: HttpRequest, queryset: QuerySet[RecalculationEvent]) -> None:
        for event in queryset.order_by("effective_date", "pk"):
            try:
                run = event_dry_run_start(event_id=event.pk, actor=acting_user(request))
            except ApplicationError as error:
                self.message_user(request, f"#{event.pk}: {error.message}", messages.ERROR)
            else:
                self.message_user(request, f"#{event.pk}: batch run #{run.pk} started")

    @admin.action(description=_("Apply as a batch run"), permissions=["apply"])
    def apply(self, request: HttpRequest, queryset: QuerySet[RecalculationEvent]) -> None:
        for event in queryset.order_by("effective_date", "pk"):
            try:
                run = event_apply_start(event_id=event.pk, actor=acting_user(request))
            except ApplicationError as error:
                self.message_user(request, f"#{event.pk}: {error.message}", messages.ERROR)
            else:
                self.message_user(request, f"#{event.pk}: batch run #{run.pk} started")

    def has_apply_permission(self, request: HttpRequest) -> bool:
        return access.may(request.user, access.Action.OPERATE_PAYOUTS)
