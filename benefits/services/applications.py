"""E-cases: an application arrives and is assembled; a specialist decides; a head confirms.

Statuses: received → in_review → assigned, or → awaiting_confirmation → assigned / refused
(confirmed by a branch head, never the maker), or → returned for correction. Every transition
writes an ``ApplicationEvent`` in the same transaction.

``full_clean(validate_constraints=False)``: the database enforces the constraints (the partial
unique index decides duplicates, even between racing requests); validating them in Python
first would only add queries inside the row lock and turn the domain error into a generic one.
"""

import logging
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from benefits.access import authorize
from benefits.amounts import split_gross
from benefits.award_periods import award_period
from benefits.calculation import benefit_calculate
from benefits.documents import (
    Documents,
    as_date,
    as_json,
    event_key,
    missing_facts,
    stated_facts,
)
from benefits.events import application_event_write
from benefits.exceptions import (
    ApplicationNotFoundError,
    ApplicationStateError,
    BenefitAlreadyReceivedError,
    CalculationNotEligibleError,
    CaseHeldError,
    CheckerIsMakerError,
    DateInFutureError,
    FactsMissingError,
    PersonDeceasedError,
    PersonOfPensionAgeError,
    PersonRegionUnknownError,
    PersonUnknownError,
    RefusalContradictsChecksError,
)
from benefits.locks import application_qs_select_for_update
from benefits.models import (
    Application,
    ApplicationEvent,
    Award,
    BenefitType,
    LetterLanguage,
    RefusalCode,
)
from benefits.pension_age import pension_date
from benefits.refusals import refusal_codes_fitting
from benefits.rules import Result
from benefits.services.awards import award_create
from gfss.common.exceptions import ApplicationError
from gfss.common.money import round_kzt
from gfss.legal.calendar import add_working_days
from gfss.legal.selectors import parameter_value
from gfss.org.access import Action
from gfss.org.actors import Actor, StaffUser
from gfss.org.models import Branch
from participants.models import Person

logger = logging.getLogger(__name__)

# Job loss and maternity must be claimed within 12 months of the right [V] (rules.md §4.3-4.4).
CLAIM_WITHIN_MONTHS = 12
# A refused or returned case does not hold its event: the person may apply again.
_HOLDING_STATUSES = [s for s in Application.Status.values if s not in ("refused", "returned")]


def _deadlines(*, benefit: str, received_on: date) -> tuple[date, date]:
    """Decision and whole-service deadlines in working days (rules.md §6), dated parameters."""
    decision_days = int(parameter_value("service.decision_working_days", on=received_on))
    total_code = (
        "service.total_working_days.job_loss"
        if benefit == BenefitType.JOB_LOSS
        else "service.total_working_days"
    )
    total_days = int(parameter_value(total_code, on=received_on))
    return (
        add_working_days(received_on, decision_days),
        add_working_days(received_on, total_days),
    )


def _insured_person(*, benefit: str, applicant: Person, documents: Documents) -> Person:
    if benefit != BenefitType.BREADWINNER:
        return applicant
    iin = str(documents["death_certificate"]["deceased_iin"])
    deceased = Person.objects.filter(iin=iin).first()
    if deceased is None:
        raise PersonUnknownError(iin, role="deceased")
    return deceased


def _checks(
    *,
    benefit: str,
    applicant: Person,
    insured: Person,
    documents: Documents,
    received_on: date,
    right_date: date,
    result: Result,
    pension_on: date,
) -> list[dict[str, Any]]:
    """What the specialist verifies, each with its outcome; the labels live in the UI."""
    checks: list[dict[str, Any]] = [
        {"code": "documents_complete", "ok": True, "detail": ", ".join(sorted(documents))},
        {"code": "below_pension_age", "ok": True, "detail": pension_on.isoformat()},
        {
            "code": "calculation_eligible",
            "ok": result.eligible,
            "detail": result.refusal_reason or "",
        },
    ]
    if benefit in (BenefitType.JOB_LOSS, BenefitType.MATERNITY, BenefitType.ADOPTION):
        limit = right_date + relativedelta(months=CLAIM_WITHIN_MONTHS)
        checks.append(
            {"code": "claimed_in_time", "ok": received_on <= limit, "detail": limit.isoformat()}
        )
    if benefit == BenefitType.BREADWINNER:
        certified = as_date(documents["death_certificate"]["death_date"])
        checks.append(
            {
                "code": "death_registered",
                "ok": insured.death_date is not None and insured.death_date == certified,
                "detail": insured.death_date.isoformat() if insured.death_date else "",
            }
        )
    if benefit in (BenefitType.CHILDCARE, BenefitType.ADOPTION):
        document = "birth_certificate" if benefit == BenefitType.CHILDCARE else "adoption_decision"
        child_iin = str(documents[document]["child_iin"])
        other_carer = (
            Application.objects.filter(
                benefit=benefit, event_key=f"child:{child_iin}", status__in=_HOLDING_STATUSES
            )
            .exclude(person=applicant)
            .exists()
        )
        checks.append({"code": "single_carer", "ok": not other_carer, "detail": child_iin})
    return checks


@transaction.atomic
def application_create(
    *,
    actor: Actor | None,
    iin: str,
    benefit: str,
    channel: str,
    received_on: date,
    right_date: date,
    documents: Documents,
    language: str = LetterLanguage.KK,
    today: date | None = None,
) -> Application:
    """Take in an application and assemble its e-case: person, facts, calculation with the
    trace, checks, branch, deadlines. Any bad input raises before anything is written."""
    today = today or timezone.localdate()
    if benefit not in BenefitType.values:
        raise ApplicationError(
            _("No benefit with code %(benefit)s exists.") % {"benefit": repr(benefit)},
            code="benefit_unknown",
        )
    applicant = Person.objects.select_related("region").filter(iin=iin).first()
    if applicant is None:
        raise PersonUnknownError(iin)
    if right_date > today:
        raise DateInFutureError(field="right_date", value=right_date, today=today)
    if received_on > today:
        raise DateInFutureError(field="received_on", value=received_on, today=today)
    missing = missing_facts(benefit=benefit, documents=documents)
    if missing:
        raise FactsMissingError(benefit=benefit, missing=missing)
    if applicant.death_date is not None and applicant.death_date <= received_on:
        raise PersonDeceasedError(iin=iin, death_date=applicant.death_date)
    pension_on = pension_date(birth_date=applicant.birth_date, sex=applicant.sex)
    # The breadwinner's family applies on the deceased's insurance, whatever their own age.
    if benefit != BenefitType.BREADWINNER and pension_on <= right_date:
        raise PersonOfPensionAgeError(iin=iin, pension_date=pension_on)
    region_id = applicant.region_id
    branch = None if region_id is None else Branch.objects.filter(region_id=region_id).first()
    if branch is None:
        raise PersonRegionUnknownError(iin)
    insured = _insured_person(benefit=benefit, applicant=applicant, documents=documents)

    stated = stated_facts(benefit=benefit, documents=documents)
    result = benefit_calculate(
        benefit=benefit,
        right_date=right_date,
        person=insured,
        stated=stated,
        received_before=received_on,
    )
    decision_due, service_due = _deadlines(benefit=benefit, received_on=received_on)
    snapshot = result.as_dict()
    application = Application(
        person=applicant,
        insured_person=insured,
        benefit=benefit,
        channel=channel,
        branch=branch,
        received_on=received_on,
        right_date=right_date,
        event_key=event_key(benefit=benefit, documents=documents),
        documents=as_json(documents),
        facts=as_json(stated),
        calculation=snapshot,
        checks=_checks(
            benefit=benefit,
            applicant=applicant,
            insured=insured,
            documents=documents,
            received_on=received_on,
            right_date=right_date,
            result=result,
            pension_on=pension_on,
        ),
        eligible=result.eligible,
        calculated_gross=result.gross,
        decision_due=decision_due,
        service_due=service_due,
        language=language,
    )
    application.full_clean(validate_constraints=False)
    try:
        # A savepoint: the duplicate is known only once the partial unique index says so.
        with transaction.atomic():
            application.save()
    except IntegrityError:
        existing = (
            Application.objects.filter(
                person=applicant,
                benefit=benefit,
                event_key=application.event_key,
                status__in=_HOLDING_STATUSES,
            )
            .values_list("uuid", flat=True)
            .first()
        )
        if existing is None:
            raise
        raise BenefitAlreadyReceivedError(
            benefit=benefit, event_key=application.event_key, existing=str(existing)
        ) from None
    application_event_write(
        application=application,
        kind=ApplicationEvent.Kind.RECEIVED,
        actor=actor,
        from_status="",
        comment=channel,
        data={"calculation": snapshot},
    )
    logger.info("e-case received id=%s benefit=%s", application.pk, benefit)
    return application


def _locked(application_id: int) -> Application:
    return application_qs_select_for_update().get(pk=application_id)


def _authorize_maker(*, actor: Actor, application: Application, action: str) -> None:
    authorize(
        actor=actor,
        branch_id=application.branch_id,
        action=Action.DECIDE_CASE,
        action_text=action,
        not_found=ApplicationNotFoundError(application.uuid),
    )


def _authorize_checker(*, actor: Actor, application: Application, action: str) -> None:
    authorize(
        actor=actor,
        branch_id=application.branch_id,
        action=Action.CONFIRM_CASE,
        action_text=action,
        not_found=ApplicationNotFoundError(application.uuid),
    )


def hold_timeout() -> timedelta:
    """How long a case stays held without an action of its holder (settings.CASE_HOLD_MINUTES)."""
    return timedelta(minutes=settings.CASE_HOLD_MINUTES)


def _holder_name(user: StaffUser) -> str:
    return user.get_full_name() or user.username


def _check_hold(application: Application, *, actor: Actor, now: datetime) -> None:
    """Another specialist's live hold stops a decision: they are working on the case."""
    holder_id = application.holder_id_at(now, hold_timeout())
    if holder_id is not None and holder_id != actor.pk:
        holder, since = application.held_by, application.held_since
        # A live hold has its holder and its time.
        assert holder is not None
        assert since is not None
        raise CaseHeldError(holder=_holder_name(holder), since=since)


def _release(application: Application) -> list[str]:
    application.held_by = None
    application.held_since = None
    application.held_active_at = None
    return ["held_by", "held_since", "held_active_at"]


@transaction.atomic
def application_take(*, actor: Actor, application_id: int, take_over: bool = False) -> Application:
    """The specialist takes a case to decide it: everyone sees who holds it and since when. A
    received case starts its review (the applicant sees that). Taking a case someone else holds
    needs ``take_over``, and the history records whose hold it ended. Taking one's own case
    again keeps the hold alive."""
    application = _locked(application_id)
    _authorize_maker(actor=actor, application=application, action="review e-cases")
    from_status = _decidable(application, action="taken")
    now = timezone.now()
    holder_id = application.holder_id_at(now, hold_timeout())
    if holder_id == actor.pk:
        application.held_active_at = now
        application.save(update_fields=["held_active_at", "updated_at"])
        return application
    previous = application.held_by if holder_id is not None else None
    if previous is not None and not take_over:
        _check_hold(application, actor=actor, now=now)
    application.held_by = actor
    application.held_since = now
    application.held_active_at = now
    application.status = Application.Status.IN_REVIEW
    application.full_clean(validate_constraints=False)
    application.save(
        update_fields=["held_by", "held_since", "held_active_at", "status", "updated_at"]
    )
    if previous is not None:
        kind = ApplicationEvent.Kind.TAKEN_OVER
        comment = _holder_name(previous)
        data: dict[str, Any] = {"from_holder": previous.pk}
    else:
        started = from_status == Application.Status.RECEIVED
        kind = ApplicationEvent.Kind.REVIEW_STARTED if started else ApplicationEvent.Kind.TAKEN
        comment, data = "", {}
    application_event_write(
        application=application,
        kind=kind,
        actor=actor,
        from_status=from_status,
        comment=comment,
        data=data,
    )
    return application


def _decidable(application: Application, *, action: str) -> str:
    if application.status not in Application.DECIDABLE_STATUSES:
        raise ApplicationStateError(status=application.status, action=action)
    return application.status


def decided_amounts(application: Application) -> tuple[Decimal, Decimal]:
    """The gross a case is assigned and the OPV withheld from it, as its award is granted: the
    calculation's own split, or the split of the amount set by hand."""
    if application.override_gross is None:
        calculation = application.calculation
        return Decimal(calculation["gross"]), Decimal(calculation["opv"])
    rate = parameter_value("benefit.opv_rate", on=application.right_date)
    opv, _net = split_gross(application.override_gross, benefit=application.benefit, opv_rate=rate)
    return application.override_gross, opv


def _award_grant(*, application: Application, actor: Actor, today: date) -> Award:
    """The award of an assigned case: the calculated amount, or the one the checker confirmed."""
    calculation = application.calculation
    gross, opv = decided_amounts(application)
    insured = application.insured_person
    documents = application.documents
    expertise = documents.get("medical_expertise") or {}
    birth = documents.get("birth_certificate") or {}
    dependents = (documents.get("death_certificate") or {}).get("dependents") or []
    period = award_period(
        benefit=application.benefit,
        right_date=application.right_date,
        pension_date=pension_date(birth_date=insured.birth_date, sex=insured.sex),
        months=calculation.get("months"),
        expertise_until=as_date(expertise.get("period_to")),
        child_birth_date=as_date(birth.get("birth_date")),
        dependent_birth_dates=tuple(
            d for d in (as_date(dep.get("birth_date")) for dep in dependents) if d is not None
        ),
    )
    return award_create(
        person=application.person,
        benefit=application.benefit,
        branch=application.branch,
        right_date=application.right_date,
        assigned_on=today,
        start_date=period.start,
        end_date=period.end,
        gross=gross,
        opv=opv,
        actor=actor,
        calculation=(
            {**calculation, "dependents_adult_on": period.dependents_adult_on.isoformat()}
            if period.dependents_adult_on
            else calculation
        ),
        application=application,
    )


@transaction.atomic
def application_assign(
    *,
    actor: Actor,
    application_id: int,
    override_gross: Decimal | None = None,
    comment: str = "",
    today: date | None = None,
) -> Application:
    """Assign as calculated (the award is created now), or with an amount the specialist set,
    which waits for a branch head's confirmation."""
    today = today or timezone.localdate()
    application = _locked(application_id)
    _authorize_maker(actor=actor, application=application, action="decide e-cases")
    from_status = _decidable(application, action="assigned")
    _check_hold(application, actor=actor, now=timezone.now())
    overridden = override_gross is not None and override_gross != application.calculated_gross
    if not application.eligible and not overridden:
        raise CalculationNotEligibleError(reason=application.calculation.get("refusal_reason"))
    if override_gross is not None and override_gross <= 0:
        raise ApplicationError(_("An amount set by hand must be positive."), code="amount_invalid")
    application.outcome = Application.Outcome.ASSIGN
    application.decision_comment = comment
    application.decided_by = actor
    application.decided_at = timezone.now()
    if overridden:
        application.override_gross = round_kzt(override_gross)  # type: ignore[arg-type]
        application.status = Application.Status.AWAITING_CONFIRMATION
        kind = ApplicationEvent.Kind.SUBMITTED
    else:
        application.status = Application.Status.ASSIGNED
        kind = ApplicationEvent.Kind.ASSIGNED
    application.full_clean(validate_constraints=False)
    application.save(
        update_fields=[
            "outcome",
            "decision_comment",
            "decided_by",
            "decided_at",
            "override_gross",
            "status",
            "updated_at",
            *_release(application),
        ]
    )
    data: dict[str, Any] = {"calculation": application.calculation}
    if overridden:
        data["override_gross"] = str(application.override_gross)
    else:
        award = _award_grant(application=application, actor=actor, today=today)
        data["award"] = str(award.uuid)
    application_event_write(
        application=application,
        kind=kind,
        actor=actor,
        from_status=from_status,
        comment=comment,
        data=data,
    )
    return application


@transaction.atomic
def application_refuse(
    *, actor: Actor, application_id: int, reason_code: str, reason_text: str
) -> Application:
    """A refusal always waits for a branch head's confirmation."""
    if reason_code not in RefusalCode.values:
        raise ApplicationError(
            _("No refusal reason %(reason_code)s exists.") % {"reason_code": repr(reason_code)},
            code="refusal_reason_unknown",
            extra={"allowed": RefusalCode.values},
        )
    if not reason_text.strip():
        raise ApplicationError(
            _("A refusal needs its reasons in words for the applicant."),
            code="refusal_text_missing",
        )
    application = _locked(application_id)
    _authorize_maker(actor=actor, application=application, action="decide e-cases")
    from_status = _decidable(application, action="refused")
    if reason_code not in refusal_codes_fitting(application):
        raise RefusalContradictsChecksError(reason=reason_code)
    _check_hold(application, actor=actor, now=timezone.now())
    application.outcome = Application.Outcome.REFUSE
    application.refusal_code = reason_code
    application.decision_comment = reason_text.strip()
    application.decided_by = actor
    application.decided_at = timezone.now()
    application.status = Application.Status.AWAITING_CONFIRMATION
    application.full_clean(validate_constraints=False)
    application.save(
        update_fields=[
            "outcome",
            "refusal_code",
            "decision_comment",
            "decided_by",
            "decided_at",
            "status",
            "updated_at",
            *_release(application),
        ]
    )
    application_event_write(
        application=application,
        kind=ApplicationEvent.Kind.SUBMITTED,
        actor=actor,
        from_status=from_status,
        comment=application.decision_comment,
        data={"calculation": application.calculation, "refusal_code": reason_code},
    )
    return application


@transaction.atomic
def application_return(*, actor: Actor, application_id: int, comment: str) -> Application:
    """Back to the State Corporation for correction; a corrected application is a new case."""
    if not comment.strip():
        raise ApplicationError(_("Say what must be corrected."), code="return_comment_missing")
    application = _locked(application_id)
    _authorize_maker(actor=actor, application=application, action="decide e-cases")
    from_status = _decidable(application, action="returned")
    _check_hold(application, actor=actor, now=timezone.now())
    application.status = Application.Status.RETURNED
    application.decision_comment = comment.strip()
    application.decided_by = actor
    application.decided_at = timezone.now()
    application.full_clean(validate_constraints=False)
    application.save(
        update_fields=[
            "status",
            "decision_comment",
            "decided_by",
            "decided_at",
            "updated_at",
            *_release(application),
        ]
    )
    application_event_write(
        application=application,
        kind=ApplicationEvent.Kind.RETURNED,
        actor=actor,
        from_status=from_status,
        comment=application.decision_comment,
    )
    return application


def _awaiting(application: Application, *, actor: Actor, action: str) -> None:
    if application.status != Application.Status.AWAITING_CONFIRMATION:
        raise ApplicationStateError(status=application.status, action=action)
    if application.decided_by_id == actor.pk:
        raise CheckerIsMakerError


@transaction.atomic
def application_confirm(
    *, actor: Actor, application_id: int, today: date | None = None
) -> Application:
    """The checker confirms: a refusal becomes final, an assignment creates the award."""
    today = today or timezone.localdate()
    application = _locked(application_id)
    _authorize_checker(actor=actor, application=application, action="confirm decisions")
    _awaiting(application, actor=actor, action="confirmed")
    application.confirmed_by = actor
    application.confirmed_at = timezone.now()
    application.status = (
        Application.Status.ASSIGNED
        if application.outcome == Application.Outcome.ASSIGN
        else Application.Status.REFUSED
    )
    application.full_clean(validate_constraints=False)
    application.save(update_fields=["confirmed_by", "confirmed_at", "status", "updated_at"])
    data: dict[str, Any] = {"outcome": application.outcome}
    if application.outcome == Application.Outcome.ASSIGN:
        award = _award_grant(application=application, actor=actor, today=today)
        data["award"] = str(award.uuid)
    application_event_write(
        application=application,
        kind=ApplicationEvent.Kind.CONFIRMED,
        actor=actor,
        from_status=Application.Status.AWAITING_CONFIRMATION,
        data=data,
    )
    return application


@transaction.atomic
def application_decline(*, actor: Actor, application_id: int, comment: str) -> Application:
    """The checker sends the decision back to review; the history keeps what was declined."""
    if not comment.strip():
        raise ApplicationError(
            _("Say why the decision is sent back."), code="decline_comment_missing"
        )
    application = _locked(application_id)
    _authorize_checker(actor=actor, application=application, action="confirm decisions")
    _awaiting(application, actor=actor, action="sent back")
    declined: Mapping[str, Any] = {
        "outcome": application.outcome,
        "refusal_code": application.refusal_code,
        "comment": application.decision_comment,
        "override_gross": str(application.override_gross or ""),
        "decided_by": application.decided_by_id,
    }
    application.status = Application.Status.IN_REVIEW
    application.outcome = ""
    application.refusal_code = ""
    application.decision_comment = ""
    application.override_gross = None
    application.decided_by = None
    application.decided_at = None
    application.full_clean(validate_constraints=False)
    application.save(
        update_fields=[
            "status",
            "outcome",
            "refusal_code",
            "decision_comment",
            "override_gross",
            "decided_by",
            "decided_at",
            "updated_at",
        ]
    )
    application_event_write(
        application=application,
        kind=ApplicationEvent.Kind.DECLINED,
        actor=actor,
        from_status=Application.Status.AWAITING_CONFIRMATION,
        comment=comment.strip(),
        data={"declined": dict(declined)},
    )
    return application
