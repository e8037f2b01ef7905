"""Later decisions on an award, each a new decision on its e-case: recalculate, suspend, resume
(applied at once) and terminate (waits for a branch head, never the maker).

Each takes an effective date; one in the future is planned and acts on its day. The
``AwardDecision`` rows say from when, and the entitlement (``benefits.entitlement``) reads
them; the award's ``status`` is only the state today. A recalculation appends a base to the
award's amount chain (history is never rewritten). Each change moves the award's revision, so
payouts settles the months it already paid.
"""

from datetime import date
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q, TextField
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _

from benefits.access import authorize
from benefits.calculation import benefit_calculate
from benefits.events import application_event_write
from benefits.exceptions import (
    AwardDecisionPendingError,
    AwardNotFoundError,
    AwardNotSuspendedError,
    AwardStateError,
    CheckerIsMakerError,
    EffectiveDateAfterEndError,
    EffectiveDateBeforeLastChangeError,
    EffectiveDateInvalidError,
    TerminationBeforeSuspensionError,
)
from benefits.locks import award_decision_qs_select_for_update, award_qs_select_for_update
from benefits.models import (
    Application,
    ApplicationEvent,
    Award,
    AwardAmount,
    AwardDecision,
    BenefitType,
)
from benefits.services.amount_chain import Link, amount_chain_extend, awards_revise
from gfss.common.exceptions import ApplicationError
from gfss.common.periods import add_months
from gfss.org.access import Action
from gfss.org.actors import Actor


def _locked_award(*, actor: Actor, award_id: int, permission: Action, action: str) -> Award:
    award = award_qs_select_for_update().get(pk=award_id)
    authorize(
        actor=actor,
        branch_id=award.branch_id,
        action=permission,
        action_text=action,
        not_found=AwardNotFoundError(award.uuid),
    )
    if award.application_id is None:
        raise ApplicationError(
            _("This award has no e-case; decide on it where it was created."),
            code="award_without_case",
        )
    return award


def _case_id(award: Award) -> int:
    """The award's e-case: every award decided on here has one (``_locked_award`` refuses
    the others)."""
    assert award.application_id is not None
    return award.application_id


def _check_effective(award: Award, effective_date: date) -> None:
    """A decision takes effect within the award's life: from its start, before its end."""
    if effective_date < award.start_date:
        raise EffectiveDateInvalidError(effective=effective_date, start=award.start_date)
    if award.end_date is not None and effective_date >= award.end_date:
        raise EffectiveDateAfterEndError(effective=effective_date, end=award.end_date)


def _record(
    *,
    award: Award,
    actor: Actor,
    kind: str,
    status: str,
    effective_date: date,
    reason: str,
    facts: dict[str, Any] | None = None,
    calculation: dict[str, Any] | None = None,
    gross: Decimal | None = None,
) -> AwardDecision:
    decision = AwardDecision(
        application_id=award.application_id,
        award=award,
        kind=kind,
        status=status,
        effective_date=effective_date,
        reason=reason,
        facts=facts or {},
        calculation=calculation or {},
        gross=gross,
        made_by=actor,
        # A termination applied at once (a registry's fact) is in force from now: the
        # entitlement as known on a date counts terminations from their confirmation.
        confirmed_at=timezone.now()
        if kind == AwardDecision.Kind.TERMINATE and status == AwardDecision.Status.APPLIED
        else None,
    )
    decision.full_clean(validate_constraints=False)
    try:
        # The one-pending-decision index decides between two specialists racing.
        with transaction.atomic():
            decision.save()
    except IntegrityError:
        raise AwardDecisionPendingError from None
    if award.application_id is None:
        return decision
    application = Application.objects.get(pk=award.application_id)
    application_event_write(
        application=application,
        kind=ApplicationEvent.Kind.AWARD_DECISION,
        actor=actor,
        from_status=application.status,
        comment=reason.strip(),
        data={
            "decision": str(decision.uuid),
            "kind": kind,
            "effective_date": effective_date.isoformat(),
            "status": status,
            "award_status": award.status,
            "calculation": calculation or {},
        },
    )
    return decision


def _status_today(award: Award, today: date) -> str:
    """The award's state on ``today`` from its dated decisions (planned ones not yet)."""
    if award.terminated_on is not None and award.terminated_on <= today:
        return Award.Status.TERMINATED
    latest = (
        award.decisions.filter(
            kind__in=[AwardDecision.Kind.SUSPEND, AwardDecision.Kind.RESUME],
            status=AwardDecision.Status.APPLIED,
            effective_date__lte=today,
        )
        .order_by("-effective_date", "-id")
        .values_list("kind", flat=True)
        .first()
    )
    return Award.Status.SUSPENDED if latest == AwardDecision.Kind.SUSPEND else Award.Status.ACTIVE


def _award_status_refresh(award: Award) -> None:
    status = _status_today(award, timezone.localdate())
    if status != award.status:
        award.status = status
        award.full_clean(validate_constraints=False)
        award.save(update_fields=["status", "updated_at"])


def awards_status_refresh(*, today: date | None = None) -> int:
    """Planned decisions take effect on their day: the state of the awards they reach."""
    today = today or timezone.localdate()
    due = Q(terminated_on__lte=today) & ~Q(status=Award.Status.TERMINATED)
    recent = Q(
        decisions__kind__in=[AwardDecision.Kind.SUSPEND, AwardDecision.Kind.RESUME],
        decisions__status=AwardDecision.Status.APPLIED,
        decisions__effective_date__lte=today,
        decisions__effective_date__gte=add_months(today, -1),
    )
    changed = 0
    for award in Award.objects.filter(due | recent).distinct().order_by("pk"):
        status = _status_today(award, today)
        if status != award.status:
            Award.objects.filter(pk=award.pk).update(status=status, updated_at=timezone.now())
            changed += 1
    return changed


def _last_status_decision(award: Award) -> AwardDecision | None:
    return (
        award.decisions.filter(
            kind__in=[AwardDecision.Kind.SUSPEND, AwardDecision.Kind.RESUME],
            status=AwardDecision.Status.APPLIED,
        )
        .order_by("-effective_date", "-id")
        .first()
    )


def _check_status_change(award: Award, *, kind: str, effective_date: date) -> None:
    """A suspension or resumption must follow the award's dated history in order."""
    _check_effective(award, effective_date)
    ends = [d for d in (award.end_date, award.terminated_on) if d is not None]
    if ends and effective_date >= min(ends):
        raise EffectiveDateAfterEndError(effective=effective_date, end=min(ends))
    last = _last_status_decision(award)
    if kind == AwardDecision.Kind.SUSPEND:
        if last is not None and last.kind == AwardDecision.Kind.SUSPEND:
            raise AwardStateError(status=Award.Status.SUSPENDED, action="suspended")
    elif last is None or last.kind != AwardDecision.Kind.SUSPEND:
        raise AwardNotSuspendedError
    if last is not None and effective_date < last.effective_date:
        raise EffectiveDateBeforeLastChangeError(effective=effective_date, last=last.effective_date)


def _current_facts(award: Award) -> dict[str, Any]:
    """The stated facts as the e-case had them, with every applied recalculation on top."""
    application = Application.objects.only("facts").get(pk=_case_id(award))
    facts = dict(application.facts)
    for changed in award.decisions.filter(
        kind=AwardDecision.Kind.RECALCULATE, status=AwardDecision.Status.APPLIED
    ).order_by("id"):
        facts.update(changed.facts)
    return facts


@transaction.atomic
def award_recalculate(
    *,
    actor: Actor,
    award_id: int,
    effective_date: date,
    degree: Decimal | None = None,
    dependents: int | None = None,
    reason: str = "",
) -> AwardDecision:
    """A new degree (disability) or number of dependents (breadwinner): the amount is
    calculated again on the award's right date and income, in force from ``effective_date``."""
    award = _locked_award(
        actor=actor, award_id=award_id, permission=Action.DECIDE_CASE, action="decide on awards"
    )
    if award.status == Award.Status.TERMINATED or award.lump_sum:
        raise AwardStateError(status=award.status, action="recalculated")
    _check_effective(award, effective_date)
    changed: dict[str, Any] = {}
    if degree is not None:
        changed["degree"] = str(degree)
    if dependents is not None:
        changed["dependents"] = dependents
    if not changed:
        raise ApplicationError(
            _("Give the new degree or the new number of dependents."), code="facts_missing"
        )
    return _recalculated(
        award=award, actor=actor, effective_date=effective_date, changed=changed, reason=reason
    )


def _recalculated(
    *, award: Award, actor: Actor, effective_date: date, changed: dict[str, Any], reason: str
) -> AwardDecision:
    """Calculate the award again with ``changed`` facts; the new base from ``effective_date``."""
    application = Application.objects.select_related("insured_person").get(pk=_case_id(award))
    result = benefit_calculate(
        benefit=award.benefit,
        right_date=award.right_date,
        person=application.insured_person,
        stated={**_current_facts(award), **changed},
        received_before=application.received_on,
    )
    if not result.eligible:
        raise ApplicationError(
            _("With these facts the benefit is refused (%(reason)s); terminate the award instead.")
            % {"reason": result.refusal_reason},
            code="recalculation_not_eligible",
            extra={"refusal_reason": result.refusal_reason},
        )
    added = amount_chain_extend(
        {
            award.pk: [
                Link(
                    valid_from=effective_date,
                    reason=AwardAmount.Reason.RECALCULATION,
                    base=result.gross,
                    comment=reason,
                )
            ]
        },
        actor_id=actor.pk,
    )
    gross = added[award.pk][0].gross
    return _record(
        award=award,
        actor=actor,
        kind=AwardDecision.Kind.RECALCULATE,
        status=AwardDecision.Status.APPLIED,
        effective_date=effective_date,
        reason=reason,
        facts=changed,
        calculation=result.as_dict(),
        gross=gross,
    )


def _status_change(
    *, actor: Actor, award_id: int, effective_date: date, reason: str, kind: str
) -> AwardDecision:
    """Suspend or resume from ``effective_date``; a future date is planned and acts then."""
    award = _locked_award(
        actor=actor, award_id=award_id, permission=Action.DECIDE_CASE, action="decide on awards"
    )
    if award.status == Award.Status.TERMINATED:
        raise AwardStateError(status=award.status, action="changed")
    _check_status_change(award, kind=kind, effective_date=effective_date)
    decision = _record(
        award=award,
        actor=actor,
        kind=kind,
        status=AwardDecision.Status.APPLIED,
        effective_date=effective_date,
        reason=reason,
    )
    awards_revise([award.pk])
    _award_status_refresh(award)
    return decision


@transaction.atomic
def award_suspend(
    *, actor: Actor, award_id: int, effective_date: date, reason: str
) -> AwardDecision:
    return _status_change(
        actor=actor,
        award_id=award_id,
        effective_date=effective_date,
        reason=reason,
        kind=AwardDecision.Kind.SUSPEND,
    )


@transaction.atomic
def award_resume(
    *, actor: Actor, award_id: int, effective_date: date, reason: str
) -> AwardDecision:
    return _status_change(
        actor=actor,
        award_id=award_id,
        effective_date=effective_date,
        reason=reason,
        kind=AwardDecision.Kind.RESUME,
    )


@transaction.atomic
def award_terminate(
    *, actor: Actor, award_id: int, effective_date: date, reason: str
) -> AwardDecision:
    """Asked by a specialist; the award stops only when a branch head confirms."""
    if not reason.strip():
        raise ApplicationError(
            _("A termination needs its reason."), code="termination_reason_missing"
        )
    award = _locked_award(
        actor=actor, award_id=award_id, permission=Action.DECIDE_CASE, action="decide on awards"
    )
    if award.status == Award.Status.TERMINATED:
        raise AwardStateError(status=award.status, action="terminated")
    _check_termination(award, effective_date)
    return _record(
        award=award,
        actor=actor,
        kind=AwardDecision.Kind.TERMINATE,
        status=AwardDecision.Status.PENDING,
        effective_date=effective_date,
        reason=reason.strip(),
    )


def _check_termination(award: Award, effective_date: date) -> None:
    _check_effective(award, effective_date)
    last = _last_status_decision(award)
    if (
        last is not None
        and last.kind == AwardDecision.Kind.SUSPEND
        and effective_date < last.effective_date
    ):
        raise TerminationBeforeSuspensionError(
            effective=effective_date, suspended=last.effective_date
        )


def _terminate(award: Award, *, effective_date: date, reason: str) -> None:
    """The award stops from ``effective_date`` (the first day without a right)."""
    if award.terminated_on is None or effective_date < award.terminated_on:
        award.terminated_on = effective_date
        award.termination_reason = reason[:200]
        award.full_clean(validate_constraints=False)
        award.save(update_fields=["terminated_on", "termination_reason", "updated_at"])
        awards_revise([award.pk])
    _award_status_refresh(award)


def _locked_pending(*, actor: Actor, decision_id: int) -> tuple[AwardDecision, Award]:
    # Parent first (architecture lock order): the award, then its decision.
    award_id = AwardDecision.objects.values_list("award_id", flat=True).get(pk=decision_id)
    award = _locked_award(
        actor=actor, award_id=award_id, permission=Action.CONFIRM_CASE, action="confirm decisions"
    )
    decision = award_decision_qs_select_for_update().get(pk=decision_id)
    if decision.status != AwardDecision.Status.PENDING:
        raise AwardStateError(status=decision.status, action="confirmed")
    if decision.made_by_id == actor.pk:
        raise CheckerIsMakerError
    return decision, award


@transaction.atomic
def award_decision_confirm(*, actor: Actor, decision_id: int) -> AwardDecision:
    """The checker confirms a termination: the award stops from the decision's date."""
    decision, award = _locked_pending(actor=actor, decision_id=decision_id)
    decision.status = AwardDecision.Status.APPLIED
    decision.confirmed_by = actor
    decision.confirmed_at = timezone.now()
    decision.full_clean(validate_constraints=False)
    decision.save(update_fields=["status", "confirmed_by", "confirmed_at", "updated_at"])
    _terminate(award, effective_date=decision.effective_date, reason=decision.reason)
    award.refresh_from_db()
    application = Application.objects.get(pk=_case_id(award))
    application_event_write(
        application=application,
        kind=ApplicationEvent.Kind.AWARD_DECISION_CONFIRMED,
        actor=actor,
        from_status=application.status,
        data={
            "decision": str(decision.uuid),
            "kind": decision.kind,
            "effective_date": decision.effective_date.isoformat(),
            "award_status": award.status,
        },
    )
    return decision


@transaction.atomic
def award_decision_decline(*, actor: Actor, decision_id: int, comment: str) -> AwardDecision:
    if not comment.strip():
        raise ApplicationError(
            _("Say why the decision is sent back."), code="decline_comment_missing"
        )
    decision, award = _locked_pending(actor=actor, decision_id=decision_id)
    decision.status = AwardDecision.Status.DECLINED
    decision.confirmed_by = actor
    decision.confirmed_at = timezone.now()
    decision.full_clean(validate_constraints=False)
    decision.save(update_fields=["status", "confirmed_by", "confirmed_at", "updated_at"])
    application = Application.objects.get(pk=_case_id(award))
    application_event_write(
        application=application,
        kind=ApplicationEvent.Kind.AWARD_DECISION_DECLINED,
        actor=actor,
        from_status=application.status,
        comment=comment.strip(),
        data={"decision": str(decision.uuid), "award_status": award.status},
    )
    return decision


@transaction.atomic
def awards_end_reported(
    *,
    actor: Actor,
    award_ids: list[int],
    effective_date: date,
    reason: str,
    facts: dict[str, Any] | None = None,
) -> list[AwardDecision]:
    """End awards from a date a registry reported (a death, a deregistration), at once.

    No checker: the fact is the registry's, not a specialist's judgement, and money must stop
    from its date. The caller has checked the reporter's right to report it. An award already
    ending on or before the date is left as it is; one starting after it ends at its start.
    """
    decisions = []
    for award in award_qs_select_for_update().filter(pk__in=award_ids).order_by("pk"):
        if award.terminated_on is not None and award.terminated_on <= effective_date:
            continue
        if award.end_date is not None and award.end_date <= effective_date:
            continue
        effective = max(effective_date, award.start_date)
        decisions.append(
            _record(
                award=award,
                actor=actor,
                kind=AwardDecision.Kind.TERMINATE,
                status=AwardDecision.Status.APPLIED,
                effective_date=effective,
                reason=reason,
                facts=facts,
            )
        )
        _terminate(award, effective_date=effective, reason=reason)
    return decisions


def _ends_by(award: Award, day: date) -> bool:
    """Whether the award has no right left from ``day`` on (ended or terminated by then)."""
    ends = [d for d in (award.end_date, award.terminated_on) if d is not None]
    return bool(ends) and min(ends) <= day


@transaction.atomic
def awards_recalculate_reported(
    *, actor: Actor, award_ids: list[int], effective_date: date, degree: Decimal, reason: str
) -> dict[int, AwardDecision | None]:
    """Recalculate awards with the degree a registry reported, from its date, at once.

    As with ``awards_end_reported``, no checker: the degree is the expertise's. An award
    ended by the date is left as it is; one starting after it takes the degree from its
    start. An award made without an e-case has no facts to calculate from (None: a
    specialist reviews it). The caller has checked the reporter's right to report it.
    """
    decisions: dict[int, AwardDecision | None] = {}
    for award in award_qs_select_for_update().filter(pk__in=award_ids).order_by("pk"):
        effective = max(effective_date, award.start_date)
        if award.lump_sum or _ends_by(award, effective):
            continue
        if award.application_id is None:
            decisions[award.pk] = None
            continue
        decisions[award.pk] = _recalculated(
            award=award,
            actor=actor,
            effective_date=effective,
            changed={"degree": str(degree)},
            reason=reason,
        )
    return decisions


def _dependents(award: Award) -> list[dict[str, Any]]:
    """The dependents the award was granted for (its e-case's death certificate)."""
    if award.application_id is None:
        return []
    documents = Application.objects.values_list("documents", flat=True).get(pk=award.application_id)
    return ((documents or {}).get("death_certificate") or {}).get("dependents") or []


def _dependent_iins(award: Award) -> list[str]:
    return [str(d.get("iin")) for d in _dependents(award) if d.get("iin")]


def breadwinner_awards_of_dependent(iin: str) -> list[int]:
    """The monthly breadwinner awards granted for a dependent with this IIN."""
    candidates = (
        Award.objects.filter(benefit=BenefitType.BREADWINNER, lump_sum=False)
        .annotate(documents_text=Cast("application__documents", TextField()))
        .filter(documents_text__contains=iin)
        .order_by("pk")
    )
    return [award.pk for award in candidates if iin in _dependent_iins(award)]


@transaction.atomic
def awards_dependent_died_reported(
    *, actor: Actor, award_ids: list[int], effective_date: date, reason: str
) -> dict[int, AwardDecision | None]:
    """A dependent of these breadwinner awards died (a registry's report): each award is
    calculated again for one dependent fewer from ``effective_date`` (rules.md 4.2: from the
    1st of the next month), and ends from that date when no dependent is left.

    An award ended by the date is left as it is; one made without an e-case has no facts to
    calculate from (None: a specialist reviews it).
    """
    decisions: dict[int, AwardDecision | None] = {}
    for award in award_qs_select_for_update().filter(pk__in=award_ids).order_by("pk"):
        effective = max(effective_date, award.start_date)
        if _ends_by(award, effective):
            continue
        if award.application_id is None:
            decisions[award.pk] = None
            continue
        counted = _current_facts(award).get("dependents")
        left = (len(_dependents(award)) if counted is None else int(counted)) - 1
        if left >= 1:
            decisions[award.pk] = _recalculated(
                award=award,
                actor=actor,
                effective_date=effective,
                changed={"dependents": left},
                reason=reason,
            )
        else:
            decisions[award.pk] = awards_end_reported(
                actor=actor,
                award_ids=[award.pk],
                effective_date=effective,
                reason=reason,
                facts={"dependents": 0},
            )[0]
    return decisions
