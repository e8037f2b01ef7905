"""Payout orders to the State Corporation, the reversals they cause, payment and bank returns.

The order is where the money leaves the ledger: in the same transaction as the order, each
approved line gets a reversal row (``contributions.services.contribution_lines_reverse``) and
a refunded quarantined line leaves the quarantine. Nothing is reversed before.
"""

import hashlib
import io
import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from itertools import chain

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from contributions.models import KNP_PENALTY
from contributions.mt102.build import Header, Mt102Writer, fund_as_payer
from contributions.services import (
    contribution_lines_reenter,
    contribution_lines_reverse,
    quarantined_lines_refund,
    quarantined_lines_reopen,
)
from gfss.common.display import day
from gfss.common.xlsx import xlsx_write
from gfss.org import access
from gfss.org.access import Action
from gfss.org.actors import Actor
from refunds.bank_report import bank_report_parse
from refunds.deadlines import stage_due
from refunds.events import refund_event_write
from refunds.exceptions import RefundConflictError, RefundForbiddenError, RefundInputError
from refunds.locks import payout_order_qs_select_for_update, refund_application_qs_select_for_update
from refunds.models import (
    KNP_REFUND_CONTRIBUTION,
    KNP_REFUND_PENALTY,
    BankReport,
    BankReportLine,
    PayoutOrder,
    PayoutOrderLine,
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


def _authorize(actor: Actor) -> None:
    if not access.may(actor, Action.DECIDE_REFUND):
        raise RefundForbiddenError(
            _("Only a central refund officer may take this step."), code="role_not_allowed"
        )


@dataclass(frozen=True)
class _Line:
    """A refund line as the order writes it."""

    pk: int
    iin: str
    period: date
    amount: Decimal
    contribution_id: int | None
    quarantined_id: int | None
    surname: str
    first_name: str
    patronymic: str
    birth_date: date | None


def _order_lines(application_ids: list[int]) -> list[_Line]:
    """The refunded lines of these applications in the order's sequence, read as rows."""
    rows = (
        RefundLine.objects.filter(application_id__in=application_ids, approved_amount__gt=0)
        .order_by("application_id", "line_no")
        .values_list(
            "pk",
            "iin",
            "period",
            "approved_amount",
            "contribution_id",
            "quarantined_id",
            "person__surname",
            "person__first_name",
            "person__patronymic",
            "person__birth_date",
            "quarantined__surname",
            "quarantined__first_name",
            "quarantined__patronymic",
        )
    )
    return [
        _Line(
            pk=pk,
            iin=iin,
            period=period,
            amount=amount,
            contribution_id=contribution_id,
            quarantined_id=quarantined_id,
            surname=(surname if contribution_id else q_surname) or "-",
            first_name=(first_name if contribution_id else q_first_name) or "-",
            patronymic=(patronymic if contribution_id else q_patronymic) or "",
            birth_date=birth_date if contribution_id else None,
        )
        for (
            pk,
            iin,
            period,
            amount,
            contribution_id,
            quarantined_id,
            surname,
            first_name,
            patronymic,
            birth_date,
            q_surname,
            q_first_name,
            q_patronymic,
        ) in rows
    ]


def _live_line_ids(lines: list[_Line]) -> dict[int, int]:
    """The ledger line each refund line takes money from: its contribution, or the latest
    re-entry if the bank returned an earlier refund of it."""
    live = {line.pk: line.contribution_id for line in lines if line.contribution_id}
    reentries = (
        RefundPosting.objects.filter(line_id__in=list(live), kind=RefundPosting.Kind.REENTRY)
        .order_by("id")
        .values_list("line_id", "ledger_line_id")
    )
    live.update(dict(reentries))  # ordered by id: the latest re-entry wins
    return live


def _order_reference(today: date, knp: str) -> str:
    same_day = PayoutOrder.objects.filter(reference__startswith=f"RF{today:%y%m%d}").count()
    return f"RF{today:%y%m%d}{same_day + 1:04d}{knp}"


def _mt102(
    *, reference: str, knp: str, today: date, lines: Iterable[_Line]
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
        writer.write_line(
            iin=line.iin,
            surname=line.surname,
            first_name=line.first_name,
            patronymic=line.patronymic,
            birth_date=line.birth_date,
            period=line.period,
            amount=line.amount,
        )
    total = writer.close()
    return stream.getvalue(), writer.lines, total


def _register(application_ids: list[int]) -> bytes:
    """The register of the order: one row per application with the applicant's bank details,
    streamed from the query into the file."""
    rows = (
        RefundApplication.objects.filter(pk__in=application_ids)
        .order_by("pk")
        .values_list(
            "request_number",
            "uuid",
            "payer__idn",
            "applicant_name",
            "applicant_idn",
            "bank_bic",
            "bank_account",
            "reason",
            "people",
            "amount_approved",
        )
    )
    out = io.BytesIO()
    xlsx_write(
        out,
        sheet="register",
        rows=chain(
            [REGISTER_COLUMNS],
            ((number or str(uuid), *rest) for number, uuid, *rest in rows.iterator(2000)),
        ),
    )
    return out.getvalue()


def _sql_insert_order_rows(*, order: PayoutOrder, actor: Actor) -> None:
    """The order's lines (numbered as in its MT-102 file) and each application's history
    event, each one INSERT ... SELECT from the applications now in the order."""
    now = timezone.now()
    event_data = json.dumps({"order": order.reference, "knp": order.knp})
    json_value = "CAST(%s AS jsonb)" if connection.vendor == "postgresql" else "%s"
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {PayoutOrderLine._meta.db_table}"
            " (order_id, line_no, refund_line_id, iin, period, amount)"
            " SELECT %s, ROW_NUMBER() OVER (ORDER BY l.application_id, l.line_no), l.id, l.iin,"
            " l.period, l.approved_amount"
            f" FROM {RefundLine._meta.db_table} l"
            f" JOIN {RefundApplication._meta.db_table} a ON a.id = l.application_id"
            " WHERE a.order_id = %s AND l.approved_amount > 0",
            [order.pk, order.pk],
        )
        cursor.execute(
            f"INSERT INTO {RefundEvent._meta.db_table} (created_at, updated_at, application_id,"
            " kind, actor_id, from_status, to_status, comment, data)"
            f" SELECT %s, %s, a.id, %s, %s, %s, %s, '', {json_value}"
            f" FROM {RefundApplication._meta.db_table} a WHERE a.order_id = %s ORDER BY a.id",
            [
                now,
                now,
                RefundEvent.Kind.ORDERED,
                actor.pk,
                Status.APPROVED,
                Status.ORDERED,
                event_data,
                order.pk,
            ],
        )


def _order_build(*, actor: Actor, knp: str, application_ids: list[int], today: date) -> PayoutOrder:
    lines = _order_lines(application_ids)
    reference = _order_reference(today, knp)
    content, line_count, total = _mt102(reference=reference, knp=knp, today=today, lines=lines)
    order = PayoutOrder.objects.create(
        reference=reference,
        knp=knp,
        value_date=today,
        applications_count=len(application_ids),
        lines=line_count,
        total=total,
        content=content,
        sha256=hashlib.sha256(content).hexdigest(),
        register=_register(application_ids),
        created_by=actor,
    )
    RefundApplication.objects.filter(pk__in=application_ids).update(
        status=Status.ORDERED,
        order=order,
        stage_due=stage_due(status=Status.ORDERED, started_on=today),
        updated_at=timezone.now(),
    )
    _sql_insert_order_rows(order=order, actor=actor)
    live = _live_line_ids(lines)
    reversals = contribution_lines_reverse(
        amounts={live[line.pk]: line.amount for line in lines if line.pk in live}
    )
    RefundPosting.objects.bulk_create(
        RefundPosting(
            line_id=line.pk,
            kind=RefundPosting.Kind.REVERSAL,
            ledger_line_id=reversals[live[line.pk]],
            order=order,
        )
        for line in lines
        if line.pk in live
    )
    quarantined_lines_refund(
        actor=actor, line_ids=[line.quarantined_id for line in lines if line.quarantined_id]
    )
    return order


@transaction.atomic(durable=True)
def refund_payout_orders_build(*, actor: Actor, today: date | None = None) -> list[PayoutOrder]:
    """Every approved application into a payout order: one for contributions (KNP 026), one
    for penalties (KNP 094). Nothing approved: nothing built."""
    _authorize(actor)
    today = today or timezone.localdate()
    approved = list(
        refund_application_qs_select_for_update()
        .filter(status=Status.APPROVED)
        .values_list("pk", "document__knp")
    )
    by_knp: dict[str, list[int]] = defaultdict(list)
    for application_id, document_knp in approved:
        knp = KNP_REFUND_PENALTY if document_knp == KNP_PENALTY else KNP_REFUND_CONTRIBUTION
        by_knp[knp].append(application_id)
    return [
        _order_build(actor=actor, knp=knp, application_ids=ids, today=today)
        for knp, ids in sorted(by_knp.items())
    ]


@transaction.atomic
def refund_order_paid(
    *, actor: Actor, order_id: int, paid_on: date, comment: str = ""
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
def refund_bank_return(*, actor: Actor, application_id: int, comment: str) -> RefundApplication:
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
    return _returned(actor=actor, application=application, comment=comment)


def _returned(
    *, actor: Actor, application: RefundApplication, comment: str, data: dict | None = None
) -> RefundApplication:
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
        data={"order": order.reference, "reentries": len(reentries), **(data or {})},
    )
    return application


def _report_lines(
    *, order: PayoutOrder, rows: list, today: date
) -> tuple[dict[int, list], dict[int, PayoutOrderLine]]:
    """The report's rows checked against what the order sent and what earlier reports of it
    said; by application, with the order's lines by number."""
    sent = {
        line.line_no: line
        for line in PayoutOrderLine.objects.filter(order=order).select_related(
            "refund_line", "reported__report"
        )
    }
    by_application: dict[int, list] = defaultdict(list)
    for row in rows:
        line = sent.get(row.line_no)
        if line is None:
            raise RefundInputError(
                _("Row %(row)s: the payout order %(reference)s has no line %(line)s.")
                % {"row": row.row, "reference": order.reference, "line": row.line_no},
                code="report_line_unknown",
                row=row.row,
            )
        if (row.iin, row.period, row.amount) != (line.iin, line.period, line.amount):
            raise RefundInputError(
                _(
                    "Row %(row)s: line %(line)s of the order was %(iin)s, %(period)s, "
                    "%(amount)s; the report says otherwise."
                )
                % {
                    "row": row.row,
                    "line": row.line_no,
                    "iin": line.iin,
                    "period": f"{line.period:%m.%Y}",
                    "amount": f"{line.amount:.2f}",
                },
                code="report_line_mismatch",
                row=row.row,
            )
        reported = getattr(line, "reported", None)
        if reported is not None:
            raise RefundInputError(
                _(
                    "Row %(row)s: line %(line)s of the order was reported before, in the "
                    "report %(file)s of %(day)s."
                )
                % {
                    "row": row.row,
                    "line": row.line_no,
                    "file": reported.report.filename,
                    "day": day(timezone.localdate(reported.report.created_at)),
                },
                code="report_line_reported",
                row=row.row,
            )
        if not order.value_date <= row.on <= today:
            raise RefundInputError(
                _("Row %(row)s: the date must lie between the order's date and today.")
                % {"row": row.row},
                code="report_date_invalid",
                row=row.row,
            )
        by_application[line.refund_line.application_id].append(row)
    return by_application, sent


@transaction.atomic
def refund_bank_report_apply(
    *,
    actor: Actor,
    filename: str,
    content: bytes,
    order_id: int | None = None,
    today: date | None = None,
) -> BankReport:
    """A bank's report of a payout order, of all its lines or some (the rest comes in a later
    report): an application is settled once each of its lines is reported, paid (the
    application is paid) or returned (its reversals reversed by new rows, the application
    open again); the order is paid once each of its lines is. The whole file or nothing."""
    _authorize(actor)
    today = today or timezone.localdate()
    parsed = bank_report_parse(content)
    order = payout_order_qs_select_for_update().filter(reference=parsed.reference).first()
    if order is None:
        raise RefundInputError(
            _("No payout order %(reference)s exists.") % {"reference": parsed.reference},
            code="report_order_unknown",
        )
    if order_id is not None and order.pk != order_id:
        raise RefundInputError(
            _("This is the report of another payout order, %(reference)s.")
            % {"reference": order.reference},
            code="report_order_other",
        )
    if order.status != PayoutOrder.Status.SENT:
        raise RefundConflictError(
            _("The payout order %(reference)s is already paid.") % {"reference": order.reference},
            code="order_already_paid",
        )
    by_application, sent = _report_lines(order=order, rows=parsed.rows, today=today)
    # What earlier reports said of the other lines of the same applications.
    earlier: dict[int, list] = defaultdict(list)
    unreported: dict[int, int] = defaultdict(int)
    for line in sent.values():
        reported = getattr(line, "reported", None)
        if reported is not None:
            earlier[line.refund_line.application_id].append(reported)
        else:
            unreported[line.refund_line.application_id] += 1
    applications = {
        application.pk: application
        for application in refund_application_qs_select_for_update()
        .filter(pk__in=list(by_application))
        .select_related("order")
    }
    paid: dict[int, date] = {}
    returned: list[tuple[RefundApplication, list]] = []
    for application_id, rows in sorted(by_application.items()):
        application = applications[application_id]
        outcomes = {row.outcome for row in rows} | {r.outcome for r in earlier[application_id]}
        if len(outcomes) > 1:
            raise RefundInputError(
                _(
                    "Rows %(rows)s: the lines of application %(application)s are paid and "
                    "returned at once; the bank pays or returns an application whole."
                )
                % {"rows": ", ".join(str(r.row) for r in rows), "application": application},
                code="report_application_split",
                row=rows[0].row,
            )
        in_order = application.order_id == order.pk and application.status == Status.ORDERED
        if not in_order:
            # Returned already, recorded by an officer: the report can only agree.
            if outcomes != {"returned"}:
                raise RefundInputError(
                    _("Row %(row)s: application %(application)s was recorded as returned.")
                    % {"row": rows[0].row, "application": application},
                    code="report_line_returned_before",
                    row=rows[0].row,
                )
            continue
        if len(rows) < unreported[application_id]:
            continue  # settled when the bank reports its other lines
        everything = [*rows, *earlier[application_id]]
        if outcomes == {"paid"}:
            paid[application_id] = max(row.on for row in everything)
        else:
            returned.append((application, everything))
    now = timezone.now()
    for paid_on in sorted(set(paid.values())):
        RefundApplication.objects.filter(
            pk__in=[pk for pk, on in paid.items() if on == paid_on]
        ).update(status=Status.PAID, paid_on=paid_on, stage_due=paid_on, updated_at=now)
    RefundEvent.objects.bulk_create(
        RefundEvent(
            application_id=application_id,
            kind=RefundEvent.Kind.PAID,
            actor=actor,
            from_status=Status.ORDERED,
            to_status=Status.PAID,
            data={"order": order.reference, "paid_on": paid_on.isoformat(), "report": filename},
        )
        for application_id, paid_on in paid.items()
    )
    for application, rows in returned:
        _returned(
            actor=actor,
            application=application,
            comment="; ".join(sorted({row.reason for row in rows})),
            data={"report": filename, "returned_on": max(row.on for row in rows).isoformat()},
        )
    report = BankReport.objects.create(
        order=order,
        filename=filename[:200],
        content=content,
        sha256=hashlib.sha256(content).hexdigest(),
        uploaded_by=actor,
        paid_lines=sum(1 for row in parsed.rows if row.outcome == "paid"),
        returned_lines=sum(1 for row in parsed.rows if row.outcome == "returned"),
        paid_applications=len(paid),
        returned_applications=len(returned),
    )
    BankReportLine.objects.bulk_create(
        BankReportLine(
            report=report,
            order_line=sent[row.line_no],
            outcome=row.outcome,
            on=row.on,
            reason=row.reason[:200],
        )
        for row in parsed.rows
    )
    if sum(unreported.values()) == len(parsed.rows):
        order.status = PayoutOrder.Status.PAID
        order.save(update_fields=["status", "updated_at"])
    return report
