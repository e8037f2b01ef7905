"""Refund applications: taken in and checked, decided by one officer, confirmed by another.

Nothing here touches the ledger: the money leaves it only with the payout order
(``refunds.services.orders``).
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from contributions.calculations import FIRST_PERIOD
from contributions.models import PaymentDocument
from gfss.common import display
from gfss.common.money import ZERO
from gfss.common.periods import month_start
from gfss.org import access
from gfss.org.access import Action
from gfss.org.actors import Actor
from participants.models import Payer
from participants.validators import validate_iin
from refunds.checks import LineInput, check_lines, check_message
from refunds.deadlines import stage_due
from refunds.events import refund_event_write
from refunds.exceptions import RefundConflictError, RefundForbiddenError, RefundInputError
from refunds.locks import refund_application_qs_select_for_update
from refunds.models import (
    MAX_PEOPLE_PER_APPLICATION,
    Reason,
    RefundApplication,
    RefundEvent,
    RefundLine,
)

Status = RefundApplication.Status
Decision = RefundApplication.Decision

# Why an application is refused: a failed check, or what the officer found in the documents.
REFUSAL_CODES = {
    "counted_in_award": gettext_lazy("A month was counted in an assigned benefit (Art. 247 p.2)"),
    "amount_over_paid": gettext_lazy("More is asked back than was paid"),
    "already_refunded": gettext_lazy("Already refunded"),
    "in_open_application": gettext_lazy("Claimed in another open application"),
    "contribution_not_found": gettext_lazy("No such payment"),
    "duplicate_not_found": gettext_lazy("Not a duplicate payment"),
    "not_erroneous": gettext_lazy("The payment was neither excess nor erroneous"),
    "documents_missing": gettext_lazy("The documents do not support the application"),
    "other": gettext_lazy("Other"),
}


@dataclass(frozen=True)
class LineRequest:
    iin: str
    period: date
    amount: Decimal


@dataclass(frozen=True)
class Applicant:
    name: str
    idn: str
    bank_bic: str
    bank_account: str


def _validated_lines(lines: list[LineRequest], *, today: date) -> list[LineInput]:
    if not lines:
        raise RefundInputError(_("An application needs at least one line."), code="lines_missing")
    people = {line.iin for line in lines}
    if len(people) > MAX_PEOPLE_PER_APPLICATION:
        raise RefundInputError(
            _("An application may name at most %(limit)s people; this one names %(count)s.")
            % {"limit": MAX_PEOPLE_PER_APPLICATION, "count": len(people)},
            code="too_many_people",
            limit=MAX_PEOPLE_PER_APPLICATION,
            count=len(people),
        )
    result = []
    for line_no, line in enumerate(lines, start=1):
        try:
            validate_iin(line.iin)
        except ValidationError as error:
            raise RefundInputError(
                " ".join(error.messages), code="iin_invalid", line=line_no
            ) from None
        period = month_start(line.period)
        if period > month_start(today):
            raise RefundInputError(
                _("Line %(line)s: the period %(period)s is in the future.")
                % {"line": line_no, "period": f"{period:%m.%Y}"},
                code="period_in_future",
                line=line_no,
            )
        if period < FIRST_PERIOD:
            raise RefundInputError(
                _("Line %(line)s: the period %(period)s is before 01.2005.")
                % {"line": line_no, "period": f"{period:%m.%Y}"},
                code="period_invalid",
                line=line_no,
            )
        if line.amount <= 0 or line.amount != line.amount.quantize(Decimal("0.01")):
            raise RefundInputError(
                _("Line %(line)s: the amount must be positive, in tenge and tiyn.")
                % {"line": line_no},
                code="amount_invalid",
                line=line_no,
            )
        result.append(LineInput(line_no=line_no, iin=line.iin, period=period, amount=line.amount))
    return result


def _document(
    *,
    payer_idn: str,
    document_uuid: Any | None,
    reference: str,
    value_date: date | None,
) -> PaymentDocument:
    """The payment document named, with its payer, locked so that checks of claims on it run
    one at a time. One query when the document is the payer's; the registry is asked only to
    say what is wrong."""
    queryset = PaymentDocument.objects.select_related("payer").select_for_update(
        of=("self",), no_key=True
    )
    if document_uuid:
        found = list(queryset.filter(uuid=document_uuid))
    else:
        named = queryset.filter(reference=reference)
        named = (
            named.filter(value_date__isnull=True)
            if value_date is None
            else named.filter(value_date=value_date)
        )
        found = list(named.order_by("pk"))
    own = [document for document in found if document.payer.idn == payer_idn]
    if own:
        return own[0]
    if not Payer.objects.filter(idn=payer_idn).exists():
        raise RefundInputError(
            _("No payer %(idn)s is in the registry.") % {"idn": payer_idn}, code="payer_unknown"
        )
    if not found:
        raise RefundInputError(
            _("No payment document %(document)s is known.")
            % {"document": document_uuid or f"{reference} {value_date}"},
            code="document_unknown",
        )
    raise RefundInputError(
        _("The payment document %(reference)s was paid by another payer, not %(payer)s.")
        % {"reference": found[0].reference, "payer": payer_idn},
        code="document_other_payer",
    )


@transaction.atomic
def refund_application_create(
    *,
    actor: Actor,
    source: str,
    payer_idn: str,
    reason: str,
    applicant: Applicant,
    lines: list[LineRequest],
    request_number: str = "",
    document_uuid: Any | None = None,
    document_reference: str = "",
    document_value_date: date | None = None,
    reason_text: str = "",
    document_refs: list[str] | None = None,
    today: date | None = None,
) -> tuple[RefundApplication, bool]:
    """Take in an application and run the automatic check on it. The same request number
    again returns the application it made (``created`` False) and changes nothing."""
    if not (access.may(actor, Action.SUBMIT_REFUNDS) or access.may(actor, Action.DECIDE_REFUND)):
        _authorize(actor=actor, action=Action.SUBMIT_REFUNDS)
    today = today or timezone.localdate()
    if request_number:
        existing = RefundApplication.objects.filter(request_number=request_number).first()
        if existing is not None:
            return existing, False
    if reason not in Reason.values:
        raise RefundInputError(
            _("No refund reason %(reason)s exists.") % {"reason": reason}, code="reason_unknown"
        )
    checked_lines = _validated_lines(lines, today=today)
    document = _document(
        payer_idn=payer_idn,
        document_uuid=document_uuid,
        reference=document_reference,
        value_date=document_value_date,
    )
    verdicts = check_lines(document=document, reason=reason, lines=checked_lines)
    application = RefundApplication(
        source=source,
        request_number=request_number,
        submitted_by=actor,
        payer=document.payer,
        document=document,
        reason=reason,
        reason_text=reason_text,
        applicant_name=applicant.name,
        applicant_idn=applicant.idn,
        bank_bic=applicant.bank_bic,
        bank_account=applicant.bank_account,
        document_refs=document_refs or [],
        received_on=today,
        status=Status.CHECKED,
        stage_due=stage_due(status=Status.CHECKED, started_on=today),
        amount_requested=sum((line.amount for line in checked_lines), ZERO),
        people=len({line.iin for line in checked_lines}),
    )
    try:
        with transaction.atomic():
            application.save()
    except IntegrityError:
        # Another request with the same number won the race: answer with its application.
        existing = RefundApplication.objects.filter(request_number=request_number).first()
        if request_number and existing is not None:
            return existing, False
        raise
    RefundLine.objects.bulk_create(
        RefundLine(
            application=application,
            line_no=line.line_no,
            iin=line.iin,
            person_id=verdict.person_id,
            period=line.period,
            amount=line.amount,
            contribution_id=verdict.contribution_id,
            quarantined_id=verdict.quarantined_id,
            check_code=verdict.code,
            check_passed=verdict.passed,
            check_data=verdict.data,
            counted_award=verdict.award,
            # A failed line claims nothing: it must not block a correct application.
            claim_active=verdict.passed,
        )
        for line, verdict in zip(checked_lines, verdicts, strict=True)
    )
    failed = sum(1 for verdict in verdicts if not verdict.passed)
    # Arrival and the check, in one INSERT.
    RefundEvent.objects.bulk_create(
        [
            RefundEvent(
                application=application,
                kind=RefundEvent.Kind.RECEIVED,
                actor=actor,
                from_status="",
                to_status=Status.RECEIVED,
            ),
            RefundEvent(
                application=application,
                kind=RefundEvent.Kind.CHECKED,
                actor=None,
                from_status=Status.RECEIVED,
                to_status=Status.CHECKED,
                data={"lines": len(verdicts), "failed": failed},
            ),
        ]
    )
    return application, True


def _locked(application_id: int) -> RefundApplication:
    return (
        refund_application_qs_select_for_update().select_related("document").get(pk=application_id)
    )


def _authorize(*, actor: Actor, action: Action = Action.DECIDE_REFUND) -> None:
    if not access.may(actor, action):
        raise RefundForbiddenError(
            _("Only a central refund officer may take this step."), code="role_not_allowed"
        )


def _approved_amounts(
    *,
    application: RefundApplication,
    decision: str,
    line_amounts: dict[int, Decimal] | None,
) -> dict[int, Decimal]:
    """Each line's approved amount; a line that failed the check can have none."""
    lines = list(application.lines.order_by("line_no"))
    if decision == Decision.APPROVE:
        amounts = {line.line_no: line.amount for line in lines}
    else:
        amounts = {line.line_no: (line_amounts or {}).get(line.line_no, ZERO) for line in lines}
        unknown = set(line_amounts or {}) - set(amounts)
        if unknown:
            raise RefundInputError(
                _("The application has no line %(line)s.") % {"line": min(unknown)},
                code="line_unknown",
            )
    for line in lines:
        amount = amounts[line.line_no]
        if amount < 0 or amount > line.amount:
            raise RefundInputError(
                _("Line %(line)s: between 0 and %(amount)s may be approved.")
                % {"line": line.line_no, "amount": display.money(line.amount)},
                code="amount_over_paid",
                line=line.line_no,
            )
        if amount > 0 and not line.check_passed:
            raise RefundInputError(
                _("Line %(line)s cannot be refunded: %(reason)s")
                % {"line": line.line_no, "reason": check_message(line.check_code, line.check_data)},
                code=line.check_code,
                line=line.line_no,
            )
    if not any(amounts.values()):
        raise RefundInputError(
            _("Nothing would be refunded: refuse the application instead."),
            code="nothing_approved",
        )
    return amounts


@transaction.atomic
def refund_decide(
    *,
    actor: Actor,
    application_id: int,
    decision: str,
    refusal_code: str = "",
    comment: str = "",
    line_amounts: dict[int, Decimal] | None = None,
) -> RefundApplication:
    """The maker's decision: approve, approve in part (an amount per line), or refuse."""
    _authorize(actor=actor)
    application = _locked(application_id)
    if application.status != Status.CHECKED:
        raise RefundConflictError(
            _("The application is already decided (%(status)s).")
            % {"status": application.get_status_display()},
            code="refund_already_decided",
            status=application.status,
        )
    if decision not in Decision.values:
        raise RefundInputError(
            _("No decision %(decision)s exists.") % {"decision": decision}, code="decision_unknown"
        )
    amounts: dict[int, Decimal] = {}
    if decision == Decision.REFUSE:
        if refusal_code not in REFUSAL_CODES:
            raise RefundInputError(
                _("A refusal needs one of the refusal reasons."), code="refusal_code_missing"
            )
    else:
        refusal_code = ""
        amounts = _approved_amounts(
            application=application, decision=decision, line_amounts=line_amounts
        )
    for line in application.lines.all():
        line.approved_amount = amounts.get(line.line_no, ZERO)
        line.save(update_fields=["approved_amount", "updated_at"])
    now = timezone.now()
    application.status = Status.DECIDED
    application.decision = decision
    application.refusal_code = refusal_code
    application.decision_comment = comment
    application.decided_by = actor
    application.decided_at = now
    application.amount_approved = sum(amounts.values(), ZERO)
    application.stage_due = stage_due(status=Status.DECIDED, started_on=timezone.localdate())
    application.save(
        update_fields=[
            "status",
            "decision",
            "refusal_code",
            "decision_comment",
            "decided_by",
            "decided_at",
            "amount_approved",
            "stage_due",
            "updated_at",
        ]
    )
    refund_event_write(
        application=application,
        kind=RefundEvent.Kind.DECIDED,
        actor=actor,
        from_status=Status.CHECKED,
        comment=comment,
        data={
            "decision": decision,
            "refusal_code": refusal_code,
            "amount_approved": f"{application.amount_approved:.2f}",
        },
    )
    return application


def _awaiting_confirmation(*, actor: Actor, application: RefundApplication) -> None:
    if application.status != Status.DECIDED:
        raise RefundConflictError(
            _("The application is not waiting for a confirmation (%(status)s).")
            % {"status": application.get_status_display()},
            code="refund_not_awaiting_confirmation",
            status=application.status,
        )
    if application.decided_by_id == actor.pk:
        raise RefundForbiddenError(
            _("A second officer must confirm: you made this decision."),
            code="checker_is_maker",
        )


@transaction.atomic
def refund_confirm(*, actor: Actor, application_id: int, comment: str = "") -> RefundApplication:
    """The checker's confirmation, never by the maker (also a database constraint). A refusal
    releases the lines' claims; an approval waits for the payout order."""
    _authorize(actor=actor)
    application = _locked(application_id)
    _awaiting_confirmation(actor=actor, application=application)
    if application.decision == Decision.REFUSE:
        application.status = Status.REFUSED
        application.lines.update(claim_active=False)
    else:
        application.status = Status.APPROVED
        application.lines.filter(approved_amount=0).update(claim_active=False)
    application.confirmed_by = actor
    application.confirmed_at = timezone.now()
    application.stage_due = stage_due(status=application.status, started_on=timezone.localdate())
    application.save(
        update_fields=["status", "confirmed_by", "confirmed_at", "stage_due", "updated_at"]
    )
    refund_event_write(
        application=application,
        kind=RefundEvent.Kind.CONFIRMED,
        actor=actor,
        from_status=Status.DECIDED,
        comment=comment,
    )
    return application


@transaction.atomic
def refund_decline(*, actor: Actor, application_id: int, comment: str) -> RefundApplication:
    """The checker sends the decision back to be made again."""
    _authorize(actor=actor)
    application = _locked(application_id)
    _awaiting_confirmation(actor=actor, application=application)
    if not comment.strip():
        raise RefundInputError(_("Say why the decision goes back."), code="comment_missing")
    previous = {"decision": application.decision, "decided_by": application.decided_by_id}
    application.status = Status.CHECKED
    application.decision = ""
    application.refusal_code = ""
    application.decided_by = None
    application.decided_at = None
    application.amount_approved = None
    application.stage_due = stage_due(status=Status.CHECKED, started_on=timezone.localdate())
    application.save(
        update_fields=[
            "status",
            "decision",
            "refusal_code",
            "decided_by",
            "decided_at",
            "amount_approved",
            "stage_due",
            "updated_at",
        ]
    )
    application.lines.update(approved_amount=None)
    refund_event_write(
        application=application,
        kind=RefundEvent.Kind.DECLINED,
        actor=actor,
        from_status=Status.DECIDED,
        comment=comment,
        data=previous,
    )
    return application
