"""Staff pages: the branch's work queue and the e-case page with its decisions.

Every action is a POST that calls one service; a refused action comes back to the case with the
service's message. After a decision the specialist lands on the next case of the queue.
"""

from collections import defaultdict
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from functools import wraps
from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from benefits.documents import DOCUMENT_NAMES, FIELD_NAMES
from benefits.letters import LETTER_STATUSES, decision_letter, decision_letter_pdf
from benefits.models import (
    Application,
    ApplicationEvent,
    Award,
    AwardDecision,
    BenefitType,
    Channel,
    RefusalCode,
)
from benefits.refusals import legal_ground, refusal_choices
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
    award_life_events,
    opv_rate_withheld,
)
from benefits.services import applications as cases
from benefits.services import award_decisions as decisions
from benefits.trace_display import trace_rows
from gfss.common import display
from gfss.common.exceptions import ApplicationError
from gfss.legal.selectors import parameter_set
from gfss.org.access import Action, Subject, may
from gfss.org.actors import StaffUser, acting_user
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


RELATIONS = {"child": _("child"), "spouse": _("spouse"), "parent": _("parent")}


def _check_detail(check: dict[str, Any]) -> str:
    """A check's detail in words: the documents by name, a date as a date, a reason by label."""
    detail = check.get("detail") or ""
    if check["code"] == "documents_complete":
        return ", ".join(str(DOCUMENT_NAMES.get(n, n)) for n in detail.split(", ") if n)
    if check["code"] == "calculation_eligible":
        return str(dict(RefusalCode.choices).get(detail, detail))
    return _document_value(detail)


def _document_value(value: Any) -> str:
    if isinstance(value, list):
        return "; ".join(_document_value(item) for item in value)
    if isinstance(value, dict):
        return ", ".join(
            f"{FIELD_NAMES.get(key, key)}: {_document_value(RELATIONS.get(item, item))}"
            for key, item in value.items()
        )
    text = str(value)
    if len(text) == 10 and text[4] == "-" and text[7] == "-":
        return display.day(text)
    if text.replace(".", "", 1).isdigit() and "." in text:
        return display.number(text)
    return text


def _documents(application: Application) -> list[dict[str, Any]]:
    """The documents by their names and fields, values written as the pages write them."""
    return [
        {
            "name": DOCUMENT_NAMES.get(name, name),
            "fields": [
                (FIELD_NAMES.get(key, key), _document_value(value))
                for key, value in (document or {}).items()
            ],
        }
        for name, document in application.documents.items()
    ]


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
    """The reasons offered are those the case's calculation and checks support; none is
    preselected unless the calculation itself refused."""

    reason_code = forms.ChoiceField(label=_("Reason"), choices=RefusalCode.choices)
    reason_text = forms.CharField(label=_("Reasons for the applicant"), widget=forms.Textarea)

    def __init__(self, *args: Any, choices: list[tuple[str, Any]] | None = None, **kw: Any):
        super().__init__(*args, **kw)
        if choices is not None:
            first = [("", _("— choose a reason —"))] if len(choices) > 1 else []
            field = self.fields["reason_code"]
            field.choices = first + choices  # type: ignore[attr-defined]


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
        person=" ".join(get.get("q", "").split())[:100],
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
            "hold_cutoff": timezone.now() - cases.hold_timeout(),
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


def _hold(application: Application, user: StaffUser) -> dict[str, Any]:
    """Who holds the case now (the holder idle too long holds it no more), for the page."""
    holder_id = application.holder_id_at(timezone.now(), cases.hold_timeout())
    return {
        "holder": application.held_by if holder_id is not None else None,
        "since": application.held_since if holder_id is not None else None,
        "mine": holder_id is not None and holder_id == user.pk,
        "other": holder_id is not None and holder_id != user.pk,
    }


@reads_required(Subject.CASE)
def case_detail(request: HttpRequest, uuid: str) -> HttpResponse:
    """The e-case as it is: opening it changes nothing (a specialist takes it to decide)."""
    application = _get(request, uuid)
    user = acting_user(request)
    decides = may(user, Action.DECIDE_CASE, branch_id=application.branch_id)
    can_confirm = may(user, Action.CONFIRM_CASE, branch_id=application.branch_id)
    decidable = decides and application.status in Application.DECIDABLE_STATUSES
    hold = _hold(application, user)
    access_log_record(
        request=request,
        subject=AccessedData.CASE,
        iin=application.person.iin,
        reference=application.uuid,
    )
    award = getattr(application, "award", None)
    table, months = _contribution_months(application)
    opv_rate = opv_rate_withheld(application.benefit, on=application.right_date)
    return render(
        request,
        "benefits/cases/case.html",
        {
            "case": application,
            "today": timezone.localdate(),
            "hold": hold,
            "documents": _documents(application),
            "trace": trace_rows(application.calculation),
            "checks": [
                {
                    **check,
                    "label": CHECK_LABELS.get(check["code"], check["code"]),
                    "detail": _check_detail(check),
                }
                for check in application.checks
            ],
            "table": table,
            "months": months,
            "events": _event_rows(application),
            "refusal_reason_label": dict(RefusalCode.choices).get(
                application.calculation.get("refusal_reason") or "", ""
            ),
            "award": award,
            "amounts": award_amounts(award=award) if award else [],
            "award_life_events": award_life_events(award=award) if award else [],
            "award_decisions": application_award_decisions(application=application),
            "decides": decides,
            "can_take": decidable and not hold["mine"],
            "can_decide": decidable and not hold["other"],
            "can_confirm": (
                can_confirm
                and application.status == Application.Status.AWAITING_CONFIRMATION
                and application.decided_by_id != user.pk
            ),
            "can_decide_award": decides and award is not None,
            "can_confirm_award": can_confirm,
            "assign_form": AssignForm(),
            "refuse_form": RefuseForm(
                choices=refusal_choices(application),
                initial={"reason_code": application.calculation.get("refusal_reason") or ""},
            ),
            "decision": _decision(application),
            "opv_percent": None if opv_rate is None else opv_rate * 100,
            "has_letter": application.status in LETTER_STATUSES,
            "comment_form": CommentForm(),
            "award_form": AwardDecisionForm(initial={"effective_date": timezone.localdate()}),
            "award_statuses": Award.Status,
        },
    )


def _event_rows(application: Application) -> list[dict[str, Any]]:
    """The history in words: channels and refusal reasons by their labels; the arrival dated
    the day the application was received, as the header says."""
    channels = dict(Channel.choices)
    reasons = dict(RefusalCode.choices)
    rows = []
    for event in application_events(application=application):
        comment = event.comment
        when: Any = event.created_at
        if event.kind == ApplicationEvent.Kind.RECEIVED:
            comment = str(channels.get(comment, comment))
            when = application.received_on
        data = event.data or {}
        code = data.get("refusal_code")
        if code and comment.startswith(f"{code}: "):
            comment = f"{reasons.get(code, code)}: {comment[len(code) + 2 :]}"
        if "effective_date" in data and data.get("kind") in AwardDecision.Kind.values:
            # An award decision: its kind and date, then the reason its maker gave.
            said = AwardDecision.effect_text(data["kind"], data["effective_date"])
            comment = f"{said}: {comment}" if comment else said
        rows.append({"event": event, "when": when, "comment": comment})
    return rows


def _decision(application: Application) -> dict[str, Any] | None:
    """What was decided, by whom and when, on what ground, and who checked it; an assigned
    gross with the OPV withheld from it and the net paid."""
    if not application.outcome and application.status != Application.Status.RETURNED:
        return None
    refused = application.outcome == Application.Outcome.REFUSE
    gross = application.override_gross or application.calculated_gross
    opv = net = None
    if gross is not None and not refused:
        gross, opv = cases.decided_amounts(application)
        net = gross - opv
    return {
        "refused": refused,
        "returned": application.status == Application.Status.RETURNED,
        "final": application.status
        in (Application.Status.ASSIGNED, Application.Status.REFUSED, Application.Status.RETURNED),
        "gross": gross,
        "opv": opv,
        "net": net,
        "overridden": application.override_gross is not None,
        "ground": legal_ground(
            benefit=application.benefit, reason=application.refusal_code if refused else ""
        ),
    }


def _get(request: HttpRequest, uuid: str) -> Application:
    try:
        return application_get_for_user(user=request.user, uuid=uuid)
    except ApplicationError as error:
        raise Http404(error.message) from error


def _case_url(application: Application) -> str:
    return reverse("benefits:case", kwargs={"uuid": application.uuid})


def _next_url(request: HttpRequest, application: Application) -> str:
    following = application_next_for_user(
        user=acting_user(request),
        now=timezone.now(),
        timeout=cases.hold_timeout(),
        after=application,
    )
    return _case_url(following) if following else reverse("benefits:queue")


def case_post(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """An action on a case is a POST; a GET of its address (a login that came back to it after
    the session ended in another tab) opens the case instead of answering 405."""

    @wraps(view)
    def wrapped(request: HttpRequest, uuid: str, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method != "POST":
            return redirect("benefits:case", uuid=uuid)
        return view(request, uuid, *args, **kwargs)

    return wrapped


def _form_errors(request: HttpRequest, form: forms.Form) -> None:
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        text = " ".join(str(error) for error in errors)
        messages.error(request, f"{label}: {text}" if label else text)


def _act(
    request: HttpRequest,
    uuid: str,
    form_class: type[forms.Form] | None,
    action: Callable[[Application, dict[str, Any]], Any],
    done: Any,
    *,
    go_next: bool = True,
) -> HttpResponse:
    """Validate, call the one service, say what happened; ``done`` is the message or, given
    the service's result, a function that words it."""
    application = _get(request, uuid)
    data: dict[str, Any] = {}
    if form_class is not None:
        form = form_class(request.POST)
        if not form.is_valid():
            _form_errors(request, form)
            return redirect(_case_url(application))
        data = form.cleaned_data
    try:
        result = action(application, data)
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect(_case_url(application))
    messages.success(request, done(result) if callable(done) else done)
    return redirect(_next_url(request, application) if go_next else _case_url(application))


@case_post
@reads_required(Subject.CASE)
def case_take(request: HttpRequest, uuid: str) -> HttpResponse:
    return _act(
        request,
        uuid,
        None,
        lambda a, d: cases.application_take(
            actor=acting_user(request),
            application_id=a.pk,
            take_over=request.POST.get("over") == "1",
        ),
        _("The e-case is yours: others see that you hold it."),
        go_next=False,
    )


def _assigned(application: Application) -> str:
    if application.status == Application.Status.AWAITING_CONFIRMATION:
        return _(
            "Sent to the branch head for confirmation: gross %(set)s set by hand instead of "
            "the calculated %(calculated)s."
        ) % {
            "set": display.money(application.override_gross),
            "calculated": display.money(application.calculated_gross),
        }
    return _("Decision recorded: assigned, gross %(gross)s.") % {
        "gross": display.money(application.calculated_gross)
    }


@case_post
@reads_required(Subject.CASE)
def case_assign(request: HttpRequest, uuid: str) -> HttpResponse:
    return _act(
        request,
        uuid,
        AssignForm,
        lambda a, d: cases.application_assign(
            actor=acting_user(request),
            application_id=a.pk,
            override_gross=d["override_gross"],
            comment=d["comment"],
        ),
        _assigned,
    )


@case_post
@reads_required(Subject.CASE)
def case_refuse(request: HttpRequest, uuid: str) -> HttpResponse:
    return _act(
        request,
        uuid,
        RefuseForm,
        lambda a, d: cases.application_refuse(actor=acting_user(request), application_id=a.pk, **d),
        _("Refusal recorded; it waits for the branch head's confirmation."),
    )


@case_post
@reads_required(Subject.CASE)
def case_return(request: HttpRequest, uuid: str) -> HttpResponse:
    return _act(
        request,
        uuid,
        CommentForm,
        lambda a, d: cases.application_return(actor=acting_user(request), application_id=a.pk, **d),
        _("Returned for correction."),
    )


@case_post
@reads_required(Subject.CASE)
def case_confirm(request: HttpRequest, uuid: str) -> HttpResponse:
    return _act(
        request,
        uuid,
        None,
        lambda a, d: cases.application_confirm(actor=acting_user(request), application_id=a.pk),
        _("Decision confirmed."),
    )


@case_post
@reads_required(Subject.CASE)
def case_decline(request: HttpRequest, uuid: str) -> HttpResponse:
    return _act(
        request,
        uuid,
        CommentForm,
        lambda a, d: cases.application_decline(
            actor=acting_user(request), application_id=a.pk, **d
        ),
        _("Decision sent back to review."),
    )


@case_post
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


@case_post
@reads_required(Subject.CASE)
def award_decision_confirm(request: HttpRequest, uuid: str, decision: str) -> HttpResponse:
    def confirm(application: Application, data: dict[str, Any]) -> AwardDecision:
        found = application.award_decisions.filter(uuid=decision).values_list("pk", flat=True)
        if not found:
            raise ApplicationError(str(_("No such decision.")), code="award_decision_not_found")
        return decisions.award_decision_confirm(actor=acting_user(request), decision_id=found[0])

    return _act(request, uuid, None, confirm, _("Decision confirmed."), go_next=False)


@reads_required(Subject.CASE)
def case_letter(request: HttpRequest, uuid: str) -> HttpResponse:
    """The decision letter in the applicant's language, to print or as a PDF."""
    application = _get(request, uuid)
    if application.status not in LETTER_STATUSES:
        raise Http404
    letter = decision_letter(application)
    if request.GET.get("format") == "pdf":
        response = HttpResponse(decision_letter_pdf(letter), content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="letter-{letter.number}.pdf"'
        return response
    return render(request, "benefits/cases/letter.html", {"case": application, "letter": letter})


@reads_required(Subject.CASE)
def case_next(request: HttpRequest) -> HttpResponse:
    following = application_next_for_user(
        user=acting_user(request), now=timezone.now(), timeout=cases.hold_timeout()
    )
    if following is None:
        messages.info(request, _("No case waits for you."))
        return redirect("benefits:queue")
    return redirect(_case_url(following))
