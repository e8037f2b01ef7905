"""Payout orders to the State Corporation, the reversals they cause, payment and bank returns.

The order is where the money leaves the ledger: in the same transaction as the order, each
approved line gets a reversal row (``contributions.services.contribution_lines_reverse``) and
a refunded quarantined line leaves the quarantine. Nothing is reversed before.
"""

import hashlib
import io
from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from contributions.models import KNP_PENALTY
from contributions.mt102.build import Header, Mt102Writer, fund_as_payer
from contributions.services import (
    contribution_lines_reenter,
    contribution_lines_reverse,
    quarantined_lines_refund,
    quarantined_lines_reopen,
)
from gfss.org import access
from gfss.org.access import Action
from refunds.deadlines import stage_due
from refunds.events import refund_event_write
from refunds.exceptions import RefundConflictError, RefundForbiddenError, RefundInputError
from refunds.locks import payout_order_qs_select_for_update, refund_application_qs_select_for_update
from refunds.models import (
    KNP_REFUND_CONTRIBUTION,
    KNP_REFUND_PENALTY,
    PayoutOrder,
    RefundApplication,
    RefundEvent,
    RefundLine,
    RefundPosting,
)

Status = RefundApplication.Status
REGISTER_COLUMNS = (
    "request_number",
    "payer_idn",
    "applicant",
    "applicant_idn",
    "bank_bic",
    "bank_account",
    "reason",
    "people",
    "amount",
)


def _authorize(actor: Any) -> None:
    if not access.may(actor, Action.DECIDE_REFUND):
        raise RefundForbiddenError(
            _("Only a central refund officer may take this step."), code="role_not_allowed"
        )


def _live_line_ids(lines: list[RefundLine]) -> dict[int, int]:
    """The ledger line each refund line takes money from: its contribution, or the latest
    re-entry if the bank returned an earlier refund of it."""
    live = {line.pk: line.contribution_id for line in lines if line.contribution_id}
    reentries = (
        RefundPosting.objects.filter(line_id__in=live, kind=RefundPosting.Kind.REENTRY)
        .order_by("id")
        .values_list("line_id", "ledger_line_id")
    )
    live.update(dict(reentries))  # ordered by id: the latest re-entry wins
    return live


def _order_reference(today: date, knp: str) -> str:
    same_day = PayoutOrder.objects.filter(reference__startswith=f"RF{today:%y%m%d}").count()
    return f"RF{today:%y%m%d}{same_day + 1:04d}{knp}"


def _mt102(
    *, reference: str, knp: str, today: date, lines: Iterable[RefundLine]
) -> tuple[bytes, int, Decimal]:
    """The order's MT-102 document, a block per refunded person and month, written as the
    lines come."""
    stream = io.BytesIO()
    purpose = (
        "ВОЗВРАТ ОШИБОЧНО УПЛАЧЕННЫХ СОЦИАЛЬНЫХ ОТЧИСЛЕНИЙ"
        if knp == KNP_REFUND_CONTRIBUTION
        else "ВОЗВРАТ ОШИБОЧНО УПЛАЧЕННОЙ ПЕНИ"
    )
    writer = Mt102Writer(
        stream,
        Header(
            reference=reference,
            knp=knp,
            value_date=today,
            assign_text=f"{purpose} КНП {knp}",
            **fund_as_payer(),
        ),
    )
    for line in lines:
        person = line.person
        quarantined = line.quarantined
        writer.write_line(
            iin=line.iin,
            surname=(person.surname if person else quarantined.surname) or "-",
            first_name=(person.first_name if person else quarantined.first_name) or "-",
            patronymic=person.patronymic if person else quarantined.patronymic,
            birth_date=person.birth_date if person else None,
            period=line.period,
            amount=line.approved_amount,
        )
    total = writer.close()
    return stream.getvalue(), writer.lines, total


def _register(applications: list[RefundApplication]) -> bytes:
    """The register of the order: one row per application with the applicant's bank details."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("register")
    sheet.append(list(REGISTER_COLUMNS))
    for application in applications:
        sheet.append(
            [
                application.request_number or str(application.uuid),
                application.payer.idn,
                application.applicant_name,
                application.applicant_idn,
                application.bank_bic,
                application.bank_account,
                application.reason,
                application.people,
                application.amount_approved,
            ]
        )
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _order_build(
    *, actor: Any, knp: str, applications: list[RefundApplication], today: date
) -> PayoutOrder:
    application_ids = [application.pk for application in applications]
    lines = list(
        RefundLine.objects.filter(application_id__in=application_ids, approved_amount__gt=0)
        .select_related("person", "quarantined")
        .order_by("application_id", "line_no")
    )
    reference = _order_reference(today, knp)
    content, line_count, total = _mt102(reference=reference, knp=knp, today=today, lines=lines)
    order = PayoutOrder.objects.create(
        reference=reference,
        knp=knp,
        value_date=today,
        applications_count=len(applications),
        lines=line_count,
        total=total,
        content=content,
        sha256=hashlib.sha256(content).hexdigest(),
        register=_register(applications),
        created_by=actor,
    )
    live = _live_line_ids(lines)
    reversals = contribution_lines_reverse(
        amounts={live[line.pk]: line.approved_amount for line in lines if line.pk in live}
    )
    RefundPosting.objects.bulk_create(
        RefundPosting(
            line=line,
            kind=RefundPosting.Kind.REVERSAL,
            ledger_line=reversals[live[line.pk]],
            order=order,
        )
        for line in lines
        if line.pk in live
    )
    quarantined_lines_refund(
        actor=actor, line_ids=[line.quarantined_id for line in lines if line.quarantined_id]
    )
    RefundApplication.objects.filter(pk__in=application_ids).update(
        status=Status.ORDERED,
        order=order,
        stage_due=stage_due(status=Status.ORDERED, started_on=today),
        updated_at=timezone.now(),
    )
    RefundEvent.objects.bulk_create(
        RefundEvent(
            application_id=application_id,
            kind=RefundEvent.Kind.ORDERED,
            actor=actor,
            from_status=Status.APPROVED,
            to_status=Status.ORDERED,
            data={"order": reference, "knp": knp},
        )
        for application_id in application_ids
    )
    return order


@transaction.atomic(durable=True)
def refund_payout_orders_build(*, actor: Any, today: date | None = None) -> list[PayoutOrder]:
    """Every approved application into a payout order: one for contributions (KNP 026), one
    for penalties (KNP 094). Nothing approved: nothing built."""
    _authorize(actor)
    today = today or timezone.localdate()
    applications = list(
        refund_application_qs_select_for_update()
        .filter(status=Status.APPROVED)
        .select_related("payer", "document")
    )
    by_knp: dict[str, list[RefundApplication]] = defaultdict(list)
    for application in applications:
        knp = (
            KNP_REFUND_PENALTY
            if application.document.knp == KNP_PENALTY
            else KNP_REFUND_CONTRIBUTION
        )
        by_knp[knp].append(application)
    return [
        _order_build(actor=actor, knp=knp, applications=group, today=today)
        for knp, group in sorted(by_knp.items())
    ]


@transaction.atomic
def refund_order_paid(
    *, actor: Any, order_id: int, paid_on: date, comment: str = ""
) -> PayoutOrder:
    """The bank's report (or an officer reading it) says the order was paid: every application
    still in it is paid."""
    _authorize(actor)
    order = payout_order_qs_select_for_update().get(pk=order_id)
    if order.status != PayoutOrder.Status.SENT:
        raise RefundConflictError(
            _("The payout order %(reference)s is already paid.") % {"reference": order.reference},
            code="order_already_paid",
        )
    if paid_on < order.value_date or paid_on > timezone.localdate():
        raise RefundInputError(
            _("The payment date must lie between the order's date and today."),
            code="paid_on_invalid",
        )
    order.status = PayoutOrder.Status.PAID
    order.save(update_fields=["status", "updated_at"])
    ids = list(order.applications.filter(status=Status.ORDERED).values_list("pk", flat=True))
    RefundApplication.objects.filter(pk__in=ids).update(
        status=Status.PAID, paid_on=paid_on, stage_due=paid_on, updated_at=timezone.now()
    )
    RefundEvent.objects.bulk_create(
        RefundEvent(
            application_id=application_id,
            kind=RefundEvent.Kind.PAID,
            actor=actor,
            from_status=Status.ORDERED,
            to_status=Status.PAID,
            comment=comment,
            data={"order": order.reference, "paid_on": paid_on.isoformat()},
        )
        for application_id in ids
    )
    return order


@transaction.atomic
def refund_bank_return(*, actor: Any, application_id: int, comment: str) -> RefundApplication:
    """The bank sent the money of one application back: its reversals are undone by new rows,
    its quarantined lines are open again and the application reopens to be decided anew."""
    _authorize(actor)
    application = refund_application_qs_select_for_update().get(pk=application_id)
    if application.status not in {Status.ORDERED, Status.PAID}:
        raise RefundConflictError(
            _("Only an application in a payout order can come back from the bank."),
            code="refund_not_ordered",
        )
    if not comment.strip():
        raise RefundInputError(_("Say why the bank returned the money."), code="comment_missing")
    order = application.order
    assert order is not None
    postings = list(
        RefundPosting.objects.filter(
            order=order, line__application=application, kind=RefundPosting.Kind.REVERSAL
        )
    )
    reentries = contribution_lines_reenter(reversal_ids=[p.ledger_line_id for p in postings])
    RefundPosting.objects.bulk_create(
        RefundPosting(
            line_id=posting.line_id,
            kind=RefundPosting.Kind.REENTRY,
            ledger_line=reentries[posting.ledger_line_id],
            order=order,
        )
        for posting in postings
    )
    quarantined_lines_reopen(
        line_ids=list(
            application.lines.filter(quarantined__isnull=False).values_list(
                "quarantined_id", flat=True
            )
        )
    )
    from_status = application.status
    application.status = Status.CHECKED
    application.order = None
    application.paid_on = None
    application.decision = ""
    application.decided_by = None
    application.decided_at = None
    application.confirmed_by = None
    application.confirmed_at = None
    application.amount_approved = None
    application.stage_due = stage_due(status=Status.CHECKED, started_on=timezone.localdate())
    application.save(
        update_fields=[
            "status",
            "order",
            "paid_on",
            "decision",
            "decided_by",
            "decided_at",
            "confirmed_by",
            "confirmed_at",
            "amount_approved",
            "stage_due",
            "updated_at",
        ]
    )
    application.lines.update(approved_amount=None)
    refund_event_write(
        application=application,
        kind=RefundEvent.Kind.RETURNED,
        actor=actor,
        from_status=from_status,
        comment=comment,
        data={"order": order.reference, "reentries": len(reentries)},
    )
    return application
