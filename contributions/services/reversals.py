"""Taking money off the ledger and putting it back, append-only (refunds, bank returns).

A reversal is a new row with the negative amount, ``reverses`` pointing at the line, and the
line's document, person, payer, period, kind and value date, so that every sum (income, stazh,
penalties, statements) nets it out with no special case. Money the bank sent back after a
refund comes back as a new positive row of the same document: the reversal stays where it is.
Either way the penalties of an assessed document follow in the same transaction
(``penalties_reassess``): a refunded line no longer counts in them, a returned one again.
"""

from datetime import date
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from contributions.models import ContributionLine, QuarantinedLine
from contributions.services.penalties import penalties_reassess
from gfss.common import display
from gfss.common.exceptions import ConflictError
from gfss.common.signals import data_changed
from gfss.org.actors import Actor


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
def contribution_lines_reverse(*, amounts: dict[int, Decimal]) -> dict[int, int]:
    """One reversal row per line id, for the amount given (at most the line's); returns the
    id of each line's reversal. A line reversed before raises (the one-to-one ``reverses``).
    On PostgreSQL one INSERT ... SELECT writes them all (a payout order reverses thousands)."""
    if connection.vendor == "postgresql":
        reversals, changed = _reverse_in_sql(amounts)
    else:
        lines = ContributionLine.objects.in_bulk(list(amounts))
        rows = {}
        for line_id, amount in amounts.items():
            line = lines.get(line_id)
            if line is None or not 0 < amount <= line.amount or line.reverses_id is not None:
                raise _invalid(line_id, amount)
            rows[line_id] = _copy(line, amount=-amount, reverses=line_id)
        ContributionLine.objects.bulk_create(rows.values())
        reversals = {line_id: row.pk for line_id, row in rows.items()}
        changed = {(row.document_id, row.period) for row in rows.values()}
    penalties_reassess(changed=changed)
    transaction.on_commit(lambda: data_changed.send(sender=ContributionLine, what="reversal"))
    return reversals


def _invalid(line_id: int, amount: Decimal) -> ConflictError:
    return ConflictError(
        _("Line %(line_id)s cannot be reversed by %(amount)s.")
        % {"line_id": line_id, "amount": display.money(amount)},
        code="reversal_invalid",
    )


def _reverse_in_sql(
    amounts: dict[int, Decimal],
) -> tuple[dict[int, int], set[tuple[int | None, date]]]:
    ids = list(amounts)
    table = ContributionLine._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (document_id, person_id, payer_id, period, amount, kind,"
            " value_date, reverses_id, created_at, updated_at)"
            " SELECT c.document_id, c.person_id, c.payer_id, c.period, -v.amount, c.kind,"
            " c.value_date, c.id, now(), now()"
            f" FROM unnest(%s::bigint[], %s::numeric[]) AS v(id, amount) JOIN {table} c"
            " ON c.id = v.id"
            " WHERE c.reverses_id IS NULL AND v.amount > 0 AND v.amount <= c.amount"
            " RETURNING reverses_id, id, document_id, period",
            [ids, [amounts[i] for i in ids]],
        )
        returned = cursor.fetchall()
    reversals = {line_id: reversal_id for line_id, reversal_id, _d, _p in returned}
    if len(reversals) != len(amounts):
        line_id = next(i for i in ids if i not in reversals)
        raise _invalid(line_id, amounts[line_id])
    return reversals, {(document_id, period) for _l, _r, document_id, period in returned}


@transaction.atomic
def contribution_lines_reenter(*, reversal_ids: list[int]) -> dict[int, ContributionLine]:
    """For each reversal id, a new line putting its money back; returns them by reversal."""
    reversals = ContributionLine.objects.in_bulk(reversal_ids)
    rows = {}
    for reversal_id in reversal_ids:
        reversal = reversals[reversal_id]
        if reversal.reverses_id is None:
            raise ConflictError(
                _("Line %(reversal_id)s is not a reversal.") % {"reversal_id": reversal_id},
                code="reversal_invalid",
            )
        rows[reversal_id] = _copy(reversal, amount=-reversal.amount, reverses=None)
    ContributionLine.objects.bulk_create(rows.values())
    penalties_reassess(changed={(row.document_id, row.period) for row in rows.values()})
    transaction.on_commit(lambda: data_changed.send(sender=ContributionLine, what="reversal"))
    return rows


def quarantined_lines_refund(*, actor: Actor, line_ids: list[int]) -> int:
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
