"""Staff pages: payment documents, the MT-102 upload and the received files, the quarantine,
statements, arrears and payer monitoring."""

from datetime import date
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods, require_POST

from contributions.exceptions import PeriodInvalid
from contributions.exports import statement_pdf, statement_xlsx
from contributions.models import (
    LINE_ERROR_CODES,
    LINE_ERROR_LABELS,
    PaymentDocument,
    QuarantinedLine,
    ReceivedFile,
)
from contributions.periods import (
    period_from_staff_text,
    period_range_from_text,
    staff_month_example,
)
from contributions.selectors import (
    document_lines_summary,
    payers_in_arrears,
    payment_document_get_for_user,
    payment_document_list_for_user,
    quarantined_line_list_for_user,
    received_file_list_for_user,
    statement_get,
)
from contributions.services import (
    ImportReport,
    mt102_import,
    mt102_oversized_record,
    quarantined_line_correct,
)
from contributions.services.imports import max_file_bytes
from gfss.common import display
from gfss.common.exceptions import ApplicationError, NotFoundError
from gfss.common.periods import add_months, month_start
from gfss.common.uploads import LimitedUploadHandler, Streamed
from gfss.org.access import Action, Subject
from gfss.org.actors import acting_user
from gfss.org.decorators import may_required, reads_required
from gfss.org.models import AccessedData, Region
from gfss.org.services import access_log_record
from participants.selectors import life_events_of_person, person_get_for_user
from participants.validators import validate_iin

PAGE_SIZE = 50
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _page(request: HttpRequest, queryset: Any) -> Any:
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def _query_without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@reads_required(Subject.DOCUMENT)
def document_list(request: HttpRequest) -> HttpResponse:
    documents = payment_document_list_for_user(user=request.user)
    filters = {
        key: request.GET.get(key, "").strip()
        for key in ("payer", "status", "date_from", "date_to", "knp")
    }
    if filters["status"] == ReceivedFile.Outcome.REJECTED:
        # A rejected file loaded no document: the received files list has it, with its reason.
        return redirect(
            reverse("contributions:received-file-list") + f"?outcome={filters['status']}"
        )
    if filters["payer"]:
        documents = documents.filter(payer_idn=filters["payer"])
    if filters["status"] in PaymentDocument.Status.values:
        documents = documents.filter(status=filters["status"])
    if filters["knp"]:
        documents = documents.filter(knp=filters["knp"])
    errors = []
    for key, lookup in (("date_from", "value_date__gte"), ("date_to", "value_date__lte")):
        if not filters[key]:
            continue
        try:
            day = date.fromisoformat(filters[key])
        except ValueError:
            errors.append(_("“%(text)s” is not a date (YYYY-MM-DD).") % {"text": filters[key][:20]})
        else:
            documents = documents.filter(**{lookup: day})
    return render(
        request,
        "contributions/document_list.html",
        {
            "page": _page(request, documents.none() if errors else documents),
            "filters": filters,
            "errors": errors,
            "statuses": PaymentDocument.Status.choices,
            "query": _query_without_page(request),
        },
        status=400 if errors else 200,
    )


@reads_required(Subject.DOCUMENT)
def document_detail(request: HttpRequest, uuid: str) -> HttpResponse:
    try:
        document = payment_document_get_for_user(user=request.user, uuid=uuid)
    except NotFoundError:
        raise Http404 from None
    return render(
        request,
        "contributions/document_detail.html",
        {
            "document": document,
            "summary": document_lines_summary(document=document)["periods"],
            "quarantined": document.quarantined_lines.order_by("line_no"),
        },
    )


# How many quarantined lines the upload's report lists; the quarantine list has them all.
REPORT_LINES = 200


# The upload handler must be set before anything reads the body: the CSRF check, which reads
# it, is therefore made inside, after the size limit is in place.
@csrf_exempt
@require_http_methods(["GET", "POST"])
@may_required(Action.UPLOAD_PAYMENTS)
def mt102_upload(request: HttpRequest) -> HttpResponse:
    """A specialist loads one MT-102 file brought to the branch, through the importer the API
    uses; the page answers with the import report, or says on the form why nothing was loaded."""
    request.upload_handlers = [LimitedUploadHandler(request, limit=max_file_bytes())]
    return _mt102_upload(request)


@csrf_protect
def _mt102_upload(request: HttpRequest) -> HttpResponse:
    context: dict[str, Any] = {"max_bytes": max_file_bytes()}
    if request.method != "POST":
        return render(request, "contributions/mt102_upload.html", context)
    upload = request.FILES.get("file")
    streamed: Streamed | None = getattr(upload, "streamed", None)
    if upload is None or streamed is None:
        context["error"] = _("Choose the MT-102 file to upload.")
        return render(request, "contributions/mt102_upload.html", context, status=400)
    if streamed.size == 0:
        context["error"] = _("The file %(name)s is empty.") % {"name": upload.name}
        return render(request, "contributions/mt102_upload.html", context, status=400)
    filename = upload.name or "upload.mt102"
    if streamed.file is None:
        report = mt102_oversized_record(
            streamed=streamed,
            filename=filename,
            actor=acting_user(request),
            source=ReceivedFile.Source.STAFF,
        )
    else:
        with streamed.file as file:
            report = mt102_import(
                data=file,
                filename=filename,
                actor=acting_user(request),
                source=ReceivedFile.Source.STAFF,
                today=timezone.localdate(),
            )
    context.update(_report_context(request, report))
    # As the API answers: a rejected document is refused by a rule, a duplicate changes nothing.
    status = 422 if report.status == ReceivedFile.Outcome.REJECTED else 200
    return render(request, "contributions/mt102_upload.html", context, status=status)


def _report_context(request: HttpRequest, report: ImportReport) -> dict[str, Any]:
    document = None
    if report.document_uuid:
        document = (
            payment_document_list_for_user(user=request.user)
            .filter(uuid=report.document_uuid)
            .first()
        )
    loaded = report.status in (
        ReceivedFile.Outcome.ACCEPTED,
        ReceivedFile.Outcome.PARTIALLY_ACCEPTED,
    )
    quarantined = (
        document.quarantined_lines.select_related("document").order_by("line_no")[:REPORT_LINES]
        if document is not None and loaded
        else []
    )
    return {
        "report": report,
        "status_label": ReceivedFile.Outcome(report.status).label,
        "loaded": loaded,
        "document": document,
        "quarantined": quarantined,
        "more_quarantined": max(0, report.lines_rejected - REPORT_LINES) if loaded else 0,
        "error": None if loaded else " ".join(issue.message for issue in report.errors),
    }


@reads_required(Subject.DOCUMENT)
def received_file_list(request: HttpRequest) -> HttpResponse:
    """Every file received, with its outcome: the rejected and duplicate ones with their reason."""
    files = received_file_list_for_user(user=request.user, max_bytes=max_file_bytes())
    filters = {key: request.GET.get(key, "").strip() for key in ("outcome", "source")}
    if filters["outcome"] in ReceivedFile.Outcome.values:
        files = files.filter(outcome=filters["outcome"])
    if filters["source"] in ReceivedFile.Source.values:
        files = files.filter(source=filters["source"])
    return render(
        request,
        "contributions/received_file_list.html",
        {
            "page": _page(request, files),
            "filters": filters,
            "outcomes": ReceivedFile.Outcome.choices,
            "sources": ReceivedFile.Source.choices,
            "query": _query_without_page(request),
        },
    )


@reads_required(Subject.QUARANTINED_LINE)
def quarantine_list(request: HttpRequest) -> HttpResponse:
    lines = quarantined_line_list_for_user(user=request.user)
    filters = {
        key: request.GET.get(key, "").strip() for key in ("code", "status", "payer", "period")
    }
    error = None
    if filters["code"] in LINE_ERROR_CODES:
        lines = lines.filter(code=filters["code"])
    if filters["status"] in QuarantinedLine.Status.values:
        lines = lines.filter(status=filters["status"])
    if filters["payer"]:
        lines = lines.filter(document__payer_idn=filters["payer"])
    if filters["period"]:
        try:
            lines = lines.filter(period=period_from_staff_text(filters["period"]))
        except PeriodInvalid as invalid:
            error = invalid.message
    return render(
        request,
        "contributions/quarantine_list.html",
        {
            "page": _page(request, lines),
            "filters": filters,
            "codes": [(code, LINE_ERROR_LABELS[code]) for code in LINE_ERROR_CODES],
            "statuses": QuarantinedLine.Status.choices,
            "error": error,
            "month_example": staff_month_example(),
            "query": _query_without_page(request),
        },
    )


@require_POST
@may_required(Action.CORRECT_QUARANTINE)
def quarantine_correct(request: HttpRequest, line_id: int) -> HttpResponse:
    """A specialist puts a quarantined line's money on the ledger with the IIN and period fixed."""
    try:
        period = period_from_staff_text(request.POST.get("period", ""))
        ledger_line = quarantined_line_correct(
            actor=acting_user(request),
            line_id=line_id,
            lines=quarantined_line_list_for_user(user=request.user),
            iin=request.POST.get("iin", ""),
            period=period,
        )
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("Line corrected: %(amount)s for %(period)s now counts for IIN %(iin)s.")
            % {
                "amount": display.money(ledger_line.amount),
                "period": display.month(ledger_line.period),
                "iin": ledger_line.person.iin,
            },
        )
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = reverse("contributions:quarantine-list")
    return redirect(back)


@reads_required(Subject.LEDGER)
def statement_search(request: HttpRequest) -> HttpResponse:
    """An IIN that is not one, or of nobody the user may see, is answered on the form."""
    iin = request.GET.get("iin", "").strip()
    if not iin:
        return render(request, "contributions/statement_search.html", {})
    try:
        validate_iin(iin)
        person_get_for_user(user=request.user, iin=iin, subject=Subject.LEDGER)
    except ValidationError as invalid:
        error, status = " ".join(invalid.messages), 400
    except NotFoundError:
        error, status = _("No person with IIN %(iin)s is in your reach.") % {"iin": iin}, 200
    else:
        return redirect("contributions:statement", iin=iin)
    return render(
        request, "contributions/statement_search.html", {"iin": iin, "error": error}, status=status
    )


@reads_required(Subject.LEDGER)
def statement(request: HttpRequest, iin: str) -> HttpResponse:
    try:
        person = person_get_for_user(user=request.user, iin=iin, subject=Subject.LEDGER)
    except NotFoundError:
        raise Http404 from None
    today = month_start(timezone.localdate())
    try:
        first, last = period_range_from_text(
            request.GET.get("from"), request.GET.get("to"), default=(add_months(today, -11), today)
        )
    except PeriodInvalid as invalid:
        return render(
            request,
            "contributions/statement.html",
            {"person": person, "error": invalid.message},
            status=400,
        )
    result = statement_get(person=person, first=first, last=last, user=request.user)
    access_log_record(request=request, subject=AccessedData.STATEMENT, iin=person.iin)
    export = request.GET.get("format")
    name = f"statement-{person.iin}-{first:%Y%m}-{last:%Y%m}"
    if export == "xlsx":
        response = HttpResponse(statement_xlsx(result), content_type=XLSX)
        response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
        return response
    if export == "pdf":
        response = HttpResponse(statement_pdf(result), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
        return response
    return render(
        request,
        "contributions/statement.html",
        {
            "person": person,
            "statement": result,
            "life_events": life_events_of_person(person_id=person.pk),
            "period_from": f"{first:%Y-%m}",
            "period_to": f"{last:%Y-%m}",
        },
    )


@reads_required(Subject.PAYER)
def arrears_list(request: HttpRequest) -> HttpResponse:
    region = request.GET.get("region", "").strip()
    payers = payers_in_arrears(user=request.user, region_code=region or None)
    return render(
        request,
        "contributions/arrears_list.html",
        {
            "page": _page(request, payers),
            "region": region,
            "regions": Region.objects.order_by("code"),
            "query": _query_without_page(request),
        },
    )
