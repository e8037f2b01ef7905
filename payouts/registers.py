"""The register of a payout file: the same lines, in the same order, as a CSV for people.

A closed month's lines never change (payments are append-only and a closed run takes no new
line), so the register read from the ledger is the file's list, line for line. It is streamed
row by row: a register of a million lines never sits in memory.
"""

import csv
from collections.abc import Iterator

from django.utils.translation import gettext as _

from payouts.models import Payment, PayoutFile

ROWS_PER_READ = 2000


class _Echo:
    """csv.writer's file: each write returns the row's text instead of storing it."""

    def write(self, text: str) -> str:
        return text


def payout_register_csv(*, payout_file: PayoutFile) -> Iterator[bytes]:
    """UTF-8 CSV (with a byte-order mark, so spreadsheet programs read Cyrillic), total last."""
    writer = csv.writer(_Echo())
    yield "\ufeff".encode()
    yield writer.writerow(
        [
            _("No."),
            _("IIN"),
            _("Surname"),
            _("First name"),
            _("Patronymic"),
            _("Month paid for"),
            _("Amount"),
        ]
    ).encode()
    payments = (
        Payment.objects.filter(run=payout_file.run_id, benefit=payout_file.benefit, payable__gt=0)
        .order_by("pk")
        .values_list(
            "award__person__iin",
            "award__person__surname",
            "award__person__first_name",
            "award__person__patronymic",
            "period",
            "payable",
        )
    )
    for position, (iin, surname, first_name, patronymic, period, payable) in enumerate(
        payments.iterator(chunk_size=ROWS_PER_READ), start=1
    ):
        row = [position, iin, surname, first_name, patronymic, f"{period:%Y-%m}", payable]
        yield writer.writerow(row).encode()
    yield writer.writerow(["", "", "", "", "", _("Total"), payout_file.total]).encode()


def register_filename(payout_file: PayoutFile) -> str:
    return f"{payout_file.reference}-register.csv"


def document_filename(payout_file: PayoutFile) -> str:
    return f"{payout_file.reference}.txt"
