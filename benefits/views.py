"""Staff pages: the branch's work queue and the e-case page with its decisions.

Every action is a POST that calls one service; a refused action comes back to the case with the
service's message. After a decision the specialist lands on the next case of the queue.
"""

from collections import defaultdict
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from benefits.models import Application, Award, AwardDecision, BenefitType, Channel, RefusalCode
from benefits.rules import limits
from benefits.selectors import (
    QueueFilters,
    application_award_decisions,
    application_contribution_table,
    application_counters,
    application_events,
    application_get_for_user,
    application_next_for_user,
    application_queue,
    award_amounts,
)
from benefits.services import applications as cases
from benefits.services import award_decisions as decisions
from benefits.trace_display import trace_rows
from gfss.common.exceptions import ApplicationError
from gfss.legal.selectors import parameter_set
from gfss.org.access import Action, Subject, may
from gfss.org.decorators import reads_required
from gfss.org.models import AccessedData
from gfss.org.selectors import user_branch
from gfss.org.services import access_log_record

QUEUE_PAGE_SIZE = 50

CHECK_LABELS = {
    "documents_complete": _("Documents complete"),
    "below_pension_age": _("Below pension age (reaches it on)"),
    "calculation_eligible": _("Eligible by the calculation"),
    "claimed_in_time": _("Claimed within 12 months (until)"),
    "death_registered": _("Death registered in the registry"),
    "single_carer": _("No other carer receives it for the child"),
}


class AssignForm(forms.Form):
    override_gross = forms.DecimalField(
        label=_("Gross set by hand (needs a checker)"),
        max_digits=18,
        decimal_places=2,
        min_value=Decimal("0.01"),
        required=False,
    )
    comment = forms.CharField(label=_("Comment"), required=False)


class RefuseForm(forms.Form):
    reason_code = forms.ChoiceField(label=_("Reason"), choices=RefusalCode.choices)
    reason_text = forms.CharField(label=_("Reasons for the applicant"), widget=forms.Textarea)


class CommentForm(forms.Form):
    comment = forms.CharField(label=_("Comment"), widget=forms.Textarea)


class AwardDecisionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Decision"), choices=AwardDecision.Kind.choices)
    effective_date = forms.DateField(
        label=_("Effective from"),
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=[limits.DOCUMENT_DATES],
    )
    degree = forms.DecimalField(
        label=_("New degree"),
        max_digits=3,
        decimal_places=2,
        required=False,
        min_value=limits.DEGREE_MIN,
        max_value=limits.DEGREE_MAX,
    )
    dependents = forms.IntegerField(
        label=_("New number of dependents"),
        required=False,
        min_value=1,
        max_value=limits.DEPENDENTS_MAX,
    )
    reason = forms.CharField(label=_("Reason"), required=False)


def _filters(request: HttpRequest) -> QueueFilters:
    get = request.GET
    return QueueFilters(
        benefit=get.get("benefit", "") if get.get("benefit") in BenefitType.values else "",
        status=get.get("status", "") if get.get("status") in Application.Status.values else "",
        channel=get.get("channel", "") if get.get("channel") in Channel.values else "",
        overdue=get.get("overdue") == "1",
    )


@reads_required(Subject.CASE)
def queue(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    filters = _filters(request)
    queryset = application_queue(user=request.user, filters=filters, today=today)
    page = Paginator(queryset, QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "benefits/cases/queue.html",
        {
            "page": page,
            "filters": filters,
            "query": query.urlencode(),
            "counters": application_counters(user=request.user, today=today),
            "today": today,
            "benefits": BenefitType.choices,
            "statuses": Application.Status.choices,
            "channels": Channel.choices,
            "branch": user_branch(user=request.user),
        },
    )


def _contribution_months(application: Application) -> tuple[Any, list[dict[str, Any]]]:
    table = application_contribution_table(application=application, params=parameter_set())
    by_month: defaultdict[date, list[Any]] = defaultdict(list)
    for row in table.rows:
        by_month[row.period].append(row)
    months = [
        {"period": period, "rows": rows, "income": table.incomes.get(period)}
        for period, rows in sorted(by_month.items())
    ]
    return table, months


@reads_required(Subject.CASE)
def case_detail(request: HttpRequest, uuid: str) -> HttpResponse:
    application = _get(request, uuid)
    user = request.user
    can_decide = may(user, Action.DECIDE_CASE, branch_id=application.branch_id)
    can_confirm = may(user, Action.CONFIRM_CASE, branch_id=application.branch_id)
    if can_decide and application.status == Application.Status.RECEIVED:
        # Opening the case starts the review: the applicant's status shows the day it began.
        application = cases.application_review_start(actor=user, application_id=application.pk)
        application = _get(request, uuid)
    access_log_record(
        request=request,
        subject=AccessedData.CASE,
        iin=application.person.iin,
        reference=application.uuid,
    )
    award = getattr(application, "award", None)
    table, months = _contribution_months(application)
    return render(
        request,
        "benefits/cases/case.html",
        {
            "case": application,
            "today": timezone.localdate(),
            "trace": trace_rows(application.calculation),
            "checks": [
                {**check, "label": CHECK_LABELS.get(check["code"], check["code"])}
                for check in application.checks
            ],
            "table": table,
            "months": months,
            "events": application_events(application=application),
            "award": award,
            "amounts": award_amounts(award=award) if award else [],
            "award_decisions": application_award_decisions(application=application),
            "can_decide": can_decide and application.status in Application.DECIDABLE_STATUSES,
            "can_confirm": (
                can_confirm
                and application.status == Application.Status.AWAITING_CONFIRMATION
                and application.decided_by_id != user.pk
            ),
            "can_decide_award": can_decide and award is not None,
            "can_confirm_award": can_confirm,
            "assign_form": AssignForm(),
            "refuse_form": RefuseForm(
                initial={"reason_code": application.calculation.get("refusal_reason") or ""}
            ),
            "comment_form": CommentForm(),
            "award_form": AwardDecisionForm(initial={"effective_date": timezone.localdate()}),
            "award_statuses": Award.Status,
        },
    )


def _get(request: HttpRequest, uuid: str) -> Application:
    try:
        return application_get_for_user(user=request.user, uuid=uuid)
    except ApplicationError as error:
        raise Http404(error.message) from error


def _case_url(application: Application) -> str:
    return reverse("benefits:case", kwargs={"uuid": application.uuid})


def _next_url(request: HttpRequest, application: Application) -> str:
    following = application_next_for_user(user=request.user, after=application)
    return _case_url(following) if following else reverse("benefits:queue")


def _act(
    request: HttpRequest,
    uuid: str,
    form_class: type[forms.Form] | None,
    action: Callable[[Application, dict[str, Any]], Any],
    done: Any,
    *,
    go_next: bool = True,
) -> HttpResponse:
    application = _get(request, uuid)
    data: dict[str, Any] = {}
    if form_class is not None:
        form = form_class(request.POST)
        if not form.is_valid():
            for field, errors in form.errors.items():
                messages.error(request, f"{field}: {' '.join(errors)}")
            return redirect(_case_url(application))
        data = form.cleaned_data
    try:
        action(application, data)
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect(_case_url(application))
    messages.success(request, done)
    return redirect(_next_url(request, application) if go_next else _case_url(application))


@require_POST
@reads_required(Subject.CASE)
def case_assign(request: HttpRequest, uuid: str) -> HttpResponse:
    return _act(
        request,
        uuid,
        AssignForm,
        lambda a, d: cases.application_assign(
            actor=request.user,
            application_id=a.pk,
            override_gross=d["override_gross"],
            comment=d["comment"],
        ),
        _("Decision recorded: assigned."),
    )


@require_POST
@reads_required(Subject.CASE)
def case_refuse(request: HttpRequest, uuid: str) -> HttpResponse:
    return _act(
        request,
        uuid,
        RefuseForm,
        lambda a, d: cases.application_refuse(actor=request.user, application_id=a.pk, **d),
        _("Refusal recorded; it waits for the branch head's confirmation."),
    )


@require_POST
@reads_required(Subject.CASE)
def case_return(request: HttpRequest, uuid: str) -> HttpResponse:
    return _act(
        request,
        uuid,
        CommentForm,
        lambda a, d: cases.application_return(actor=request.user, application_id=a.pk, **d),
        _("Returned for correction."),
    )


@require_POST
@reads_required(Subject.CASE)
def case_confirm(request: HttpRequest, uuid: str) -> HttpResponse:
    return _act(
        request,
        uuid,
        None,
        lambda a, d: cases.application_confirm(actor=request.user, application_id=a.pk),
        _("Decision confirmed."),
    )


@require_POST
@reads_required(Subject.CASE)
def case_decline(request: HttpRequest, uuid: str) -> HttpResponse:
    return _act(
        request,
        uuid,
        CommentForm,
        lambda a, d: cases.application_decline(actor=request.user, application_id=a.pk, **d),
        _("Decision sent back to review."),
    )


@require_POST
@reads_required(Subject.CASE)
def award_decide(request: HttpRequest, uuid: str) -> HttpResponse:
    def decide(application: Application, data: dict[str, Any]) -> AwardDecision:
        award = getattr(application, "award", None)
        if award is None:
            raise ApplicationError(str(_("This e-case has no award.")), code="award_missing")
        common = {
            "actor": request.user,
            "award_id": award.pk,
            "effective_date": data["effective_date"],
            "reason": data["reason"],
        }
        kind = data["kind"]
        if kind == AwardDecision.Kind.RECALCULATE:
            return decisions.award_recalculate(
                **common, degree=data["degree"], dependents=data["dependents"]
            )
        service = {
            AwardDecision.Kind.SUSPEND: decisions.award_suspend,
            AwardDecision.Kind.RESUME: decisions.award_resume,
            AwardDecision.Kind.TERMINATE: decisions.award_terminate,
        }[kind]
        return service(**common)

    return _act(
        request,
        uuid,
        AwardDecisionForm,
        decide,
        _("Decision on the award recorded."),
        go_next=False,
    )


@require_POST
@reads_required(Subject.CASE)
def award_decision_confirm(request: HttpRequest, uuid: str, decision: str) -> HttpResponse:
    def confirm(application: Application, data: dict[str, Any]) -> AwardDecision:
        found = application.award_decisions.filter(uuid=decision).values_list("pk", flat=True)
        if not found:
            raise ApplicationError(str(_("No such decision.")), code="award_decision_not_found")
        return decisions.award_decision_confirm(actor=request.user, decision_id=found[0])

    return _act(request, uuid, None, confirm, _("Decision confirmed."), go_next=False)


@reads_required(Subject.CASE)
def case_next(request: HttpRequest) -> HttpResponse:
    following = application_next_for_user(user=request.user)
    if following is None:
        messages.info(request, _("No case waits for you."))
        return redirect("benefits:queue")
    return redirect(_case_url(following))
