"""The payout file for the State Corporation: an MT-102 document of one benefit's payments.

The fund is the payer; the State Corporation "Government for Citizens" receives the money and
pays each person; the KNP names the benefit (docs/mt102.md).

The file is written by the streaming MT-102 writer of ``contributions`` in two stages, since
the closing job commits its lines chunk by chunk: each chunk's lines become a part (the
writer's line blocks, numbered on from the lines already written), and the last step writes
the header, copies the parts in order and writes the total.
"""

from collections.abc import Iterable
from decimal import Decimal
from typing import Any, BinaryIO

from contributions.mt102.build import Header, Mt102Writer, fund_as_payer
from payouts.models import Payment, PayoutFile


def payout_header(payout_file: PayoutFile) -> Header:
    period = payout_file.run.period
    return Header(
        reference=payout_file.reference,
        knp=payout_file.knp,
        value_date=period,
        default_period=period,
        assign_text=f"СОЦИАЛЬНЫЕ ВЫПЛАТЫ ЗА {period:%m%Y} КНП {payout_file.knp}",
        list_type="S",
        **fund_as_payer(),
    )


def payout_line(payment: Payment) -> dict[str, Any]:
    """``Mt102Writer.write_line``'s arguments for one payment."""
    person = payment.award.person
    return {
        "iin": person.iin,
        "surname": person.surname or "-",
        "first_name": person.first_name or "-",
        "patronymic": person.patronymic,
        "birth_date": person.birth_date,
        "amount": payment.payable,
        "period": payment.period,
    }


class _LinesOnly:
    """The part's stream: the writer writes its header once, first; a part keeps the rest."""

    def __init__(self, stream: BinaryIO) -> None:
        self._stream = stream
        self._header_passed = False

    def write(self, data: bytes) -> int:
        if not self._header_passed:
            self._header_passed = True
            return len(data)
        return self._stream.write(data)


def payout_lines_write(
    *, payout_file: PayoutFile, payments: Iterable[Payment], after: int, stream: BinaryIO
) -> Decimal:
    """Write the lines of these payments, numbered from ``after + 1``; their total."""
    writer = Mt102Writer(_LinesOnly(stream), payout_header(payout_file))  # type: ignore[arg-type]
    writer.lines = after
    for payment in payments:
        writer.write_line(**payout_line(payment))
    return writer.total


def payout_document_write(
    *, payout_file: PayoutFile, parts: Iterable[bytes], total: Decimal, stream: BinaryIO
) -> None:
    """The whole file: the header, the parts' bytes in order, then ``total``."""
    writer = Mt102Writer(stream, payout_header(payout_file))
    for chunk in parts:
        stream.write(chunk)
    writer.close(total=total)
