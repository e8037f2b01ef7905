"""The automatic check of a refund application, line by line (issue "the automatic check").

Each line gets one code: passed (``ok``, ``quarantined``, ``duplicate_confirmed``) or failed,
with the data its message needs. The check reads in a constant number of set-based queries
whatever the number of lines (at most 20 people), so it runs on arrival inside the request:
one for the persons, their payments in the document and the claims on them, one for the
awards that counted their months, one for the document's quarantined lines (and one for their
claims when there are any).
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, TypedDict

from django.db.models import FilteredRelation, Q
from django.utils.translation import gettext_lazy as _

from benefits.models import Award
from benefits.models.awards import BenefitType
from benefits.selectors import award_counted_windows
from contributions.models import ContributionLine, PaymentDocument, QuarantinedLine
from gfss.common import display
from participants.models import Person
from refunds.models import Reason, RefundLine

PASSED = frozenset({"ok", "quarantined", "duplicate_confirmed"})

CHECK_MESSAGES = {
    "ok": _("Paid in this document; refundable."),
    "quarantined": _(
        "In quarantine (line %(line_no)s of the document); quarantined money is refundable."
    ),
    "duplicate_confirmed": _(
        "Paid twice: the same amount for this person and month also came in document "
        "%(other)s; refundable."
    ),
    "contribution_not_found": _(
        "Document %(reference)s carries no payment for IIN %(iin)s for %(period)s."
    ),
    "duplicate_in_application": _(
        "The same person and month are already on line %(first)s of this application."
    ),
    "already_refunded": _("This payment was already refunded (application %(application)s)."),
    "in_open_application": _(
        "This payment is already claimed in another open application %(application)s."
    ),
    "amount_over_paid": _("%(amount)s is asked back, but %(paid)s was paid."),
    "counted_in_award": _(
        "The month was counted in an award (%(benefit)s from %(start)s): a counted contribution "
        "is not refundable (Social Code Art. 247 p.2)."
    ),
    "duplicate_not_found": _(
        "The reason is a duplicate payment, but this payer paid %(amount)s for this person and "
        "month only once."
    ),
}


def check_message(code: str, data: dict[str, Any]) -> str:
    """The message of a check result in the active language, its money and dates written the
    language's way (the data keeps them as plain decimals and ISO dates)."""
    if not data:
        return str(CHECK_MESSAGES[code])
    shown = dict(data)
    if "benefit" in shown:
        shown["benefit"] = BenefitType(shown["benefit"]).label
    if "start" in shown:
        shown["start"] = display.day(shown["start"])
    for key in ("amount", "paid"):
        if key in shown:
            shown[key] = display.money(shown[key])
    return str(CHECK_MESSAGES[code]) % shown


@dataclass(frozen=True)
class LineInput:
    line_no: int
    iin: str
    period: date
    amount: Decimal


@dataclass(frozen=True)
class LineVerdict:
    code: str
    person_id: int | None = None
    contribution_id: int | None = None
    quarantined_id: int | None = None
    award: Award | None = None
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def passed(self) -> bool:
        return self.code in PASSED


class _Source(TypedDict, total=False):
    """What a verdict is about: the person, and the ledger line or the quarantined one."""

    person_id: int | None
    contribution_id: int | None
    quarantined_id: int | None


def _period_text(period: date) -> str:
    return f"{period:%m.%Y}"


def _claims_on_quarantined(quarantined_ids: set[int]) -> dict[int, tuple[str, str]]:
    """The live claims on these quarantined lines: (application number, its status)."""
    if not quarantined_ids:
        return {}
    rows = RefundLine.objects.filter(
        claim_active=True, quarantined_id__in=quarantined_ids
    ).values_list(
        "quarantined_id", "application__request_number", "application__uuid", "application__status"
    )
    return {line_id: (number or str(uuid), status) for line_id, number, uuid, status in rows}


def _persons_and_payments(
    *, document: PaymentDocument, iins: set[str], periods: set[date]
) -> tuple[dict[str, int], dict[tuple[int | None, date], dict[str, Any]]]:
    """In one query: the person of each IIN, what this document paid each of them for these
    months (its latest row: a re-entry after a bank return replaces the line it put back) and
    the live claim on it. A person the document did not pay comes with no payment."""
    rows = (
        Person.objects.filter(iin__in=iins)
        .annotate(
            paid=FilteredRelation(
                "contribution_lines",
                condition=Q(
                    contribution_lines__document_id=document.pk,
                    contribution_lines__period__in=periods,
                    contribution_lines__reverses__isnull=True,
                ),
            ),
        )
        .annotate(
            claim=FilteredRelation(
                "paid__refund_claims", condition=Q(paid__refund_claims__claim_active=True)
            )
        )
        .values_list(
            "iin",
            "pk",
            "paid__id",
            "paid__period",
            "paid__amount",
            "paid__value_date",
            "paid__kind",
            "claim__application__request_number",
            "claim__application__uuid",
            "claim__application__status",
        )
        .order_by("pk", "paid__id")
    )
    persons: dict[str, int] = {}
    ledger: dict[tuple[int | None, date], dict[str, Any]] = {}
    for iin, pk, line_id, period, amount, value_date, kind, number, uuid, status in rows:
        persons[iin] = pk
        if line_id is None:
            continue
        ledger[(pk, period)] = {
            "id": line_id,
            "amount": amount,
            "value_date": value_date,
            "kind": kind,
            "claim": (number or str(uuid), status) if uuid else None,
        }
    return persons, ledger


def check_lines(
    *, document: PaymentDocument, reason: str, lines: Sequence[LineInput]
) -> list[LineVerdict]:
    """The verdict on each line, in the order given."""
    iins = {line.iin for line in lines}
    periods = {line.period for line in lines}
    persons, ledger = _persons_and_payments(document=document, iins=iins, periods=periods)
    quarantine = {
        (row.iin_text.strip(), row.period): row
        for row in QuarantinedLine.objects.filter(
            document=document,
            iin_text__in=iins,
            period__in=periods,
            status__in=[QuarantinedLine.Status.OPEN, QuarantinedLine.Status.REFUNDED],
        ).order_by("line_no")
    }
    claims = {
        "contribution": {row["id"]: row["claim"] for row in ledger.values() if row["claim"]},
        "quarantined": _claims_on_quarantined({row.pk for row in quarantine.values()}),
    }
    windows = award_counted_windows(person_ids=list(persons.values())) if persons else {}
    duplicates = _duplicates(document=document, reason=reason, persons=persons, periods=periods)

    seen: dict[tuple[str, date], int] = {}
    verdicts = []
    for line in lines:
        key = (line.iin, line.period)
        person_id = persons.get(line.iin)
        if key in seen:
            verdicts.append(
                LineVerdict(
                    "duplicate_in_application", person_id=person_id, data={"first": seen[key]}
                )
            )
            continue
        seen[key] = line.line_no
        verdicts.append(
            _verdict(
                line=line,
                document=document,
                person_id=person_id,
                paid=ledger.get((person_id, line.period)),
                quarantined=quarantine.get(key),
                claims=claims,
                windows=windows.get(person_id, []) if person_id else [],
                duplicates=duplicates,
                reason=reason,
            )
        )
    return verdicts


def _duplicates(
    *, document: PaymentDocument, reason: str, persons: dict[str, int], periods: set[date]
) -> dict[tuple[int | None, date, Decimal], list[str]]:
    """For a duplicate-payment application: the payer's documents paying each person, month
    and amount (net of refunds)."""
    if reason != Reason.DUPLICATE_PAYMENT or not persons:
        return {}
    rows = ContributionLine.objects.filter(
        payer_id=document.payer_id,
        person_id__in=persons.values(),
        period__in=periods,
        reverses__isnull=True,
        reversal__isnull=True,
    ).values_list("person_id", "period", "amount", "document__reference")
    found: dict[tuple[int | None, date, Decimal], list[str]] = {}
    for person_id, period, amount, reference in rows:
        found.setdefault((person_id, period, amount), []).append(reference or "")
    return found


def _verdict(  # one return per check, in the order the officer reads them
    *,
    line: LineInput,
    document: PaymentDocument,
    person_id: int | None,
    paid: Mapping[str, Any] | None,
    quarantined: QuarantinedLine | None,
    claims: dict[str, dict],
    windows: list,
    duplicates: dict[tuple[int | None, date, Decimal], list[str]],
    reason: str,
) -> LineVerdict:
    if paid is None and quarantined is None:
        return LineVerdict(
            "contribution_not_found",
            person_id=person_id,
            data={
                "reference": document.reference,
                "iin": line.iin,
                "period": _period_text(line.period),
            },
        )
    if paid is None:
        assert quarantined is not None
        source: _Source = {"person_id": person_id, "quarantined_id": quarantined.pk}
        claim = claims["quarantined"].get(quarantined.pk)
        amount_paid = quarantined.amount or Decimal("0.00")
    else:
        source = {"person_id": person_id, "contribution_id": paid["id"]}
        claim = claims["contribution"].get(paid["id"])
        amount_paid = paid["amount"]
    if claim is not None:
        number, status = claim
        code = "already_refunded" if status in {"ordered", "paid"} else "in_open_application"
        return LineVerdict(code, **source, data={"application": number})
    if quarantined is not None and quarantined.status == QuarantinedLine.Status.REFUNDED:
        return LineVerdict("already_refunded", **source, data={"application": "—"})
    if line.amount > amount_paid:
        return LineVerdict(
            "amount_over_paid",
            **source,
            data={"amount": f"{line.amount:.2f}", "paid": f"{amount_paid:.2f}"},
        )
    if paid is not None and paid["kind"] == ContributionLine.Kind.CONTRIBUTION:
        for counted in windows:
            if counted.counts(period=line.period, value_date=paid["value_date"]):
                award = counted.award
                return LineVerdict(
                    "counted_in_award",
                    **source,
                    award=award,
                    data={
                        "award": str(award.uuid)[:8],
                        "award_uuid": str(award.uuid),
                        "benefit": award.benefit,
                        "start": award.start_date.isoformat(),
                    },
                )
    if reason == Reason.DUPLICATE_PAYMENT and paid is not None:
        references = duplicates.get((person_id, line.period, paid["amount"]), [])
        if len(references) < 2:
            return LineVerdict(
                "duplicate_not_found", **source, data={"amount": f"{paid['amount']:.2f}"}
            )
        other = next((r for r in references if r != document.reference), references[0])
        return LineVerdict("duplicate_confirmed", **source, data={"other": other})
    if paid is None:
        assert quarantined is not None
        return LineVerdict(
            "quarantined",
            **source,
            data={"line_no": quarantined.line_no},
        )
    return LineVerdict("ok", **source)
