"""The bank's report of a refund payout order: reading the file, nothing written.

The format (README, "The bank's report of a payout order") is a register of the order's MT-102
lines, one row per ``:21:`` block, separated by ``;`` (or ``,``), UTF-8 or KZ-1048::

    order;line;iin;period;amount;outcome;date;reason
    RF2612020001026;1;800416474029;052024;4000,00;paid;2026-12-03;
    RF2612020001026;2;870412300415;052024;1500,00;returned;2026-12-03;ACCOUNT CLOSED

``order`` is the order's reference (MT-102 field ``:20:``), ``line`` its ``:21:`` number,
``iin``, ``period`` (MMYYYY, as ``/PERIOD/``) and ``amount`` (as ``:32B:``, a comma or a point
before the two decimals) repeat what the order sent, ``outcome`` is ``paid`` or ``returned``,
``date`` (YYYY-MM-DD) the day the bank paid or returned the money, ``reason`` why it came back.
Any error refuses the whole file with a code and the row it was found on.
"""

import csv
import io
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from refunds.exceptions import RefundInputError

COLUMNS = ("order", "line", "iin", "period", "amount", "outcome", "date", "reason")
OUTCOMES = ("paid", "returned")
MAX_BYTES = 20 * 1024 * 1024
_AMOUNT = re.compile(r"^\d{1,15}[.,]\d{2}$")
_PERIOD = re.compile(r"^(0[1-9]|1[0-2])(\d{4})$")


@dataclass(frozen=True)
class ReportRow:
    row: int  # the file's line number, header = 1
    line_no: int
    iin: str
    period: date
    amount: Decimal
    outcome: str
    on: date
    reason: str


@dataclass(frozen=True)
class ParsedReport:
    reference: str
    rows: list[ReportRow]


def _text(content: bytes) -> str:
    if content.startswith(b"\xef\xbb\xbf"):
        content = content[3:]
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return content.decode("kz1048")
    except UnicodeDecodeError:
        raise RefundInputError(
            _("The bank's report is neither UTF-8 nor KZ-1048 text."),
            code="report_format_invalid",
        ) from None


def _invalid(row: int, what: str) -> RefundInputError:
    return RefundInputError(
        _("Row %(row)s of the bank's report: %(what)s") % {"row": row, "what": what},
        code="report_line_invalid",
        row=row,
    )


def _row(number: int, cells: list[str]) -> tuple[str, ReportRow]:
    if len(cells) != len(COLUMNS):
        raise RefundInputError(
            _("Row %(row)s of the bank's report has %(count)s columns, not %(expected)s.")
            % {"row": number, "count": len(cells), "expected": len(COLUMNS)},
            code="report_format_invalid",
            row=number,
        )
    reference, line, iin, period, amount, outcome, on, reason = (c.strip() for c in cells)
    if not line.isdigit() or int(line) < 1:
        raise _invalid(number, _("the line number %(value)s is not a number.") % {"value": line})
    if not (len(iin) == 12 and iin.isdigit()):
        raise _invalid(number, _("the IIN %(value)s is not 12 digits.") % {"value": iin})
    period_match = _PERIOD.match(period)
    if not period_match:
        raise _invalid(number, _("the period %(value)s is not MMYYYY.") % {"value": period})
    if not _AMOUNT.match(amount):
        raise _invalid(
            number, _("the amount %(value)s is not tenge with two decimals.") % {"value": amount}
        )
    try:
        value = Decimal(amount.replace(",", "."))
    except InvalidOperation:  # pragma: no cover - the pattern admits only numbers
        raise _invalid(number, amount) from None
    outcome = outcome.lower()
    if outcome not in OUTCOMES:
        raise _invalid(
            number, _("the outcome %(value)s is neither paid nor returned.") % {"value": outcome}
        )
    try:
        day = date.fromisoformat(on)
    except ValueError:
        raise _invalid(number, _("the date %(value)s is not YYYY-MM-DD.") % {"value": on}) from None
    if outcome == "returned" and not reason:
        raise _invalid(number, _("a returned line needs the reason the bank gave."))
    return reference, ReportRow(
        row=number,
        line_no=int(line),
        iin=iin,
        period=date(int(period_match.group(2)), int(period_match.group(1)), 1),
        amount=value,
        outcome=outcome,
        on=day,
        reason=reason,
    )


def bank_report_parse(content: bytes) -> ParsedReport:
    """The rows of a bank's report, or ``RefundInputError`` naming the first problem."""
    if len(content) > MAX_BYTES:
        raise RefundInputError(
            _("The bank's report is larger than %(mb)s MB.") % {"mb": MAX_BYTES // 1024 // 1024},
            code="report_too_large",
        )
    text = _text(content)
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines:
        raise RefundInputError(_("The bank's report is empty."), code="report_empty")
    delimiter = ";" if ";" in lines[0] else ","
    reader = csv.reader(io.StringIO("\n".join(lines)), delimiter=delimiter)
    header = [cell.strip().lower() for cell in next(reader)]
    if tuple(header) != COLUMNS:
        raise RefundInputError(
            _("The bank's report must start with the header %(header)s.")
            % {"header": ";".join(COLUMNS)},
            code="report_format_invalid",
            row=1,
        )
    references: set[str] = set()
    rows: list[ReportRow] = []
    seen: dict[int, int] = {}
    for number, cells in enumerate(reader, start=2):
        reference, row = _row(number, cells)
        references.add(reference)
        if len(references) > 1:
            raise RefundInputError(
                _("Row %(row)s names another payout order: a report covers one order.")
                % {"row": number},
                code="report_order_mixed",
                row=number,
            )
        if row.line_no in seen:
            raise RefundInputError(
                _("Row %(row)s repeats line %(line)s of the order (first on row %(first)s).")
                % {"row": number, "line": row.line_no, "first": seen[row.line_no]},
                code="report_line_duplicate",
                row=number,
            )
        seen[row.line_no] = number
        rows.append(row)
    if not rows:
        raise RefundInputError(_("The bank's report lists no line."), code="report_empty")
    return ParsedReport(reference=references.pop(), rows=rows)
