"""Write MT-102 documents (docs/mt102.md, "Layout"): test files, benchmark and demo data, and
payment files of the fund's own.

The defaults address the State Corporation "Government for Citizens", which receives social
contributions for the fund; a payout file passes its own beneficiary, account, BIC and KNP.
"""

import textwrap
from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from contributions.mt102.parse import MAX_REFERENCE_LENGTH

STATE_CORPORATION_BIC = "GCVPKZ2A"
STATE_CORPORATION_ACCOUNT = "KZ67009SS00368609110"
STATE_CORPORATION_BIN = "160440007161"
STATE_CORPORATION_NAME = 'НАО "ГОСКОРПОРАЦИЯ "ПРАВИТЕЛЬСТВО ДЛЯ ГРАЖДАН"'
SOCIAL_CONTRIBUTIONS_KNP = "012"
NOT_PROVIDED = "НЕ ПРЕДУСМОТРЕН"
_ASSIGN_WIDTH = 70
_ASSIGN_MAX_LINES = 7


def format_amount(amount: Decimal) -> str:
    """``Decimal("13625.2")`` to ``13625,20``."""
    return f"{amount:.2f}".replace(".", ",")


def format_period(period: date) -> str:
    return f"{period:%m%Y}"


def build_document(
    *,
    reference: str,
    payer_idn: str,
    knp: str,
    value_date: date,
    lines: Iterable[Mapping[str, Any]],
    payer_name: str = 'ТОО "ПРИМЕР-СЕРВИС"',
    payer_account: str = "KZ18722S000012345678",
    payer_bank_bic: str = "CASPKZKA",
    chief: str = NOT_PROVIDED,
    chief_accountant: str = NOT_PROVIDED,
    beneficiary_bank: str = STATE_CORPORATION_BIC,
    beneficiary_account: str = STATE_CORPORATION_ACCOUNT,
    beneficiary_name: str = STATE_CORPORATION_NAME,
    beneficiary_idn: str = STATE_CORPORATION_BIN,
    order_number: str = "1",
    order_date: date | None = None,
    default_period: date | None = None,
    assign_text: str | None = None,
    list_type: str = "S",
    total: Decimal | None = None,
    encoding: str = "utf-8",
    line_end: str = "\r\n",
) -> bytes:
    """One MT-102 document as bytes, with ``:32A:`` the sum of the lines unless ``total`` says
    otherwise.

    Each line is a mapping with ``iin``, ``surname``, ``first_name``, ``amount`` and optionally
    ``patronymic``, ``birth_date`` and ``period`` (a line without a period takes
    ``default_period``). Dates and ``Decimal`` amounts are formatted; ``str`` values are written
    as given, so that tests can write malformed files (pass ``total`` then).
    """
    if not 0 < len(reference) <= MAX_REFERENCE_LENGTH:
        raise ValueError(f"reference must have 1 to {MAX_REFERENCE_LENGTH} characters")
    if assign_text is None:
        assign_text = "СОЦИАЛЬНЫЕ ОТЧИСЛЕНИЯ"
        if default_period is not None:
            assign_text += f" ЗА {format_period(default_period)}"
    out = [
        "{1:F01K054700000000001000001}",
        "{2:I102SGROSS000000U3003}",
        "{4:",
        f":20:{reference}",
        f":50:/D/{payer_account}",
        f"/NAME/{payer_name}",
        f"/IDN/{payer_idn}",
        f"/CHIEF/{chief}",
        f"/MAINBK/{chief_accountant}",
        "/IRS/1",
        "/SECO/7",
        f":52B:{payer_bank_bic}",
        f":57B:{beneficiary_bank}",
        f":59:{beneficiary_account}",
        f"/NAME/{beneficiary_name}",
        f"/IDN/{beneficiary_idn}",
        "/IRS/1",
        "/SECO/1",
        f":70:/NUM/{order_number}",
        f"/DATE/{order_date or value_date:%y%m%d}",
        "/SEND/07",
        "/VO/01",
        f"/KNP/{knp}",
        "/PSO/01",
        "/PRT/05",
    ]
    if default_period is not None:
        out.append(f"/PERIOD/{format_period(default_period)}")
    out.extend(_assign_lines(assign_text))
    computed_total = Decimal("0.00")
    for position, line in enumerate(lines, start=1):
        amount = line["amount"]
        if isinstance(amount, Decimal):
            computed_total += amount
            amount = format_amount(amount)
        elif total is None:
            raise ValueError(f"line {position} has a text amount: pass the document total")
        out.append(f":21:{position}")
        out.append(f":32B:KZT{amount}")
        out.append(f":70:/OPV/{list_type}")
        out.append(f"/FM/{line['surname']}")
        out.append(f"/NM/{line['first_name']}")
        out.append(f"/FT/{line.get('patronymic') or '-'}")
        birth_date = line.get("birth_date")
        if birth_date is not None:
            out.append(
                f"/DT/{birth_date:%Y%m%d}" if isinstance(birth_date, date) else f"/DT/{birth_date}"
            )
        out.append(f"/IDN/{line['iin']}")
        period = line.get("period")
        if period is not None:
            out.append(f"/PERIOD/{format_period(period) if isinstance(period, date) else period}")
    document_total = computed_total if total is None else total
    out.append(f":32A:{value_date:%y%m%d}KZT{format_amount(document_total)}")
    out.append("-}")
    out.append("")
    return line_end.join(out).encode(encoding)


def _assign_lines(text: str) -> list[str]:
    """/ASSIGN/ and its continuation lines, at most 7 lines of 70 characters."""
    # One character short of 70, to leave room for the space below.
    wrapped = textwrap.wrap(f"/ASSIGN/{text}", width=_ASSIGN_WIDTH - 1, break_on_hyphens=False)
    # A continuation line must not look like a code word or a tag.
    lines = [wrapped[0]] + [" " + chunk if chunk[0] in "/:" else chunk for chunk in wrapped[1:]]
    if len(lines) > _ASSIGN_MAX_LINES:
        raise ValueError(f"the purpose text needs {len(lines)} lines; at most 7 are allowed")
    return lines
