"""Staff pages: payment runs with totals and files, events with their dry run, overpayments."""

from datetime import date
from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    StreamingHttpResponse,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from contributions.exceptions import PeriodInvalid
from contributions.periods import period_from_staff_text
from gfss.common.exceptions import ApplicationError
from gfss.common.periods import add_months, month_start, parse_period
from gfss.org.access import Action, Subject
from gfss.org.actors import acting_user
from gfss.org.decorators import may_required, reads_required
from payouts.models import PayoutFile, RecalculationEvent
from payouts.registers import document_filename, payout_register_csv, register_filename
from payouts.selectors import (
    overpayment_list,
    payment_run_get,
    payment_run_list,
    payment_totals,
)
from payouts.services.closing import payment_run_close, payment_run_latest_job, payout_files_job
from payouts.services.event_dry_runs import event_dry_run_start
from payouts.services.events import event_apply_start
from payouts.services.overpayments import repayment_record
from payouts.services.payments import payment_run_start

LIST_SIZE = 200
RUN_MONTHS_BACK = 24


def _period(text: str) -> date:
    try:
        return parse_period(text)
    except ValueError:
        raise Http404 from None


@reads_required(Subject.PAYMENT)
def run_list(request: HttpRequest) -> HttpResponse:
    # The months a run is started for, by their names: a month field would be written in the
    # browser's language rather than the page's.
    this_month = month_start(timezone.localdate())
    months = [add_months(this_month, shift) for shift in range(0, -RUN_MONTHS_BACK - 1, -1)]
    return render(
        request,
        "payouts/run_list.html",
        {"runs": payment_run_list(user=request.user), "this_month": this_month, "months": months},
    )


@reads_required(Subject.PAYMENT)
def run_detail(request: HttpRequest, period: str) -> HttpResponse:
    month = _period(period)
    try:
        run = payment_run_get(user=request.user, period=month)
    except ApplicationError as error:
        raise Http404(error.message) from None
    return render(
        request,
        "payouts/run_detail.html",
        {
            "run": run,
            "totals": payment_totals(user=request.user, period=month),
            "files": run.files.order_by("benefit"),
            "payment_job": payment_run_latest_job(period=month),
            "files_job": payout_files_job(period=month),
        },
    )


@require_POST
@may_required(Action.OPERATE_PAYOUTS)
def run_start(request: HttpRequest) -> HttpResponse:
    text = request.POST.get("period", "")
    if not text.strip():
        messages.error(request, _("Choose the month to run."))
        return redirect("payouts:run_list")
    try:
        # A month of the contributions' window: 0001-01 is a typing error, not a run.
        period = period_from_staff_text(text)
    except PeriodInvalid as invalid:
        messages.error(request, invalid.message)
        return redirect("payouts:run_list")
    try:
        batch = payment_run_start(period=period, actor=acting_user(request))
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("payouts:run_list")
    return redirect("jobs:run_detail", run_id=batch.pk)


@require_POST
@may_required(Action.OPERATE_PAYOUTS)
def run_close(request: HttpRequest, period: str) -> HttpResponse:
    try:
        batch = payment_run_close(period=_period(period), actor=acting_user(request))
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("payouts:run_detail", period=period)
    messages.success(request, _("The month is closed; its payout files are being built."))
    return redirect("jobs:run_detail", run_id=batch.pk)


def _complete_file(file_id: int) -> PayoutFile:
    payout = get_object_or_404(PayoutFile.objects.select_related("run"), pk=file_id)
    if not payout.is_complete:
        raise Http404(_("The file is still being built."))
    return payout


@reads_required(Subject.PAYOUT_FILE)
def file_download(request: HttpRequest, file_id: int) -> FileResponse:
    payout = _complete_file(file_id)
    return FileResponse(
        payout.document.open("rb"),
        as_attachment=True,
        filename=document_filename(payout),
        content_type="text/plain; charset=utf-8",
    )


@reads_required(Subject.PAYOUT_FILE)
def register_download(request: HttpRequest, file_id: int) -> StreamingHttpResponse:
    payout = _complete_file(file_id)
    response = StreamingHttpResponse(
        payout_register_csv(payout_file=payout), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=register_filename(payout)
    )
    return response


@reads_required(Subject.PAYMENT)
def event_list(request: HttpRequest) -> HttpResponse:
    events = RecalculationEvent.objects.order_by("effective_date", "pk")
    return render(request, "payouts/event_list.html", {"events": events})


@reads_required(Subject.PAYMENT)
def event_detail(request: HttpRequest, event_id: int) -> HttpResponse:
    event = get_object_or_404(RecalculationEvent, pk=event_id)
    return render(
        request,
        "payouts/event_detail.html",
        {"event": event, "report": event.dry_run_report, "applied": event.applications.count()},
    )


@require_POST
@may_required(Action.OPERATE_PAYOUTS)
def event_dry_run_view(request: HttpRequest, event_id: int) -> HttpResponse:
    try:
        batch = event_dry_run_start(event_id=event_id, actor=acting_user(request))
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("payouts:event_detail", event_id=event_id)
    return redirect("jobs:run_detail", run_id=batch.pk)


@require_POST
@may_required(Action.OPERATE_PAYOUTS)
def event_apply(request: HttpRequest, event_id: int) -> HttpResponse:
    try:
        batch = event_apply_start(event_id=event_id, actor=acting_user(request))
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("payouts:event_list")
    return redirect("jobs:run_detail", run_id=batch.pk)


@reads_required(Subject.PAYMENT)
def overpayments(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "payouts/overpayments.html",
        {"accounts": overpayment_list(user=request.user)[:LIST_SIZE]},
    )


@require_POST
@may_required(Action.OPERATE_PAYOUTS)
def repayment_record_view(request: HttpRequest, award_id: int) -> HttpResponse:
    try:
        repayment_record(
            award_id=award_id,
            amount=Decimal(request.POST.get("amount", "").replace(",", ".").replace(" ", "")),
            received_on=date.fromisoformat(request.POST.get("received_on", "")),
            bank_reference=request.POST.get("bank_reference", "")[:64],
            note=request.POST.get("note", "")[:300],
            actor=acting_user(request),
        )
    except (InvalidOperation, ValueError):
        messages.error(request, _("Enter an amount such as 1234.56 and a date."))
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The repayment is recorded."))
    return redirect("payouts:overpayments")
