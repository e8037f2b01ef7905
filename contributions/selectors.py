"""Reads of the contributions app: documents, quarantine, income and participation, statements,
penalty balances and arrears.

Every read that the benefit calculations use takes many persons at once and answers with one
grouped query (a chunk of up to ``_IDS_PER_QUERY`` persons), so that a batch of ten thousand
calculations costs a handful of queries.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django.db import connection
from django.db.models import (
    BooleanField,
    Count,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, ExtractYear
from django.utils import timezone
from django.utils.translation import gettext as _

from contributions.calculations import FIRST_PERIOD, PayerMonth, due_date, income_by_month
from contributions.models import (
    KNP_PENALTY,
    ContributionLine,
    PaymentDocument,
    PenaltyAccrual,
    QuarantinedLine,
    ReceivedFile,
)
from gfss.common.money import ZERO
from gfss.common.periods import add_months, month_start
from gfss.common.signals import ReversalOrigin, reversal_origins_of
from gfss.legal.calendar import working_day_checker
from gfss.legal.params import ParameterSet
from gfss.legal.selectors import parameter_set
from gfss.org.access import Subject, reach
from gfss.org.actors import Reader
from participants.models import Payer, Person

_IDS_PER_QUERY = 30_000
_MONEY = DecimalField(max_digits=18, decimal_places=2)


# --- visibility (gfss.org.access) ----------------------------------------------------------


def payment_document_list_for_user(*, user: Reader) -> QuerySet[PaymentDocument]:
    """Branch staff see the documents of their region's payers, central staff all; a partner
    system sees the documents it sent."""
    queryset = PaymentDocument.objects.select_related("payer", "payer__region", "file").order_by(
        "-value_date", "-id"
    )
    return reach(user, Subject.DOCUMENT).apply(
        queryset, region="payer__region_id", owner="file__received_by_id"
    )


def payment_document_get_for_user(*, user: Reader, uuid: str) -> PaymentDocument:
    from gfss.common.exceptions import NotFoundError

    document = payment_document_list_for_user(user=user).filter(uuid=uuid).first()
    if document is None:
        raise NotFoundError(
            _("No payment document with this id is visible to you."), code="document_not_found"
        )
    return document


def received_file_list_for_user(*, user: Reader, max_bytes: int) -> QuerySet[ReceivedFile]:
    """Every receipt whatever became of it, without its bytes, newest first. Central staff see
    all; branch staff the files of their region's payers (loaded, repeated or refused, by
    whatever channel: the payer the file names) and those their branch uploaded; a partner
    system the files it sent. ``too_large``: above ``max_bytes``; ``payer_name``: the
    registry's name of the file's payer, when it knows the payer."""
    queryset = (
        ReceivedFile.objects.defer("content")
        .select_related("received_by__partner_client", "document", "duplicate_of")
        .annotate(
            too_large=ExpressionWrapper(Q(size__gt=max_bytes), output_field=BooleanField()),
            payer_name=Subquery(Payer.objects.filter(idn=OuterRef("payer_idn")).values("name")[:1]),
        )
        .order_by("-received_at", "-id")
    )
    where = reach(user, Subject.DOCUMENT)
    if where.everything:
        return queryset
    visible = Q(pk__in=[])
    if where.owner_id is not None:
        visible |= Q(received_by_id=where.owner_id)
    if where.branch_id is not None:
        visible |= Q(received_by__staff_profile__branch_id=where.branch_id)
    if where.region_id is not None:
        visible |= Q(document__payer__region_id=where.region_id)
        visible |= Q(duplicate_of__payer__region_id=where.region_id)
        visible |= Q(
            Exists(Payer.objects.filter(idn=OuterRef("payer_idn"), region_id=where.region_id))
        )
    return queryset.filter(visible)


def quarantined_line_list_for_user(*, user: Reader) -> QuerySet[QuarantinedLine]:
    queryset = QuarantinedLine.objects.select_related(
        "document", "document__payer", "document__payer__region"
    ).order_by("-document__value_date", "document_id", "line_no")
    return reach(user, Subject.QUARANTINED_LINE).apply(
        queryset, region="document__payer__region_id"
    )


def document_lines_summary(*, document: PaymentDocument) -> dict[str, Any]:
    """Accepted lines by period: how many and how much, for a document's detail page."""
    rows = (
        ContributionLine.objects.filter(document=document)
        .values("period")
        .annotate(lines=Count("id"), amount=Sum("amount"))
        .order_by("period")
    )
    return {
        "periods": [
            {"period": row["period"], "lines": row["lines"], "amount": row["amount"]}
            for row in rows
        ]
    }


# --- due dates ------------------------------------------------------------------------------


def due_dates(periods: Iterable[date], *, params: ParameterSet | None = None) -> dict[date, date]:
    """The due date of each period (rules.md §2, D-2) with one query for the calendar's
    exceptions (``gfss.legal.calendar``)."""
    wanted = {month_start(p) for p in periods}
    if not wanted:
        return {}
    params = params or parameter_set()
    first, last = add_months(min(wanted), 1), add_months(max(wanted), 2)
    is_working_day = working_day_checker(first, last)

    return {
        period: due_date(
            period,
            due_day=int(params.get("so.due_day", on=period).decimal),
            is_working_day=is_working_day,
        )
        for period in wanted
    }


# --- income and participation (rules.md §3.1-3.2) -------------------------------------------


def _chunks(ids: list[int]) -> Iterable[list[int]]:
    for start in range(0, len(ids), _IDS_PER_QUERY):
        yield ids[start : start + _IDS_PER_QUERY]


def contribution_payer_months(
    *, person_ids: list[int], first: date, last: date, received_before: date | None = None
) -> dict[int, list[PayerMonth]]:
    """Per person: what each payer paid for each month from ``first`` to ``last`` (periods,
    inclusive), KNP 012 only, reversals (refunds) netted. Payments with a value date after
    ``received_before`` are left out: contributions received after the application date do not
    count (rules.md §3.1)."""
    result: dict[int, list[PayerMonth]] = {person_id: [] for person_id in person_ids}
    for chunk in _chunks(person_ids):
        queryset = ContributionLine.objects.filter(
            person_id__in=chunk,
            kind=ContributionLine.Kind.CONTRIBUTION,
            period__gte=month_start(first),
            period__lte=month_start(last),
        )
        if received_before is not None:
            queryset = queryset.filter(value_date__lte=received_before)
        rows = (
            queryset.values("person_id", "payer_id", "period")
            .annotate(total=Sum("amount"))
            .values_list("person_id", "payer_id", "period", "total")
            .order_by()
        )
        for person_id, payer_id, period, total in rows:
            result[person_id].append(PayerMonth(str(payer_id), period, total))
    return result


def monthly_incomes(
    *,
    person_ids: list[int],
    first: date,
    last: date,
    params: ParameterSet,
    received_before: date | None = None,
) -> dict[int, dict[date, Fraction]]:
    """Per person, per month from ``first`` to ``last``: the income implied by the
    contributions (each payer's SO ÷ rate, capped at so.object_cap_mzp × MZP, summed over
    payers), at full precision. Months without income are absent."""
    rows = contribution_payer_months(
        person_ids=person_ids, first=first, last=last, received_before=received_before
    )
    return {person_id: income_by_month(months, params=params) for person_id, months in rows.items()}


def _months_with_contribution(
    person_ids: list[int], *, before: date, received_before: date | None
) -> QuerySet[ContributionLine, tuple[int, date]]:
    """(person, period) of each month with contributions (net of refunds), from 2005-01 up to
    and excluding the month of ``before`` (rules.md §3.2, D-5)."""
    queryset = ContributionLine.objects.filter(
        person_id__in=person_ids,
        kind=ContributionLine.Kind.CONTRIBUTION,
        period__gte=FIRST_PERIOD,
        period__lt=month_start(before),
    )
    if received_before is not None:
        queryset = queryset.filter(value_date__lte=received_before)
    return (
        queryset.values("person_id", "period")
        .annotate(total=Sum("amount"))
        .filter(total__gt=0)
        .values_list("person_id", "period")
        .order_by()
    )


def contribution_periods(
    *, person_ids: list[int], before: date, received_before: date | None = None
) -> dict[int, set[date]]:
    """Per person: the distinct months with contributions (net of refunds), from 2005-01 up to
    and excluding the month of ``before`` (rules.md §3.2, D-5)."""
    result: dict[int, set[date]] = {person_id: set() for person_id in person_ids}
    for chunk in _chunks(person_ids):
        rows = _months_with_contribution(chunk, before=before, received_before=received_before)
        for person_id, period in rows:
            result[person_id].add(period)
    return result


def contribution_month_counts(
    *, person_ids: list[int], before: date, received_before: date | None = None
) -> dict[int, int]:
    """Per person: how many months ``contribution_periods`` holds, counted by the database, so
    that a batch reads one row per person instead of one per month of twenty years."""
    result = dict.fromkeys(person_ids, 0)
    for chunk in _chunks(person_ids):
        months = _months_with_contribution(chunk, before=before, received_before=received_before)
        sql, sql_params = months.query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT person_id, COUNT(*) FROM ({sql}) AS months GROUP BY person_id",
                sql_params,
            )
            result.update(cursor.fetchall())
    return result


# --- statement of contributions (state service 2) -------------------------------------------


@dataclass(frozen=True)
class StatementLine:
    period: date
    payer_idn: str
    payer_name: str
    amount: Decimal
    kind: str
    value_date: date
    due_date: date
    reference: str
    # A refund's reversal row (negative), shown with the day it was recorded and the refund
    # application that wrote it (``gfss.common.signals.reversal_origins``).
    is_reversal: bool = False
    recorded_on: date | None = None
    refund: ReversalOrigin | None = None

    @property
    def on_time(self) -> bool:
        return self.value_date <= self.due_date


@dataclass(frozen=True)
class StatementMonth:
    period: date
    lines: list[StatementLine]

    @property
    def total(self) -> Decimal:
        return sum((line.amount for line in self.lines), ZERO)


@dataclass(frozen=True)
class Statement:
    person: Person
    first: date
    last: date
    months: list[StatementMonth]
    total_contributions: Decimal
    total_penalties: Decimal
    lines_late: int
    participation_months: int  # months of the range with contributions
    participation_months_total: int  # stazh: all months from 2005-01 through ``last``


def statement_get(*, person: Person, first: date, last: date, user: Any = None) -> Statement:
    """Every payment for ``person`` for the periods ``first``..``last``, month by month, each
    with its due date and whether it came on time; a refund's reversal names its application
    (with the link to its page when ``user`` may open it)."""
    rows = list(
        ContributionLine.objects.filter(
            person=person, period__gte=month_start(first), period__lte=month_start(last)
        )
        .order_by("period", "value_date", "id")
        .values_list(
            "period",
            "payer__idn",
            "payer__name",
            "amount",
            "kind",
            "value_date",
            "document__reference",
            "reverses_id",
            "created_at",
            "id",
        )
    )
    dues = due_dates(row[0] for row in rows)
    refunds = reversal_origins_of(line_ids=[row[9] for row in rows if row[7]], user=user)
    by_month: defaultdict[date, list[StatementLine]] = defaultdict(list)
    for period, idn, name, amount, kind, value_date, reference, reverses, created, pk in rows:
        by_month[period].append(
            StatementLine(
                period=period,
                payer_idn=idn,
                payer_name=name,
                amount=amount,
                kind=kind,
                value_date=value_date,
                due_date=dues[period],
                reference=reference or "",
                is_reversal=reverses is not None,
                recorded_on=timezone.localdate(created) if reverses is not None else None,
                refund=refunds.get(pk),
            )
        )
    months = [StatementMonth(period=p, lines=lines) for p, lines in sorted(by_month.items())]
    contributions = [line for m in months for line in m.lines if line.kind == "contribution"]
    net_by_month: defaultdict[date, Decimal] = defaultdict(Decimal)
    for line in contributions:
        net_by_month[line.period] += line.amount
    stazh = contribution_periods(person_ids=[person.pk], before=add_months(month_start(last), 1))
    return Statement(
        person=person,
        first=month_start(first),
        last=month_start(last),
        months=months,
        total_contributions=sum((line.amount for line in contributions), ZERO),
        total_penalties=sum(
            (line.amount for m in months for line in m.lines if line.kind == "penalty"), ZERO
        ),
        lines_late=sum(1 for line in contributions if not line.on_time),
        participation_months=sum(1 for amount in net_by_month.values() if amount > 0),
        participation_months_total=len(stazh[person.pk]),
    )


# --- a person's contributions year by year (the person card) ---------------------------------


@dataclass(frozen=True)
class ContributionYear:
    year: int
    total: Decimal
    months: int  # months of the year with a contribution


@dataclass(frozen=True)
class PayerColumn:
    payer_id: int
    idn: str
    name: str


@dataclass(frozen=True)
class ContributionHistory:
    """Every year with its total, and one year month by month and payer (net of refunds)."""

    years: list[ContributionYear]
    year: int | None
    payers: list[PayerColumn]
    months: list[tuple[date, list[Decimal | None], Decimal]]  # month, per payer, total


def contribution_history(*, person_id: int, year: int | None = None) -> ContributionHistory:
    """The person's contributions (KNP 012) by year, and ``year`` (else the latest) by month
    and payer: two grouped queries whatever the length of the history."""
    lines = ContributionLine.objects.filter(
        person_id=person_id, kind=ContributionLine.Kind.CONTRIBUTION
    )
    years = [
        ContributionYear(year=row["y"], total=row["total"], months=row["months"])
        for row in lines.annotate(y=ExtractYear("period"))
        .values("y")
        .annotate(total=Sum("amount"), months=Count("period", distinct=True))
        .order_by("-y")
    ]
    known = {item.year for item in years}
    if year not in known:
        year = years[0].year if years else None
    if year is None:
        return ContributionHistory(years=years, year=None, payers=[], months=[])
    rows = list(
        lines.filter(period__gte=date(year, 1, 1), period__lt=date(year + 1, 1, 1))
        .values("period", "payer_id", "payer__idn", "payer__name")
        .annotate(total=Sum("amount"))
        .order_by("period", "payer__name", "payer_id")
    )
    payers = list(
        {
            row["payer_id"]: PayerColumn(row["payer_id"], row["payer__idn"], row["payer__name"])
            for row in sorted(rows, key=lambda row: (row["payer__name"], row["payer_id"]))
        }.values()
    )
    cells: defaultdict[date, dict[int, Decimal]] = defaultdict(dict)
    for row in rows:
        cells[row["period"]][row["payer_id"]] = row["total"]
    months = [
        (
            period,
            [by_payer.get(payer.payer_id) for payer in payers],
            sum(by_payer.values(), ZERO),
        )
        for period, by_payer in sorted(cells.items(), reverse=True)
    ]
    return ContributionHistory(years=years, year=year, payers=payers, months=months)


# --- penalties and arrears ------------------------------------------------------------------


@dataclass(frozen=True)
class PayerBalance:
    payer_id: int
    accrued: Decimal
    paid: Decimal

    @property
    def owed(self) -> Decimal:
        return self.accrued - self.paid


def _accrued_subquery() -> Subquery:
    return Subquery(
        PenaltyAccrual.objects.filter(payer=OuterRef("pk"))
        .values("payer")
        .annotate(total=Sum("amount"))
        .values("total")[:1],
        output_field=_MONEY,
    )


def _paid_subquery() -> Subquery:
    # Penalty payments are KNP 017 documents; their accepted money is matched to the payer.
    return Subquery(
        PaymentDocument.objects.filter(payer=OuterRef("pk"), knp=KNP_PENALTY)
        .values("payer")
        .annotate(total=Sum("amount_accepted"))
        .values("total")[:1],
        output_field=_MONEY,
    )


def payer_penalty_balance(*, payer: Payer) -> PayerBalance:
    """Penalties accrued on the payer's late payments against the penalties it paid."""
    accrued = PenaltyAccrual.objects.filter(payer=payer).aggregate(
        total=Sum("amount", default=ZERO)
    )["total"]
    paid = PaymentDocument.objects.filter(payer=payer, knp=KNP_PENALTY).aggregate(
        total=Sum("amount_accepted", default=ZERO)
    )["total"]
    return PayerBalance(payer_id=payer.pk, accrued=accrued, paid=paid)


def payers_in_arrears(*, user: Reader, region_code: str | None = None) -> QuerySet[Payer]:
    """Payers whose accrued penalties exceed what they paid, largest debt first, annotated with
    ``accrued``, ``paid`` and ``owed``; branch staff see their region only."""
    queryset = (
        Payer.objects.filter(penalty_accruals__isnull=False)
        .distinct()
        .select_related("region")
        .annotate(
            accrued=Coalesce(_accrued_subquery(), Value(ZERO), output_field=_MONEY),
            paid=Coalesce(_paid_subquery(), Value(ZERO), output_field=_MONEY),
        )
        .annotate(owed=F("accrued") - F("paid"))
        .filter(owed__gt=0)
        .order_by("-owed", "idn")
    )
    queryset = reach(user, Subject.PAYER).apply(queryset, region="region_id")
    if region_code:
        queryset = queryset.filter(region__code=region_code)
    return queryset
