"""Write MT-102 documents (docs/mt102.md, "Layout"): test files, benchmark and demo data, and
payment files of the fund's own (refund payout orders with KNP 026 / 094, benefit payouts).

The defaults address the State Corporation "Government for Citizens", which receives social
contributions for the fund; a payout file passes its own beneficiary, account, BIC and KNP.
"""

import io
import textwrap
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, BinaryIO, TypedDict

from django.conf import settings

from contributions.mt102.parse import MAX_REFERENCE_LENGTH

STATE_CORPORATION_BIC = "GCVPKZ2A"
STATE_CORPORATION_ACCOUNT = "KZ67009SS00368609110"
STATE_CORPORATION_BIN = "160440007161"
STATE_CORPORATION_NAME = 'НАО "ГОСКОРПОРАЦИЯ "ПРАВИТЕЛЬСТВО ДЛЯ ГРАЖДАН"'
SOCIAL_CONTRIBUTIONS_KNP = "012"
NOT_PROVIDED = "НЕ ПРЕДУСМОТРЕН"
# [D] The fund's own account details are not in the spec: a real installation sets them in
# settings (GFSS_PAYOUT_ACCOUNT); these defaults only make demo files well-formed.
FUND_DEFAULTS = {
    "idn": "970740001013",
    "name": 'АО "ГОСУДАРСТВЕННЫЙ ФОНД СОЦИАЛЬНОГО СТРАХОВАНИЯ"',
    "account": "KZ71009SS00368609111",
    "bic": "NBRKKZKX",
}
_ASSIGN_WIDTH = 70
_ASSIGN_MAX_LINES = 7


class FundAsPayer(TypedDict):
    payer_idn: str
    payer_name: str
    payer_account: str
    payer_bank_bic: str


def fund_as_payer() -> FundAsPayer:
    """The ``Header`` fields that make the fund the payer of a document of its own."""
    fund = {**FUND_DEFAULTS, **getattr(settings, "GFSS_PAYOUT_ACCOUNT", {})}
    return {
        "payer_idn": fund["idn"],
        "payer_name": fund["name"],
        "payer_account": fund["account"],
        "payer_bank_bic": fund["bic"],
    }


def format_amount(amount: Decimal) -> str:
    """``Decimal("13625.2")`` to ``13625,20``."""
    return f"{amount:.2f}".replace(".", ",")


def format_period(period: date) -> str:
    return f"{period:%m%Y}"


@dataclass(frozen=True)
class Header:
    """The payment order: who pays whom, why and when (everything but the lines)."""

    reference: str
    payer_idn: str
    knp: str
    value_date: date
    payer_name: str = 'ТОО "ПРИМЕР-СЕРВИС"'
    payer_account: str = "KZ18722S000012345678"
    payer_bank_bic: str = "CASPKZKA"
    chief: str = NOT_PROVIDED
    chief_accountant: str = NOT_PROVIDED
    beneficiary_bank: str = STATE_CORPORATION_BIC
    beneficiary_account: str = STATE_CORPORATION_ACCOUNT
    beneficiary_name: str = STATE_CORPORATION_NAME
    beneficiary_idn: str = STATE_CORPORATION_BIN
    order_number: str = "1"
    order_date: date | None = None
    default_period: date | None = None
    assign_text: str | None = None
    list_type: str = "S"


class Mt102Writer:
    """Writes one MT-102 document to a binary file-like object as the lines come, so that a
    document of any size is written in constant memory: the header at once, a block per
    ``write_line``, the ``:32A:`` total at ``close``.

    Dates and ``Decimal`` amounts are formatted; ``str`` values are written as given, so that
    tests can write malformed files (pass the total to ``close`` then).
    """

    def __init__(
        self, stream: BinaryIO, header: Header, *, encoding: str = "utf-8", line_end: str = "\r\n"
    ) -> None:
        if not 0 < len(header.reference) <= MAX_REFERENCE_LENGTH:
            raise ValueError(f"reference must have 1 to {MAX_REFERENCE_LENGTH} characters")
        self._stream = stream
        self._header = header
        self._encoding = encoding
        self._line_end = line_end
        self.lines = 0
        self.total = Decimal("0.00")
        self._text_amounts = False
        self._write(_header_lines(header))

    def _write(self, lines: Iterable[str]) -> None:
        self._stream.write("".join(line + self._line_end for line in lines).encode(self._encoding))

    def write_line(
        self,
        *,
        iin: str,
        surname: str,
        first_name: str,
        amount: Decimal | str,
        patronymic: str | None = None,
        birth_date: date | str | None = None,
        period: date | str | None = None,
    ) -> None:
        self.lines += 1
        if isinstance(amount, Decimal):
            self.total += amount
            amount = format_amount(amount)
        else:
            self._text_amounts = True
        out = [
            f":21:{self.lines}",
            f":32B:KZT{amount}",
            f":70:/OPV/{self._header.list_type}",
            f"/FM/{surname}",
            f"/NM/{first_name}",
            f"/FT/{patronymic or '-'}",
        ]
        if birth_date is not None:
            out.append(
                f"/DT/{birth_date:%Y%m%d}" if isinstance(birth_date, date) else f"/DT/{birth_date}"
            )
        out.append(f"/IDN/{iin}")
        if period is not None:
            out.append(f"/PERIOD/{format_period(period) if isinstance(period, date) else period}")
        self._write(out)

    def close(self, *, total: Decimal | None = None) -> Decimal:
        """Write the value date and the total (the sum of the lines unless given); return it."""
        if total is None and self._text_amounts:
            raise ValueError("a line has a text amount: pass the document total")
        document_total = self.total if total is None else total
        self._write(
            [f":32A:{self._header.value_date:%y%m%d}KZT{format_amount(document_total)}", "-}"]
        )
        return document_total


def _header_lines(header: Header) -> list[str]:
    assign_text = header.assign_text
    if assign_text is None:
        assign_text = "СОЦИАЛЬНЫЕ ОТЧИСЛЕНИЯ"
        if header.default_period is not None:
            assign_text += f" ЗА {format_period(header.default_period)}"
    out = [
        "{1:F01K054700000000001000001}",
        "{2:I102SGROSS000000U3003}",
        "{4:",
        f":20:{header.reference}",
        f":50:/D/{header.payer_account}",
        f"/NAME/{header.payer_name}",
        f"/IDN/{header.payer_idn}",
        f"/CHIEF/{header.chief}",
        f"/MAINBK/{header.chief_accountant}",
        "/IRS/1",
        "/SECO/7",
        f":52B:{header.payer_bank_bic}",
        f":57B:{header.beneficiary_bank}",
        f":59:{header.beneficiary_account}",
        f"/NAME/{header.beneficiary_name}",
        f"/IDN/{header.beneficiary_idn}",
        "/IRS/1",
        "/SECO/1",
        f":70:/NUM/{header.order_number}",
        f"/DATE/{header.order_date or header.value_date:%y%m%d}",
        "/SEND/07",
        "/VO/01",
        f"/KNP/{header.knp}",
        "/PSO/01",
        "/PRT/05",
    ]
    if header.default_period is not None:
        out.append(f"/PERIOD/{format_period(header.default_period)}")
    out.extend(_assign_lines(assign_text))
    return out


def build_document(
    *,
    lines: Iterable[Mapping[str, Any]],
    total: Decimal | None = None,
    encoding: str = "utf-8",
    line_end: str = "\r\n",
    **header: Any,
) -> bytes:
    """One MT-102 document as bytes (``Mt102Writer`` into memory): ``header`` holds the
    ``Header`` fields; each line is a mapping of ``Mt102Writer.write_line``'s arguments."""
    stream = io.BytesIO()
    writer = Mt102Writer(stream, Header(**header), encoding=encoding, line_end=line_end)
    for line in lines:
        writer.write_line(
            iin=line["iin"],
            surname=line["surname"],
            first_name=line["first_name"],
            amount=line["amount"],
            patronymic=line.get("patronymic"),
            birth_date=line.get("birth_date"),
            period=line.get("period"),
        )
    writer.close(total=total)
    return stream.getvalue()


def _assign_lines(text: str) -> list[str]:
    """/ASSIGN/ and its continuation lines, at most 7 lines of 70 characters."""
    # One character short of 70, to leave room for the space below.
    wrapped = textwrap.wrap(f"/ASSIGN/{text}", width=_ASSIGN_WIDTH - 1, break_on_hyphens=False)
    # A continuation line must not look like a code word or a tag.
    lines = [wrapped[0]] + [" " + chunk if chunk[0] in "/:" else chunk for chunk in wrapped[1:]]
    if len(lines) > _ASSIGN_MAX_LINES:
        raise ValueError(f"the purpose text needs {len(lines)} lines; at most 7 are allowed")
    return lines
