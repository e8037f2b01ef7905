"""Taking money off the ledger and putting it back, append-only (refunds, bank returns).

A reversal is a new row with the negative amount, ``reverses`` pointing at the line, and the
line's document, person, payer, period, kind and value date, so that every sum (income, stazh,
penalties, statements) nets it out with no special case. Money the bank sent back after a
refund comes back as a new positive row of the same document: the reversal stays where it is.
"""

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from contributions.models import ContributionLine, QuarantinedLine
from gfss.common.exceptions import ConflictError
from gfss.common.signals import data_changed


def _copy(line: ContributionLine, *, amount: Decimal, reverses: int | None) -> ContributionLine:
    return ContributionLine(
        document_id=line.document_id,
        person_id=line.person_id,
        payer_id=line.payer_id,
        period=line.period,
        amount=amount,
        kind=line.kind,
        value_date=line.value_date,
        reverses_id=reverses,
    )


@transaction.atomic
def contribution_lines_reverse(*, amounts: dict[int, Decimal]) -> dict[int, ContributionLine]:
    """One reversal row per line id, for the amount given (at most the line's); returns the
    reversal of each line. A line reversed before raises (the one-to-one ``reverses``)."""
    lines = ContributionLine.objects.in_bulk(list(amounts))
    rows = {}
    for line_id, amount in amounts.items():
        line = lines[line_id]
        if not 0 < amount <= line.amount or line.reverses_id is not None:
            raise ConflictError(
                f"Line {line_id} cannot be reversed by {amount}.", code="reversal_invalid"
            )
        rows[line_id] = _copy(line, amount=-amount, reverses=line_id)
    ContributionLine.objects.bulk_create(rows.values())
    transaction.on_commit(lambda: data_changed.send(sender=ContributionLine, what="reversal"))
    return rows


@transaction.atomic
def contribution_lines_reenter(*, reversal_ids: list[int]) -> dict[int, ContributionLine]:
    """For each reversal id, a new line putting its money back; returns them by reversal."""
    reversals = ContributionLine.objects.in_bulk(reversal_ids)
    rows = {}
    for reversal_id in reversal_ids:
        reversal = reversals[reversal_id]
        if reversal.reverses_id is None:
            raise ConflictError(f"Line {reversal_id} is not a reversal.", code="reversal_invalid")
        rows[reversal_id] = _copy(reversal, amount=-reversal.amount, reverses=None)
    ContributionLine.objects.bulk_create(rows.values())
    transaction.on_commit(lambda: data_changed.send(sender=ContributionLine, what="reversal"))
    return rows


def quarantined_lines_refund(*, actor: Any, line_ids: list[int]) -> int:
    """Refunded quarantined lines leave the quarantine with that outcome."""
    return QuarantinedLine.objects.filter(
        pk__in=line_ids, status=QuarantinedLine.Status.OPEN
    ).update(
        status=QuarantinedLine.Status.REFUNDED,
        resolved_by=actor,
        resolved_at=timezone.now(),
        updated_at=timezone.now(),
    )


def quarantined_lines_reopen(*, line_ids: list[int]) -> int:
    """The bank returned their refund: the money is in quarantine again."""
    return QuarantinedLine.objects.filter(
        pk__in=line_ids, status=QuarantinedLine.Status.REFUNDED
    ).update(
        status=QuarantinedLine.Status.OPEN,
        resolved_by=None,
        resolved_at=None,
        updated_at=timezone.now(),
    )
