"""Later decisions on an award, each a new decision on its e-case: recalculate, suspend, resume
(applied at once) and terminate (waits for a branch head, never the maker).

The award's ``status`` is the state now; the ``AwardDecision`` rows say from when, and the
payment runs read them. A recalculation appends an amount to the award's series (history is
never rewritten).
"""

from datetime import date
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from benefits.access import authorize
from benefits.calculation import benefit_calculate
from benefits.events import application_event_write
from benefits.exceptions import (
    AwardDecisionPendingError,
    AwardNotFoundError,
    AwardStateError,
    CheckerIsMakerError,
    EffectiveDateInvalidError,
)
from benefits.locks import award_decision_qs_select_for_update, award_qs_select_for_update
from benefits.models import Application, ApplicationEvent, Award, AwardAmount, AwardDecision
from gfss.common.exceptions import ApplicationError
from gfss.legal.selectors import parameter_value
from gfss.org.access import Action
from payouts.rules import indexed_gross, split_gross


def _locked_award(*, actor: Any, award_id: int, permission: Action, action: str) -> Award:
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
            "This award has no e-case; decide on it where it was created.",
            code="award_without_case",
        )
    return award


def _check_effective(award: Award, effective_date: date) -> None:
    if effective_date < award.start_date:
        raise EffectiveDateInvalidError(effective=effective_date, start=award.start_date)


def _record(
    *,
    award: Award,
    actor: Any,
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
    )
    decision.full_clean(validate_constraints=False)
    try:
        # The one-pending-decision index decides between two specialists racing.
        with transaction.atomic():
            decision.save()
    except IntegrityError:
        raise AwardDecisionPendingError from None
    application = Application.objects.get(pk=award.application_id)
    application_event_write(
        application=application,
        kind=ApplicationEvent.Kind.AWARD_DECISION,
        actor=actor,
        from_status=application.status,
        comment=f"{kind} from {effective_date.isoformat()}: {reason}".strip(),
        data={
            "decision": str(decision.uuid),
            "kind": kind,
            "status": status,
            "award_status": award.status,
            "calculation": calculation or {},
        },
    )
    return decision


def _award_status_set(award: Award, status: str) -> None:
    award.status = status
    award.full_clean(validate_constraints=False)
    award.save(update_fields=["status", "updated_at"])


def _current_facts(award: Award) -> dict[str, Any]:
    """The stated facts as the e-case had them, with every applied recalculation on top."""
    application = Application.objects.only("facts").get(pk=award.application_id)
    facts = dict(application.facts)
    for changed in award.decisions.filter(
        kind=AwardDecision.Kind.RECALCULATE, status=AwardDecision.Status.APPLIED
    ).order_by("id"):
        facts.update(changed.facts)
    return facts


@transaction.atomic
def award_recalculate(
    *,
    actor: Any,
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
            "Give the new degree or the new number of dependents.", code="facts_missing"
        )
    application = Application.objects.select_related("insured_person").get(pk=award.application_id)
    result = benefit_calculate(
        benefit=award.benefit,
        right_date=award.right_date,
        person=application.insured_person,
        stated={**_current_facts(award), **changed},
        received_before=application.received_on,
    )
    if not result.eligible:
        raise ApplicationError(
            f"With these facts the benefit is refused ({result.refusal_reason}); "
            "terminate the award instead.",
            code="recalculation_not_eligible",
            extra={"refusal_reason": result.refusal_reason},
        )
    gross, opv, net, indexations = _with_indexations(
        award=award, base_gross=result.gross, effective_date=effective_date
    )
    if indexations:
        changed["indexations"] = indexations
    AwardAmount.objects.create(
        award=award,
        valid_from=effective_date,
        gross=gross,
        opv=opv,
        net=net,
        reason=AwardAmount.Reason.RECALCULATION,
        comment=reason[:300],
        created_by=actor,
    )
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


def _with_indexations(
    *, award: Award, base_gross: Decimal, effective_date: date
) -> tuple[Decimal, Decimal, Decimal, list[str]]:
    """The recalculated amount with the indexations the award has received since assignment.

    A recalculation starts again from the formula on the right date, which knows nothing of
    the indexations applied since (rules.md §5); they are applied again, in their order and
    with the same rounding, so that a new degree does not take an indexation away.
    """
    percents = list(
        award.event_applications.filter(event__kind="indexation", valid_from__lte=effective_date)
        .order_by("valid_from", "id")
        .values_list("event__percent", flat=True)
    )
    gross = base_gross
    for percent in percents:
        gross = indexed_gross(gross, percent=percent)
    opv_rate = parameter_value("benefit.opv_rate", on=effective_date)
    opv, net = split_gross(gross, benefit=award.benefit, opv_rate=opv_rate)
    return gross, opv, net, [f"{percent.normalize():f}" for percent in percents]


def _status_change(
    *,
    actor: Any,
    award_id: int,
    effective_date: date,
    reason: str,
    before: str,
    after: str,
    kind: str,
    action: str,
) -> AwardDecision:
    award = _locked_award(
        actor=actor, award_id=award_id, permission=Action.DECIDE_CASE, action="decide on awards"
    )
    if award.status != before:
        raise AwardStateError(status=award.status, action=action)
    _check_effective(award, effective_date)
    _award_status_set(award, after)
    return _record(
        award=award,
        actor=actor,
        kind=kind,
        status=AwardDecision.Status.APPLIED,
        effective_date=effective_date,
        reason=reason,
    )


@transaction.atomic
def award_suspend(*, actor: Any, award_id: int, effective_date: date, reason: str) -> AwardDecision:
    return _status_change(
        actor=actor,
        award_id=award_id,
        effective_date=effective_date,
        reason=reason,
        before=Award.Status.ACTIVE,
        after=Award.Status.SUSPENDED,
        kind=AwardDecision.Kind.SUSPEND,
        action="suspended",
    )


@transaction.atomic
def award_resume(*, actor: Any, award_id: int, effective_date: date, reason: str) -> AwardDecision:
    return _status_change(
        actor=actor,
        award_id=award_id,
        effective_date=effective_date,
        reason=reason,
        before=Award.Status.SUSPENDED,
        after=Award.Status.ACTIVE,
        kind=AwardDecision.Kind.RESUME,
        action="resumed",
    )


@transaction.atomic
def award_terminate(
    *, actor: Any, award_id: int, effective_date: date, reason: str
) -> AwardDecision:
    """Asked by a specialist; the award stops only when a branch head confirms."""
    if not reason.strip():
        raise ApplicationError("A termination needs its reason.", code="termination_reason_missing")
    award = _locked_award(
        actor=actor, award_id=award_id, permission=Action.DECIDE_CASE, action="decide on awards"
    )
    if award.status == Award.Status.TERMINATED:
        raise AwardStateError(status=award.status, action="terminated")
    _check_effective(award, effective_date)
    return _record(
        award=award,
        actor=actor,
        kind=AwardDecision.Kind.TERMINATE,
        status=AwardDecision.Status.PENDING,
        effective_date=effective_date,
        reason=reason.strip(),
    )


def _locked_pending(*, actor: Any, decision_id: int) -> tuple[AwardDecision, Award]:
    # Parent first (architecture lock order): the award, then its decision.
    award_id = AwardDecision.objects.values_list("award_id", flat=True).get(pk=decision_id)
    award = _locked_award(
        actor=actor, award_id=award_id, permission=Action.CONFIRM_CASE, action="confirm decisions"
    )
    decision = award_decision_qs_select_for_update().get(pk=decision_id)
    if decision.status != AwardDecision.Status.PENDING:
        raise AwardStateError(status=f"decision {decision.status}", action="confirmed")
    if decision.made_by_id == actor.pk:
        raise CheckerIsMakerError
    return decision, award


@transaction.atomic
def award_decision_confirm(*, actor: Any, decision_id: int) -> AwardDecision:
    """The checker confirms a termination: the award stops from the decision's date."""
    decision, award = _locked_pending(actor=actor, decision_id=decision_id)
    decision.status = AwardDecision.Status.APPLIED
    decision.confirmed_by = actor
    decision.confirmed_at = timezone.now()
    decision.full_clean(validate_constraints=False)
    decision.save(update_fields=["status", "confirmed_by", "confirmed_at", "updated_at"])
    award.status = Award.Status.TERMINATED
    award.terminated_on = decision.effective_date
    award.termination_reason = decision.reason[:200]
    award.full_clean(validate_constraints=False)
    award.save(update_fields=["status", "terminated_on", "termination_reason", "updated_at"])
    application = Application.objects.get(pk=award.application_id)
    application_event_write(
        application=application,
        kind=ApplicationEvent.Kind.AWARD_DECISION_CONFIRMED,
        actor=actor,
        from_status=application.status,
        comment=f"{decision.kind} from {decision.effective_date.isoformat()}",
        data={"decision": str(decision.uuid), "award_status": award.status},
    )
    return decision


@transaction.atomic
def award_decision_decline(*, actor: Any, decision_id: int, comment: str) -> AwardDecision:
    if not comment.strip():
        raise ApplicationError("Say why the decision is sent back.", code="decline_comment_missing")
    decision, award = _locked_pending(actor=actor, decision_id=decision_id)
    decision.status = AwardDecision.Status.DECLINED
    decision.confirmed_by = actor
    decision.confirmed_at = timezone.now()
    decision.full_clean(validate_constraints=False)
    decision.save(update_fields=["status", "confirmed_by", "confirmed_at", "updated_at"])
    application = Application.objects.get(pk=award.application_id)
    application_event_write(
        application=application,
        kind=ApplicationEvent.Kind.AWARD_DECISION_DECLINED,
        actor=actor,
        from_status=application.status,
        comment=comment.strip(),
        data={"decision": str(decision.uuid), "award_status": award.status},
    )
    return decision
