"""The admin inspects money in; it never changes it (ledgers are append-only, style B14)."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy as _

from contributions.models import (
    ContributionLine,
    PaymentDocument,
    PenaltyAccrual,
    QuarantinedLine,
    ReceivedFile,
)
from contributions.selectors import payment_document_list_for_user, quarantined_line_list_for_user
from gfss.common.text import safe_filename


class ReadOnlyAdmin(admin.ModelAdmin):
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ReceivedFile)
class ReceivedFileAdmin(ReadOnlyAdmin):
    list_display = ["received_at", "filename", "size", "source", "outcome", "error_code"]
    list_filter = ["outcome", "source", "error_code"]
    search_fields = ["=sha256", "=payer_idn", "filename"]
    exclude = ["content"]
    readonly_fields = ["download"]

    def get_queryset(self, request: HttpRequest) -> Any:
        # The bytes can be 100 MB: the lists and the form never load them.
        return super().get_queryset(request).defer("content")

    @admin.display(description=_("file as received"))
    def download(self, obj: ReceivedFile) -> str:
        url = reverse("admin:contributions_receivedfile_download", args=[obj.pk])
        return format_html('<a href="{}">{}</a> ({} bytes)', url, obj.filename, obj.size)

    def get_urls(self) -> list[URLPattern]:
        return [
            path(
                "<int:pk>/download/",
                self.admin_site.admin_view(self.download_view),
                name="contributions_receivedfile_download",
            ),
            *super().get_urls(),
        ]

    def download_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        if not self.has_view_permission(request):
            return HttpResponse(status=403)
        received = get_object_or_404(ReceivedFile, pk=pk)
        response = HttpResponse(bytes(received.content), content_type="application/octet-stream")
        # Names stored before they were made safe still reach the header safely.
        response["Content-Disposition"] = content_disposition_header(
            True, safe_filename(received.filename)
        )
        return response


class QuarantinedLineInline(admin.TabularInline):
    model = QuarantinedLine
    extra = 0
    can_delete = False
    fields = readonly_fields = (
        "line_no",
        "code",
        "message",
        "iin_text",
        "period_text",
        "amount",
        "status",
    )

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(PaymentDocument)
class PaymentDocumentAdmin(ReadOnlyAdmin):
    list_display = [
        "value_date",
        "reference",
        "payer_idn",
        "knp",
        "total",
        "lines_accepted",
        "lines_rejected",
        "status",
    ]
    list_filter = ["status", "knp"]
    search_fields = ["=reference", "=payer_idn"]
    list_select_related = ["payer"]
    raw_id_fields = ["payer", "file"]
    inlines = [QuarantinedLineInline]

    def get_queryset(self, request: HttpRequest) -> Any:
        return payment_document_list_for_user(user=request.user)


@admin.register(ContributionLine)
class ContributionLineAdmin(ReadOnlyAdmin):
    list_display = ["period", "person", "payer", "amount", "kind", "value_date", "document"]
    list_filter = ["kind"]
    search_fields = ["=person__iin", "=payer__idn"]
    list_select_related = ["person", "payer", "document"]
    raw_id_fields = ["person", "payer", "document", "reverses"]


@admin.register(QuarantinedLine)
class QuarantinedLineAdmin(ReadOnlyAdmin):
    list_display = ["document", "line_no", "code", "iin_text", "period_text", "amount", "status"]
    list_filter = ["code", "status"]
    search_fields = ["=iin_text", "=document__payer_idn"]
    raw_id_fields = ["document", "resolved_by"]

    def get_queryset(self, request: HttpRequest) -> Any:
        return quarantined_line_list_for_user(user=request.user)


@admin.register(PenaltyAccrual)
class PenaltyAccrualAdmin(ReadOnlyAdmin):
    list_display = [
        "payer",
        "period",
        "kind",
        "due_date",
        "paid_on",
        "days_late",
        "arrears",
        "amount",
    ]
    list_filter = ["kind"]
    search_fields = ["=payer__idn"]
    list_select_related = ["payer"]
    raw_id_fields = ["payer", "document"]
