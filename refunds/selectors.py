"""Reads of refunds, filtered by what the user may see.

Who reads what is the access policy's (``gfss.org.access``, subject ``refund``).
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.urls import reverse
from django.utils.translation import gettext as _

from benefits.models import Award
from benefits.selectors import award_counted_windows
from gfss.common.exceptions import NotFoundError
from gfss.common.money import ZERO, round_kzt
from gfss.common.periods import add_months
from gfss.common.signals import ReversalOrigin
from gfss.org import access
from gfss.org.access import Subject
from gfss.org.actors import Reader
from refunds.exceptions import PayoutOrderNotFoundError, RefundNotFoundError
from refunds.models import (
    PayoutOrder,
    Reason,
    RefundApplication,
    RefundEvent,
    RefundLine,
    RefundPosting,
)

LIST_COLUMNS = (
    "uuid",
    "request_number",
    "reason",
    "status",
    "received_on",
    "stage_due",
    "amount_requested",
    "amount_approved",
    "people",
    "payer__idn",
    "payer__name",
    "payer__region__code",
    "payer__region__name_kk",
    "payer__region__name_ru",
    "payer__region__name_en",
)


def refund_application_list_for_user(*, user: Reader) -> QuerySet[RefundApplication]:
    """What the access policy lets ``user`` read: refund officers every application, branch
    staff their region's payers', a partner the applications it sent."""
    queryset = RefundApplication.objects.select_related("payer", "payer__region")
    return access.reach(user, Subject.REFUND).apply(
        queryset, region="payer__region_id", owner="submitted_by_id"
    )


def refund_reversal_origins(
    *, line_ids: list[int], user: Reader = None, **_signal: Any
) -> dict[int, ReversalOrigin]:
    """The application behind each of these reversal rows of the ledger, for the statement:
    its number always, its page only when ``user`` may read that application."""
    postings = list(
        RefundPosting.objects.filter(
            ledger_line_id__in=line_ids, kind=RefundPosting.Kind.REVERSAL
        ).values_list(
            "ledger_line_id",
            "line__application_id",
            "line__application__request_number",
            "line__application__uuid",
        )
    )
    readable: set[int] = set()
    if postings and user is not None and access.reads(user, Subject.REFUND):
        readable = set(
            refund_application_list_for_user(user=user)
            .filter(pk__in={application_id for _l, application_id, _n, _u in postings})
            .values_list("pk", flat=True)
        )
    return {
        line_id: ReversalOrigin(
            number=number or str(uuid),
            url=reverse("refunds:detail", args=[uuid]) if application_id in readable else "",
        )
        for line_id, application_id, number, uuid in postings
    }


def refund_application_get_for_user(*, user: Reader, uuid: UUID | str) -> RefundApplication:
    application = (
        refund_application_list_for_user(user=user)
        .select_related("document", "decided_by", "confirmed_by", "order", "submitted_by")
        .filter(uuid=uuid)
        .first()
    )
    if application is None:
        raise RefundNotFoundError
    return application


@dataclass(frozen=True)
class RefundFilters:
    status: str = ""  # "" means every status
    reason: str = ""
    region: str = ""  # region code
    payer: str = ""  # BIN/IIN
    period: date | None = None  # a month one of the lines is for
    overdue: bool = False


def refund_queue(
    *, user: Reader, filters: RefundFilters, today: date
) -> QuerySet[RefundApplication]:
    """The officers' list, earliest stage deadline first."""
    queryset = refund_application_list_for_user(user=user)
    if filters.status:
        queryset = queryset.filter(status=filters.status)
    if filters.reason:
        queryset = queryset.filter(reason=filters.reason)
    if filters.region:
        queryset = queryset.filter(payer__region__code=filters.region)
    if filters.payer:
        queryset = queryset.filter(payer__idn=filters.payer)
    if filters.period:
        queryset = queryset.filter(
            pk__in=RefundLine.objects.filter(period=filters.period).values("application_id")
        )
    if filters.overdue:
        queryset = queryset.filter(status__in=RefundApplication.OPEN_STATUSES, stage_due__lt=today)
    return queryset.only(*LIST_COLUMNS).order_by("stage_due", "id")


def refund_counters(*, user: Reader, today: date) -> dict[str, int]:
    """How many applications wait at each step, and how many are overdue, in one query over
    the open ones only (an index range on status: the closed ones pile up, the open do not)."""
    status = RefundApplication.Status
    rows = list(
        refund_application_list_for_user(user=user)
        .filter(status__in=RefundApplication.OPEN_STATUSES)
        .order_by()
        .values("status")
        .annotate(waiting=Count("id"), overdue=Count("id", filter=Q(stage_due__lt=today)))
    )
    waiting = {row["status"]: row["waiting"] for row in rows}
    return {
        "to_decide": waiting.get(status.CHECKED, 0),
        "to_confirm": waiting.get(status.DECIDED, 0),
        "to_order": waiting.get(status.APPROVED, 0),
        "ordered": waiting.get(status.ORDERED, 0),
        "overdue": sum(row["overdue"] for row in rows),
    }


def refund_lines(*, application: RefundApplication) -> QuerySet[RefundLine]:
    return application.lines.select_related(
        "person", "contribution", "quarantined", "counted_award"
    ).order_by("line_no")


def refund_events(*, application: RefundApplication) -> QuerySet[RefundEvent]:
    return application.events.select_related("actor__partner_client").order_by("id")


def refund_lines_of_person(*, user: Reader, person_id: int) -> QuerySet[RefundLine]:
    """The refund lines of one person, for the person's page."""
    return (
        RefundLine.objects.filter(
            person_id=person_id,
            application__in=refund_application_list_for_user(user=user),
        )
        .select_related("application")
        .order_by("-application__received_on", "period")
    )


def refund_applications_of_payer(*, user: Reader, payer_id: int) -> QuerySet[RefundApplication]:
    return (
        refund_application_list_for_user(user=user)
        .filter(payer_id=payer_id)
        .order_by("-received_on", "-id")
    )


@dataclass(frozen=True)
class CountedMonths:
    first: date
    last: date
    received_before: date | None


def refund_award_get(*, uuid: UUID | str) -> tuple[Award, CountedMonths | None]:
    """An award a check named, with the months it counted (refund officers read it whatever
    the branch: the check showed it to them)."""
    award = Award.objects.select_related("person", "application").filter(uuid=uuid).first()
    if award is None:
        raise NotFoundError(_("No award with this id exists."), code="award_not_found")
    insured_id = award.application.insured_person_id if award.application else award.person_id
    for counted in award_counted_windows(person_ids=[insured_id])[insured_id]:
        if counted.award.pk == award.pk:
            return award, CountedMonths(
                first=counted.first,
                last=add_months(counted.end, -1),
                received_before=counted.received_before,
            )
    return award, None


def payout_order_list() -> QuerySet[PayoutOrder]:
    """The orders, each with what the bank's reports of it said so far: ``reports``,
    ``lines_reported``, ``applications_paid`` and ``applications_returned``."""
    return (
        PayoutOrder.objects.defer("content", "register")
        .annotate(
            reports=Count("bank_reports"),
            lines_reported=Sum(F("bank_reports__paid_lines") + F("bank_reports__returned_lines")),
            applications_paid=Sum("bank_reports__paid_applications"),
            applications_returned=Sum("bank_reports__returned_applications"),
        )
        .order_by("-id")
    )


def payout_order_get(*, uuid: UUID | str) -> PayoutOrder:
    order = PayoutOrder.objects.filter(uuid=uuid).first()
    if order is None:
        raise PayoutOrderNotFoundError
    return order


# --- reports (domain.md: refunds by reason, by month and region) ----------------------------


@dataclass(frozen=True)
class ReportRow:
    key: Any
    applications: int
    people: int
    amount: Any


def refund_report(*, user: Reader, first: date, last: date, by: str) -> list[ReportRow]:
    """Refunds paid or ordered with a receipt date in ``[first, last]``, grouped ``by`` reason,
    month (of receipt) or region: applications, people and the sum refunded."""
    group = {
        "reason": "reason",
        "month": "month",
        "region": "payer__region__code",
    }[by]
    queryset = refund_application_list_for_user(user=user).filter(
        status__in=[RefundApplication.Status.ORDERED, RefundApplication.Status.PAID],
        received_on__gte=first,
        received_on__lte=last,
    )
    if by == "month":
        queryset = queryset.annotate(month=TruncMonth("received_on"))
    rows = (
        queryset.values(group)
        .annotate(
            applications=Count("id"),
            people=Sum("people", default=0),
            amount=Sum("amount_approved", default=ZERO),
        )
        .order_by(group)
    )
    report = [
        ReportRow(
            key=row[group],
            applications=row["applications"],
            people=row["people"],
            # SQLite (the demo) sums decimals as floats: back to the tiyn.
            amount=round_kzt(Decimal(row["amount"])),
        )
        for row in rows
    ]
    if by == "reason":  # in the annual report's order of the six reasons
        report.sort(key=lambda row: Reason.values.index(row.key))
    return report
