"""Staff pages of refunds: the officers' list, an application with its check, decision and
history, the staff form, payout orders with their files, the reports, and the refund state of
a person or a payer for branch staff."""

from collections.abc import Callable
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from benefits.selectors import award_life_events
from gfss.common.exceptions import ApplicationError, NotFoundError
from gfss.common.periods import parse_period
from gfss.org import access
from gfss.org.access import Action, Subject
from gfss.org.actors import acting_user
from gfss.org.decorators import may_required, reads_required
from gfss.org.models import AccessedData, Region
from gfss.org.services import access_log_record
from participants.selectors import payer_list_for_user, person_get_for_user
from refunds.checks import check_message
from refunds.forms import RefundApplicationForm
from refunds.models import Reason, RefundApplication, RefundLine
from refunds.reports import report_request, report_xlsx, row_label
from refunds.selectors import (
    RefundFilters,
    payout_order_get,
    payout_order_list,
    refund_application_get_for_user,
    refund_applications_of_payer,
    refund_award_get,
    refund_counters,
    refund_events,
    refund_lines,
    refund_lines_of_person,
    refund_queue,
    refund_report,
)
from refunds.services import (
    refund_application_create,
    refund_bank_report_apply,
    refund_bank_return,
    refund_confirm,
    refund_decide,
    refund_decline,
    refund_order_paid,
    refund_payout_orders_build,
)
from refunds.services.applications import REFUSAL_CODES

PAGE_SIZE = 50
# The list counts its rows up to this many: an exact count of every filter over years of
# applications would cost more than the page (the counters above it count exactly).
COUNT_CAP = 2_000
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
Status = RefundApplication.Status


# Branch staff and analysts read; refund officers work (gfss.org.access).
reads_refunds = reads_required(Subject.REFUND)
works_refunds = may_required(Action.DECIDE_REFUND)


class CappedPaginator(Paginator):
    """Counts at most ``COUNT_CAP`` rows (``capped`` says there are more)."""

    object_list: QuerySet[Any]  # it pages querysets: the capped count is one SQL statement

    @cached_property
    def count(self) -> int:
        counted = self.object_list[: COUNT_CAP + 1].count()
        self.capped = counted > COUNT_CAP
        return min(counted, COUNT_CAP)

    capped = False


def _filters(request: HttpRequest) -> RefundFilters:
    get = request.GET
    try:
        period = parse_period(get["period"]) if get.get("period") else None
    except ValueError:
        period = None
    return RefundFilters(
        status=get.get("status", "") if get.get("status") in Status.values else "",
        reason=get.get("reason", "") if get.get("reason") in Reason.values else "",
        region=get.get("region", "").strip(),
        payer=get.get("payer", "").strip(),
        period=period,
        overdue=get.get("overdue") == "1",
    )


@works_refunds
def refund_list(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    filters = _filters(request)
    page = CappedPaginator(
        refund_queue(user=request.user, filters=filters, today=today), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    query = urlencode({k: v for k, v in request.GET.dict().items() if k != "page" and v})
    return render(
        request,
        "refunds/list.html",
        {
            "page": page,
            "today": today,
            "filters": filters,
            "period_text": request.GET.get("period", ""),
            "counters": refund_counters(user=request.user, today=today),
            "statuses": Status.choices,
            "reasons": Reason.choices,
            "regions": Region.objects.order_by("code"),
            "query": query,
        },
    )


def _application_or_404(request: HttpRequest, uuid: str) -> RefundApplication:
    try:
        return refund_application_get_for_user(user=request.user, uuid=uuid)
    except NotFoundError:
        raise Http404 from None


@reads_refunds
def refund_detail(request: HttpRequest, uuid: str) -> HttpResponse:
    application = _application_or_404(request, uuid)
    records = list(refund_lines(application=application))
    lines = [
        {"line": line, "message": check_message(line.check_code, line.check_data)}
        for line in records
    ]
    user = request.user
    works = access.may(user, Action.DECIDE_REFUND)
    decision, refusal_code = _suggested_decision(records)
    return render(
        request,
        "refunds/detail.html",
        {
            "application": application,
            "lines": lines,
            "events": refund_events(application=application),
            "today": timezone.localdate(),
            "refusal_codes": [(code, str(label)) for code, label in REFUSAL_CODES.items()],
            "refusal_label": REFUSAL_CODES.get(application.refusal_code, ""),
            "suggested_decision": decision,
            "suggested_refusal": refusal_code,
            "can_decide": works and application.status == Status.CHECKED,
            "can_confirm": works
            and application.status == Status.DECIDED
            and application.decided_by_id != user.pk,
            "waits_for_other": application.status == Status.DECIDED
            and application.decided_by_id == user.pk,
            "can_return": works and application.status in {Status.ORDERED, Status.PAID},
        },
    )


def _suggested_decision(lines: list[RefundLine]) -> tuple[str, str]:
    """The decision the check points to, preselected on the form; the officer may change it.

    Every line passed: approve; some: approve in part; none: refuse, for the first failed
    check's reason where it is a refusal reason too.
    """
    failed = [line.check_code for line in lines if not line.check_passed]
    if not failed:
        return RefundApplication.Decision.APPROVE, ""
    if len(failed) < len(lines):
        return RefundApplication.Decision.APPROVE_PART, ""
    return RefundApplication.Decision.REFUSE, next((c for c in failed if c in REFUSAL_CODES), "")


def _step(
    request: HttpRequest, uuid: str, action: Callable[[RefundApplication], Any]
) -> HttpResponse:
    application = _application_or_404(request, uuid)
    try:
        action(application)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Done."))
    return redirect("refunds:detail", uuid=application.uuid)


def _line_amounts(request: HttpRequest) -> dict[int, Decimal]:
    amounts = {}
    for key, value in request.POST.dict().items():
        if key.startswith("amount_") and key[7:].isdigit():
            try:
                amounts[int(key[7:])] = Decimal(value.strip().replace(",", ".") or "0")
            except InvalidOperation:
                raise ApplicationError(
                    _("Line %(line)s: the amount %(value)s is not a number.")
                    % {"line": key[7:], "value": value},
                    code="amount_invalid",
                ) from None
    return amounts


@require_POST
@works_refunds
def refund_decide_view(request: HttpRequest, uuid: str) -> HttpResponse:
    def act(application: RefundApplication) -> Any:
        decision = request.POST.get("decision", "")
        return refund_decide(
            actor=acting_user(request),
            application_id=application.pk,
            decision=decision,
            refusal_code=request.POST.get("refusal_code", ""),
            comment=request.POST.get("comment", ""),
            line_amounts=_line_amounts(request) if decision == "approve_part" else None,
        )

    return _step(request, uuid, act)


@require_POST
@works_refunds
def refund_confirm_view(request: HttpRequest, uuid: str) -> HttpResponse:
    return _step(
        request,
        uuid,
        lambda a: refund_confirm(
            actor=acting_user(request), application_id=a.pk, comment=request.POST.get("comment", "")
        ),
    )


@require_POST
@works_refunds
def refund_decline_view(request: HttpRequest, uuid: str) -> HttpResponse:
    return _step(
        request,
        uuid,
        lambda a: refund_decline(
            actor=acting_user(request), application_id=a.pk, comment=request.POST.get("comment", "")
        ),
    )


@require_POST
@works_refunds
def refund_return_view(request: HttpRequest, uuid: str) -> HttpResponse:
    return _step(
        request,
        uuid,
        lambda a: refund_bank_return(
            actor=acting_user(request), application_id=a.pk, comment=request.POST.get("comment", "")
        ),
    )


@works_refunds
def refund_new(request: HttpRequest) -> HttpResponse:
    form = RefundApplicationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            application, _created = refund_application_create(
                actor=acting_user(request),
                source=RefundApplication.Source.STAFF,
                **form.service_kwargs(),
            )
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            return redirect("refunds:detail", uuid=application.uuid)
    status = 400 if request.method == "POST" else 200
    return render(request, "refunds/new.html", {"form": form}, status=status)


@works_refunds
def order_list(request: HttpRequest) -> HttpResponse:
    approved = refund_counters(user=request.user, today=timezone.localdate())["to_order"]
    return render(
        request,
        "refunds/orders.html",
        {"orders": payout_order_list()[:200], "approved": approved, "today": timezone.localdate()},
    )


@require_POST
@works_refunds
def order_build(request: HttpRequest) -> HttpResponse:
    try:
        orders = refund_payout_orders_build(actor=acting_user(request))
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        if orders:
            messages.success(
                request, _("%(count)s payout order(s) built.") % {"count": len(orders)}
            )
        else:
            messages.info(request, _("No approved application waits for a payout order."))
    return redirect("refunds:orders")


@require_POST
@works_refunds
def order_paid(request: HttpRequest, uuid: str) -> HttpResponse:
    try:
        paid_on = date.fromisoformat(request.POST.get("paid_on", ""))
        refund_order_paid(
            actor=acting_user(request), order_id=payout_order_get(uuid=uuid).pk, paid_on=paid_on
        )
    except ValueError:
        messages.error(request, _("Give the payment date."))
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Done."))
    return redirect("refunds:orders")


@require_POST
@works_refunds
def order_report(request: HttpRequest, uuid: str) -> HttpResponse:
    """The bank's report of an order, uploaded: the whole file applied, or refused."""
    upload = request.FILES.get("report")
    try:
        order = payout_order_get(uuid=uuid)
    except NotFoundError:
        raise Http404 from None
    if upload is None:
        messages.error(request, _("Choose the bank's report file."))
        return redirect("refunds:orders")
    try:
        report = refund_bank_report_apply(
            actor=acting_user(request),
            filename=upload.name or "",
            content=upload.read(),
            order_id=order.pk,
        )
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _(
                "The bank's report is recorded: %(paid)s application(s) paid, %(returned)s "
                "returned and open again."
            )
            % {"paid": report.paid_applications, "returned": report.returned_applications},
        )
    return redirect("refunds:orders")


@works_refunds
def order_file(request: HttpRequest, uuid: str, kind: str) -> HttpResponse:
    try:
        order = payout_order_get(uuid=uuid)
    except NotFoundError:
        raise Http404 from None
    if kind == "mt102":
        response = HttpResponse(bytes(order.content), content_type="text/plain; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{order.reference}.mt102"'
    else:
        response = HttpResponse(bytes(order.register), content_type=XLSX)
        response["Content-Disposition"] = f'attachment; filename="{order.reference}.xlsx"'
    return response


@reads_refunds
def report(request: HttpRequest) -> HttpResponse:
    try:
        wanted = report_request(params=request.GET, today=timezone.localdate())
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("refunds:report")
    rows = refund_report(user=request.user, first=wanted.first, last=wanted.last, by=wanted.by)
    if request.GET.get("format") == "xlsx":
        response = HttpResponse(report_xlsx(rows, by=wanted.by), content_type=XLSX)
        response["Content-Disposition"] = (
            f'attachment; filename="refunds-by-{wanted.by}-{wanted.first:%Y%m}.xlsx"'
        )
        return response
    return render(
        request,
        "refunds/report.html",
        {
            "rows": [{"label": row_label(row, by=wanted.by), "row": row} for row in rows],
            "wanted": wanted,
            "totals": {
                "applications": sum(row.applications for row in rows),
                "people": sum(row.people for row in rows),
                "amount": sum((row.amount for row in rows), Decimal("0.00")),
            },
            "query": urlencode({k: v for k, v in request.GET.dict().items() if v}),
        },
    )


@works_refunds
def award_view(request: HttpRequest, uuid: str) -> HttpResponse:
    """The award a check named: what it is and which months it counted."""
    try:
        award, counted = refund_award_get(uuid=uuid)
    except NotFoundError:
        raise Http404 from None
    return render(
        request,
        "refunds/award.html",
        {
            "award": award,
            "counted": counted,
            "award_life_events": award_life_events(award=award),
        },
    )


@reads_refunds
def person_refunds(request: HttpRequest, iin: str) -> HttpResponse:
    try:
        person = person_get_for_user(user=request.user, iin=iin)
    except NotFoundError:
        raise Http404 from None
    access_log_record(request=request, subject=AccessedData.PERSON, iin=person.iin)
    return render(
        request,
        "refunds/person.html",
        {"person": person, "lines": refund_lines_of_person(user=request.user, person_id=person.pk)},
    )


@reads_refunds
def payer_refunds(request: HttpRequest, idn: str) -> HttpResponse:
    payer = payer_list_for_user(user=request.user).filter(idn=idn).first()
    if payer is None:
        raise Http404
    return render(
        request,
        "refunds/payer.html",
        {
            "payer": payer,
            "applications": refund_applications_of_payer(user=request.user, payer_id=payer.pk),
        },
    )
