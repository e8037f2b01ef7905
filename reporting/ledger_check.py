"""The books' invariants, checked against the database as it is (``manage.py ledger_check``).

Run after a restore, after an incident, or nightly: each check reads set-based where it can and
reports a ``Finding`` per row that breaks its rule, nothing else. What an award is due comes
from ``benefits.entitlement`` and what moved for it from ``payouts.selectors``; nothing is
recomputed here.

1. ``document_total``: a loaded document's own lines (line numbers, no reversal, no correction)
   count ``lines_accepted`` and sum to ``amount_accepted``; with its quarantined lines they sum
   to the document's total; a corrected quarantined line moved exactly its money.
2. ``reversal``: a reversal takes back at most its line's money, from a line that is not a
   reversal, with the line's document, person, payer, period, kind and value date.
3. ``orphan`` and ``line_id``: every line's person, payer and document exist, and no line id
   is used twice (the ledger has no foreign keys, and on PostgreSQL its key is (id, period):
   ``contributions.models``).
4. ``amount_series``: every month an award gives a right to has an amount in force.
5. ``award_month``: for every month a completed payment run has settled, paid + top-ups (paid
   and pending) - overpaid = due, and per award the overpaid less the recovered is the
   balance left to recover: so paid + top-ups - recovered = due + what is still owed back.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import Count, Exists, F, OuterRef, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from benefits.entitlement import entitlements
from benefits.models import Award
from contributions.models import ContributionLine, PaymentDocument, QuarantinedLine
from gfss.common.money import ZERO
from participants.models import Payer, Person
from payouts.models import AwardAccount, Overpayment, PaymentRun, Recovery
from payouts.selectors import MonthRow, awards_months

_CHUNK = 1_000


@dataclass(frozen=True)
class Finding:
    check: str
    subject: str  # what breaks the rule: "document 12", "award 7 2024-03"
    message: str


def ledger_check() -> Iterator[Finding]:
    """Every finding of every check, check by check."""
    yield from documents_check()
    yield from reversals_check()
    yield from orphans_check()
    yield from amount_series_check()
    yield from award_months_check()


def _money_sum(queryset: QuerySet[Any]) -> Coalesce:
    return Coalesce(
        Subquery(
            queryset.order_by().values("document_id").annotate(s=Sum("amount")).values("s")[:1]
        ),
        ZERO,
    )


def _row_count(queryset: QuerySet[Any]) -> Coalesce:
    return Coalesce(
        Subquery(queryset.order_by().values("document_id").annotate(n=Count("id")).values("n")[:1]),
        0,
    )


def documents_check() -> Iterator[Finding]:
    own = ContributionLine.objects.filter(
        document=OuterRef("pk"), line_no__isnull=False, reverses__isnull=True
    ).exclude(Exists(QuarantinedLine.objects.filter(corrected_line=OuterRef("pk"))))
    quarantined = QuarantinedLine.objects.filter(document=OuterRef("pk"))
    documents = PaymentDocument.objects.annotate(
        own_count=_row_count(own),
        own_sum=_money_sum(own),
        quarantined_count=_row_count(quarantined),
        quarantined_sum=_money_sum(quarantined),
        unreadable=_row_count(quarantined.filter(amount__isnull=True)),
    ).values_list(
        "pk",
        "reference",
        "total",
        "lines_accepted",
        "amount_accepted",
        "lines_rejected",
        "own_count",
        "own_sum",
        "quarantined_count",
        "quarantined_sum",
        "unreadable",
    )
    for pk, ref, total, accepted, amount, rejected, n, s, qn, qs, unreadable in documents.order_by(
        "pk"
    ).iterator(chunk_size=_CHUNK):
        subject = f"document {pk} ({ref})"
        if (n, s) != (accepted, amount):
            yield Finding(
                "document_total",
                subject,
                f"{n} lines summing to {s:.2f} on the ledger; the document says "
                f"{accepted} accepted for {amount:.2f}.",
            )
        if qn != rejected:
            yield Finding(
                "document_total", subject, f"{qn} quarantined lines for {rejected} rejected."
            )
        if not unreadable and s + qs != total:
            yield Finding(
                "document_total",
                subject,
                f"accepted {s:.2f} + quarantined {qs:.2f} = {s + qs:.2f}, not the total "
                f"{total:.2f}.",
            )
    moved = QuarantinedLine.objects.filter(corrected_line__isnull=False).exclude(
        corrected_line__amount=F("amount"), corrected_line__document_id=F("document_id")
    )
    for pk, line_no, document_id in moved.values_list("pk", "line_no", "document_id"):
        yield Finding(
            "document_total",
            f"document {document_id} line {line_no}",
            f"quarantined line {pk} was corrected into a ledger line of another amount or "
            "document.",
        )


_SAME_AS_LINE = ("document_id", "person_id", "payer_id", "period", "kind", "value_date")


def reversals_check() -> Iterator[Finding]:
    reversals = ContributionLine.objects.filter(reverses__isnull=False).values_list(
        "pk",
        "amount",
        "reverses_id",
        "reverses__amount",
        "reverses__reverses_id",
        *_SAME_AS_LINE,
        *(f"reverses__{name}" for name in _SAME_AS_LINE),
    )
    width = len(_SAME_AS_LINE)
    for row in reversals.order_by("pk").iterator(chunk_size=_CHUNK):
        pk, amount, target, line_amount, line_reverses = row[:5]
        subject = f"reversal {pk}"
        if line_amount is None:  # the outer join found no line
            yield Finding("reversal", subject, f"reverses line {target}, which does not exist.")
            continue
        if line_reverses is not None:
            yield Finding("reversal", subject, f"reverses line {target}, itself a reversal.")
        if not ZERO < -amount <= line_amount:
            yield Finding(
                "reversal",
                subject,
                f"takes back {-amount:.2f} of line {target}, which carries {line_amount:.2f}.",
            )
        own, line = row[5 : 5 + width], row[5 + width :]
        differing = [name for name, a, b in zip(_SAME_AS_LINE, own, line, strict=True) if a != b]
        if differing:
            yield Finding(
                "reversal",
                subject,
                f"differs from line {target} in {', '.join(differing)}.",
            )


def orphans_check() -> Iterator[Finding]:
    for name, model in (("person", Person), ("payer", Payer), ("document", PaymentDocument)):
        orphans = ContributionLine.objects.filter(**{f"{name}_id__isnull": False}).exclude(
            Exists(model.objects.filter(pk=OuterRef(f"{name}_id")))
        )
        for pk, target in orphans.values_list("pk", f"{name}_id")[:100]:
            yield Finding("orphan", f"line {pk}", f"names {name} {target}, which does not exist.")
    twice = (
        ContributionLine.objects.order_by()
        .values("id")
        .annotate(n=Count("*"))
        .filter(n__gt=1)
        .values_list("id", "n")
    )
    if connection.vendor == "postgresql":  # elsewhere id is the primary key alone
        for pk, n in twice[:100]:
            yield Finding("line_id", f"line {pk}", f"{n} lines have this id.")


def _award_chunks() -> Iterator[list[int]]:
    """The awards' ids a thousand at a time, by keyset: no list of every id is held."""
    last = 0
    while True:
        chunk = list(
            Award.objects.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:_CHUNK]
        )
        if not chunk:
            return
        yield chunk
        last = chunk[-1]


def amount_series_check(*, today: date | None = None) -> Iterator[Finding]:
    today = today or timezone.localdate()
    for chunk in _award_chunks():
        for award_id, entitlement in entitlements(chunk).items():
            for month in entitlement.months(through=today):
                if entitlement.amount_in_force(month) is None:
                    yield Finding(
                        "amount_series",
                        f"award {award_id} {month:%Y-%m}",
                        "a month of the right with no amount in force.",
                    )
                    break


def award_months_check() -> Iterator[Finding]:
    """The settled months: those of a run completed after the award was made (``totals_at``
    is when the run's last batch job finished). Read a thousand awards at a time, each read a
    few queries for all of them, so that it runs on a national book of awards."""
    runs = [
        (period, totals_at)
        for period, totals_at in PaymentRun.objects.order_by("period").values_list(
            "period", "totals_at"
        )
        if totals_at is not None
    ]
    for chunk in _award_chunks():
        created = dict(Award.objects.filter(pk__in=chunk).values_list("pk", "created_at"))
        months = awards_months(chunk)
        accounts = dict(
            AwardAccount.objects.filter(award_id__in=chunk).values_list("award_id", "balance")
        )
        overpaid = _sums_by_award(Overpayment, chunk)
        recovered = _sums_by_award(Recovery, chunk)
        for award_id in chunk:
            yield from _award_findings(
                award_id=award_id,
                months=months[award_id],
                settled=max(
                    (period for period, closed_at in runs if closed_at >= created[award_id]),
                    default=None,
                ),
                owed_back=overpaid.get(award_id, ZERO) - recovered.get(award_id, ZERO),
                overpaid=overpaid.get(award_id, ZERO),
                recovered=recovered.get(award_id, ZERO),
                balance=accounts.get(award_id, ZERO),
            )


def _sums_by_award(model: Any, award_ids: list[int]) -> dict[int, Decimal]:
    return dict(
        model.objects.filter(award_id__in=award_ids)
        .values("award_id")
        .annotate(total=Sum("amount"))
        .values_list("award_id", "total")
    )


def _award_findings(
    *,
    award_id: int,
    months: list[MonthRow],
    settled: date | None,
    owed_back: Decimal,
    overpaid: Decimal,
    recovered: Decimal,
    balance: Decimal,
) -> Iterator[Finding]:
    for month in months:
        if settled is not None and month.period <= settled and month.difference:
            yield Finding(
                "award_month",
                f"award {award_id} {month.period:%Y-%m}",
                f"due {month.due:.2f}, paid {month.paid:.2f}, top-ups "
                f"{month.top_up + month.top_up_pending:.2f}, overpaid {month.overpaid:.2f}: "
                f"{month.difference:.2f} unaccounted for.",
            )
    if owed_back != balance:
        yield Finding(
            "award_month",
            f"award {award_id}",
            f"overpaid {overpaid:.2f} less recovered {recovered:.2f} is {owed_back:.2f}; the "
            f"account's balance is {balance:.2f}.",
        )
