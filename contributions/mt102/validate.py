"""Judge a parsed MT-102 document (docs/mt102.md, "Validation and what happens to bad input").

First the document as a whole: any document error rejects all of it and nothing is loaded.
Then each person's line: a bad line is rejected with one issue (the first found, in the order
iin, birth date, period, amount, duplicate) while the others are accepted.

Messages name the line by its 1-based position in the document, as mt102.md's import report
does, and say what is wrong in words a payer's accountant understands.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from contributions.calculations import FIRST_PERIOD
from contributions.mt102.decode import FormatInvalidError
from contributions.mt102.parse import (
    Document,
    DocumentHead,
    Line,
    gc_paused,
    parse_amount,
    parse_document,
)
from gfss.common import display
from participants.validators import ID_LENGTH, iin_birth_date, validate_bin_or_iin, validate_iin

CURRENCY = "KZT"
ACCEPTED_KNP = frozenset({"012", "017"})
# Named in the rejection message so that the payer sees where the money should have gone.
_OTHER_KNP = {
    "010": gettext_lazy("compulsory pension contributions"),
    "019": gettext_lazy("compulsory professional pension contributions"),
    "121": gettext_lazy("medical insurance contributions"),
    "122": gettext_lazy("medical insurance deductions"),
    "123": gettext_lazy("medical insurance contributions"),
    "124": gettext_lazy("medical insurance contributions"),
}
_ID_PROBLEMS = {
    "format": gettext_lazy("is not 12 digits"),
    "check_digit": gettext_lazy("fails its check digit"),
    "century": gettext_lazy("has a century digit other than 1-6"),
    "birth_date": gettext_lazy("does not start with a real birth date (YYMMDD)"),
    "registration_month": gettext_lazy("has no real month in digits 3-4"),
    "entity_type": gettext_lazy("has an unknown entity type or division in digits 5-6"),
}
# An employer pays for the same people every month, so most IINs repeat across documents;
# the cache is cleared rather than evicted entry by entry, which keeps a hit at one dict lookup.
_IIN_CACHE_SIZE = 200_000
_iin_cache: dict[str, tuple[date, str] | str] = {}


@dataclass(frozen=True, slots=True)
class Issue:
    code: str
    message: str
    line: int | None = None  # the line's position; None for a document error


@dataclass(frozen=True, slots=True)
class ValidLine:
    position: int
    iin: str
    period: date  # first day of the month
    amount: Decimal
    surname: str
    first_name: str
    patronymic: str  # "" when none ("-" in the file)
    birth_date: date


@dataclass(frozen=True, slots=True)
class ValidationResult:
    document_error: Issue | None
    accepted: list[ValidLine] = field(default_factory=list)
    rejected: list[tuple[Line, Issue]] = field(default_factory=list)


def read_amount_leniently(text: str) -> Decimal | None:
    """What a malformed amount most likely means (``13625.20``, ``1 000,00``); ``None`` when
    it cannot be read at all.

    Used only to check the document total and to tell the quarantine how much money a rejected
    line carries: the line itself is still rejected as ``amount_invalid``.
    """
    cleaned = "".join(text.split()).replace("'", "")
    if cleaned.count(",") + cleaned.count(".") > 1 or not cleaned.isascii():
        return None
    whole, _dot, cents = cleaned.replace(",", ".").partition(".")
    if not (whole or cents) or not (whole or "0").isdigit() or not (cents or "0").isdigit():
        return None
    if len(cents) > 2:
        return None
    return Decimal(f"{whole or '0'}.{cents or '0'}")


def parse_and_validate(data: bytes, *, today: date) -> tuple[Document | None, ValidationResult]:
    """Parse and validate one file held whole; a file that cannot be parsed is a
    ``format_invalid`` document error and comes back without a document. The importer reads
    a ``Message`` a chunk at a time with ``DocumentCheck`` and ``LineCheck`` instead."""
    try:
        document = parse_document(data=data)
    except FormatInvalidError as error:
        return None, ValidationResult(document_error=Issue(code=error.code, message=error.message))
    return document, validate_document(document, today=today)


def validate_document(doc: Document, *, today: date) -> ValidationResult:
    """Check ``doc`` as a whole, then line by line. ``today`` bounds the periods."""
    check = DocumentCheck(doc)
    check.feed(doc.lines)
    document_error = check.error()
    if document_error is not None:
        return ValidationResult(document_error=document_error)
    with gc_paused():
        accepted, rejected = LineCheck(doc, today=today).feed(doc.lines)
    return ValidationResult(document_error=None, accepted=accepted, rejected=rejected)


class DocumentCheck:
    """The document-level checks, fed the lines a chunk at a time: the currency of :32A:, then
    of every line, the KNP, the payer's BIN/IIN, and the lines' total against :32A:, the first
    failing one being the document's error."""

    def __init__(self, head: DocumentHead) -> None:
        self._head = head
        self._total = Decimal("0.00")
        self._unreadable: list[int] = []
        self.currency_error: Issue | None = _currency_error(head=head)
        # Known from the head, but said only when no line has a wrong currency.
        self.head_error: Issue | None = _knp_error(head=head) or _payer_error(head=head)

    def feed(self, lines: Iterable[Line]) -> None:
        total = self._total
        for line in lines:
            amount = line.amount
            if amount is None:
                amount = read_amount_leniently(line.amount_text)
                if amount is None:
                    self._unreadable.append(line.position)
                    continue
            total += amount
            if line.currency != CURRENCY and self.currency_error is None:
                self.currency_error = _line_currency_error(line)
        self._total = total

    def error(self) -> Issue | None:
        """After the last line: the document's error, if any."""
        return self.currency_error or self.head_error or self._total_error()

    def _total_error(self) -> Issue | None:
        if self._total == self._head.total:
            return None
        message = _("The lines add up to %(total)s but :32A: says %(declared)s.") % {
            "total": display.money(self._total),
            "declared": display.money(self._head.total),
        }
        if self._unreadable:
            message += " " + _("Unreadable amounts on lines %(lines)s.") % {
                "lines": ", ".join(map(str, self._unreadable))
            }
        return Issue(code="total_mismatch", message=message)


def _currency_error(*, head: DocumentHead) -> Issue | None:
    if head.currency == CURRENCY:
        return None
    return Issue(
        code="currency_invalid",
        message=_("The document is in %(currency)s (:32A:); the fund accepts only KZT.")
        % {"currency": repr(head.currency)},
    )


def _line_currency_error(line: Line) -> Issue | None:
    if not (line.currency or line.amount_text):
        return None  # no :32B: at all: the line's amount_invalid, not the document's currency
    found = repr(line.currency) if line.currency else _("no currency code")
    return Issue(
        code="currency_invalid",
        message=_("Line %(line)s: :32B: has %(found)s; the fund accepts only KZT.")
        % {"line": line.position, "found": found},
    )


def _knp_error(*, head: DocumentHead) -> Issue | None:
    if head.knp in ACCEPTED_KNP:
        return None
    meaning = _OTHER_KNP.get(head.knp)
    return Issue(
        code="knp_unsupported",
        message=(
            _(
                "KNP %(knp)s (%(meaning)s) is not the fund's; the fund accepts 012 (social "
                "contributions) and 017 (their penalty)."
            )
            if meaning
            else _(
                "KNP %(knp)s is not accepted; the fund accepts 012 (social contributions) "
                "and 017 (their penalty)."
            )
        )
        % {"knp": head.knp, "meaning": meaning},
    )


def _payer_error(*, head: DocumentHead) -> Issue | None:
    try:
        validate_bin_or_iin(head.payer_idn)
    except ValidationError as error:
        problem = _ID_PROBLEMS.get(error.code or "", gettext_lazy("is not a valid BIN or IIN"))
        return Issue(
            code="payer_id_invalid",
            message=_("Payer BIN/IIN %(idn)s %(problem)s.")
            % {"idn": repr(head.payer_idn), "problem": problem},
        )
    return None


def _passes_first_check(iin: str) -> bool:
    """Whether the first pass of the check digit (rules.md §7) confirms the 12th digit.

    ``participants.validators.check_digit`` written out on the digits' character codes, about
    six times faster; that matters when a million-line file brings a million new IINs. When it
    says no (a wrong digit, or the second pass is needed), ``validate_iin`` has the last word;
    tests compare the two.
    """
    c = iin.encode("ascii")
    # 3168 = 48 (the code of "0") x 66 (the sum of the weights 1..11).
    first = (
        c[0] + 2 * c[1] + 3 * c[2] + 4 * c[3] + 5 * c[4] + 6 * c[5]
        + 7 * c[6] + 8 * c[7] + 9 * c[8] + 10 * c[9] + 11 * c[10] - 3168
    ) % 11  # fmt: skip
    return first == c[11] - 48


def _iin_problem(iin: str) -> str:
    """What ``validate_iin`` finds wrong with ``iin``; "" when nothing."""
    try:
        validate_iin(iin)
    except ValidationError as error:
        problem = _ID_PROBLEMS.get(error.code or "", gettext_lazy("is not valid"))
        return _("IIN %(iin)s %(problem)s") % {"iin": iin, "problem": problem}
    return ""


def _check_iin(iin: str) -> tuple[date, str] | str:
    """``(birth date, its YYYYMMDD text)`` of a valid IIN, else what is wrong with it."""
    if not iin:
        return _("has no /IDN/ (IIN)")
    if len(iin) != ID_LENGTH or not (iin.isascii() and iin.isdigit()):
        return _("IIN %(iin)s is not 12 digits") % {"iin": repr(iin)}
    if not _passes_first_check(iin):
        problem = _iin_problem(iin)
        if problem:
            return problem
    try:
        birth_date = iin_birth_date(iin)
    except ValueError:  # the century digit or the date
        return _iin_problem(iin) or _("IIN %(iin)s does not start with a real birth date") % {
            "iin": iin
        }
    # As /DT/ writes it; built from the IIN, as strftime costs more than the rest of the check.
    return birth_date, f"{birth_date.year}{iin[2:6]}"


def _check_period(*, text: str | None, payment_month: date, current_month: date) -> date | str:
    """The period as the first of its month, or what is wrong with it."""
    if text is None:
        return _("has no /PERIOD/ and the document gives no default period")
    if len(text) != 6 or not (text.isascii() and text.isdigit()) or not 1 <= int(text[:2]) <= 12:
        return _("period %(text)s is not a month as MMYYYY") % {"text": repr(text)}
    period = date(int(text[2:]), int(text[:2]), 1)
    if period < FIRST_PERIOD:
        return _("period %(text)s is before social contributions began (%(first)s)") % {
            "text": text,
            "first": f"{FIRST_PERIOD:%m.%Y}",
        }
    if period > current_month:
        return _("period %(text)s is in the future") % {"text": text}
    if period > payment_month:
        return _("period %(text)s is later than the payment month %(month)s") % {
            "text": text,
            "month": f"{payment_month:%m.%Y}",
        }
    return period


def _birth_date_problem(*, text: str, birth_date_text: str, iin: str) -> str:
    if len(text) != 8 or not (text.isascii() and text.isdigit()):
        return _("date of birth %(text)s (/DT/) is not YYYYMMDD") % {"text": repr(text)}
    return _("date of birth %(written)s (/DT/) differs from %(in_iin)s in IIN %(iin)s") % {
        "written": f"{text[6:]}.{text[4:6]}.{text[:4]}",
        "in_iin": f"{birth_date_text[6:]}.{birth_date_text[4:6]}.{birth_date_text[:4]}",
        "iin": iin,
    }


class LineCheck:
    """The per-line checks, fed the lines a chunk at a time; written for speed, as a document
    may hold a million lines. What it keeps between chunks is one small entry per accepted
    line, to find a person paid twice for one period."""

    def __init__(self, head: DocumentHead, *, today: date) -> None:
        self._periods: dict[str | None, date | str] = {}
        self._payment_month = head.value_date.replace(day=1)
        self._current_month = today.replace(day=1)
        # (IIN, period) as one integer -> position of its first accepted line.
        self._first_position: dict[int, int] = {}

    def feed(self, lines: Iterable[Line]) -> tuple[list[ValidLine], list[tuple[Line, Issue]]]:
        accepted: list[ValidLine] = []
        rejected: list[tuple[Line, Issue]] = []
        append = accepted.append
        iin_cache = _iin_cache
        periods = self._periods
        first_position = self._first_position
        for line in lines:
            iin = line.iin
            checked = iin_cache.get(iin)
            if checked is None:
                if len(iin_cache) >= _IIN_CACHE_SIZE:
                    iin_cache.clear()
                checked = iin_cache[iin] = _check_iin(iin)
            if isinstance(checked, str):
                # Said again rather than taken from the cache: the cache outlives the language.
                problem = _check_iin(iin)
                assert isinstance(problem, str)
                rejected.append((line, _line_issue("iin_invalid", line, problem)))
                continue
            birth_date, birth_date_text = checked
            if line.birth_date_text and line.birth_date_text != birth_date_text:
                problem = _birth_date_problem(
                    text=line.birth_date_text, birth_date_text=birth_date_text, iin=iin
                )
                rejected.append((line, _line_issue("birth_date_mismatch", line, problem)))
                continue
            period_text = line.period_text
            period = periods.get(period_text)
            if period is None:
                period = periods[period_text] = _check_period(
                    text=period_text,
                    payment_month=self._payment_month,
                    current_month=self._current_month,
                )
            if isinstance(period, str):
                rejected.append((line, _line_issue("period_invalid", line, period)))
                continue
            amount = line.amount
            if not amount:  # None (malformed or missing) or zero
                rejected.append((line, _line_issue("amount_invalid", line, _amount_problem(line))))
                continue
            # A valid IIN is 12 digits and a valid period text 6 (MMYYYY): one integer holds
            # both in less memory than the string pair.
            key = int(iin + period_text)  # type: ignore[operator]
            first = first_position.setdefault(key, line.position)
            if first != line.position:
                problem = duplicate_problem(iin=iin, period_text=period_text or "", first=first)
                rejected.append((line, _line_issue("duplicate_line", line, problem)))
                continue
            patronymic = line.patronymic.strip()
            append(
                ValidLine(
                    line.position,
                    iin,
                    period,
                    amount,
                    line.surname.strip(),
                    line.first_name.strip(),
                    "" if patronymic == "-" else patronymic,
                    birth_date,
                )
            )
        return accepted, rejected


def _amount_problem(line: Line) -> str:
    return amount_problem(amount_text=line.amount_text, amount=line.amount)


def amount_problem(*, amount_text: str, amount: Decimal | None) -> str:
    """What is wrong with a line's amount (``amount`` as the strict format read it)."""
    if amount is not None:
        return _("amount %(text)s is zero; a line must carry money") % {"text": amount_text}
    if not amount_text:
        return _("has no amount (:32B:)")
    return _(
        "amount %(text)s is malformed; write digits, a comma and exactly two decimals, with "
        "no spaces, e.g. 13625,20"
    ) % {"text": repr(amount_text)}


def duplicate_problem(*, iin: str, period_text: str, first: int) -> str:
    return _("IIN %(iin)s is paid for period %(period)s already on line %(first)s") % {
        "iin": iin,
        "period": period_text,
        "first": first,
    }


def line_message(position: int, problem: str) -> str:
    return _("Line %(line)s: %(problem)s.") % {"line": position, "problem": problem}


def _line_issue(code: str, line: Line, problem: str) -> Issue:
    return Issue(code=code, message=line_message(line.position, problem), line=line.position)


def line_problem(
    *,
    code: str,
    iin: str,
    birth_date_text: str,
    period_text: str,
    amount_text: str,
    payment_month: date,
    current_month: date,
    duplicate_of: int | None,
) -> str | None:
    """What is wrong with a rejected line, said again in the active language from what the
    line says; None when it cannot be said again (the stored message stands)."""
    if code == "iin_invalid":
        checked = _check_iin(iin)
        return checked if isinstance(checked, str) else None
    if code == "birth_date_mismatch":
        checked = _check_iin(iin)
        if isinstance(checked, str):
            return None
        return _birth_date_problem(text=birth_date_text, birth_date_text=checked[1], iin=iin)
    if code == "period_invalid":
        period = _check_period(
            text=period_text or None, payment_month=payment_month, current_month=current_month
        )
        return period if isinstance(period, str) else None
    if code == "amount_invalid":
        return amount_problem(amount_text=amount_text, amount=parse_amount(amount_text))
    if code == "duplicate_line" and duplicate_of is not None:
        return duplicate_problem(iin=iin, period_text=period_text, first=duplicate_of)
    return None
