"""MT-102 text to a ``Document`` (docs/mt102.md, "Layout").

The parser reads what the file says and fails only when the document as a whole cannot be read
(``FormatInvalidError``, code ``format_invalid``). What is wrong with one person's line (a bad
IIN, period or amount) is kept as text and judged by ``validate``, so that the rest of the
document can still be loaded.

Speed matters (a million lines per file): one regular expression call finds every person's
block of a chunk of text, a block in the usual form needs no further reading, and only unusual
blocks are read line by line, with ``startswith`` and slices.
"""

import gc
import io
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, fields
from datetime import date
from decimal import Decimal
from typing import BinaryIO

from django.utils.translation import gettext as _

from contributions.mt102.decode import FormatInvalidError, detect_encoding, message_start, search

MAX_REFERENCE_LENGTH = 16
# Money columns hold 18 digits, 2 of them tiyn (gfss.common.money); [0-9], as \\d admits any
# Unicode digit.
_AMOUNT = re.compile(r"[0-9]{1,16},[0-9]{2}")


@dataclass(frozen=True, slots=True)
class Line:
    """One person's block, from ``:21:`` to the next ``:21:`` or ``:32A:``, as written."""

    number: str  # the :21: value
    position: int  # 1-based ordinal in the document; error messages use it
    amount_text: str  # :32B: after the currency
    amount: Decimal | None  # None when amount_text is not in the exact format
    currency: str  # "" when :32B: is missing or starts with no currency code
    surname: str
    first_name: str
    patronymic: str
    birth_date_text: str  # /DT/ YYYYMMDD, "" when absent
    iin: str  # /IDN/ (or /RNN/ before 2013), "" when absent
    period_text: str | None  # the line's /PERIOD/, else the document's; None when neither
    list_type: str  # /OPV/ of the line's field 70, "" when absent
    source_line_no: int  # line of the :21: tag in the file, counting from 1


@dataclass(frozen=True, slots=True)
class DocumentHead:
    """What the document says about itself, before and after the persons' blocks."""

    reference: str  # :20:
    payer_account: str  # :50:/D/
    payer_name: str
    payer_idn: str  # BIN or IIN (an RNN in files before 2013)
    payer_bank_bic: str  # :52B:
    beneficiary_bank: str  # :57B:
    beneficiary_account: str  # :59:
    knp: str
    order_date: date | None  # /DATE/
    default_period: str | None  # /PERIOD/ of the document's field 70, MMYYYY
    assign_text: str  # /ASSIGN/ with its continuation lines joined by "\n"
    value_date: date  # :32A:, the payment date (rules.md §2)
    currency: str  # of :32A:
    total: Decimal  # of :32A:
    encoding: str


@dataclass(frozen=True, slots=True)
class Document(DocumentHead):
    """A whole document in memory: for small files and tests. The importer reads a
    ``Message`` instead, a chunk of lines at a time."""

    lines: tuple[Line, ...]


@dataclass(frozen=True, slots=True)
class Message:
    """A readable document: its head, and where its persons' blocks are in the file.

    A file of a million lines would take gigabytes as ``Line`` objects, hundreds of megabytes
    as one decoded string and a hundred as its bytes; ``line_chunks`` reads, decodes and parses
    about a megabyte of the file at a time, so that what a reader holds is one chunk.
    """

    head: DocumentHead
    source: BinaryIO  # the file, seekable, open while the message is read
    start: int  # byte offset of the line end before the first :21:
    end: int  # byte offset of the line end before :32A:
    first_line_no: int  # the file line of the first :21:

    @property
    def line_count(self) -> int:
        """The number of persons' blocks (each starts with a line end and ``:21:``)."""
        # "\r\n:21:" holds "\n:21:" once and no "\r:21:"; a lone "\r" ends a line too.
        return sum(
            section.count(b"\n:21:") + section.count(b"\r:21:") for section in self._sections()
        )

    def line_chunks(self) -> Iterator[list[Line]]:
        """The persons' lines in order, a list per chunk of about a megabyte."""
        position = 0
        line_no = self.first_line_no
        for section in self._sections():
            lines, line_no = _parse_lines(
                section=_text(section, self.head.encoding),
                first_position=position + 1,
                first_line_no=line_no,
                default_period=self.head.default_period,
            )
            position += len(lines)
            yield lines

    def _sections(self) -> Iterator[bytes]:
        return _section_chunks(source=self.source, start=self.start, end=self.end)


def parse_amount(text: str) -> Decimal | None:
    """``13625,20`` to ``Decimal("13625.20")``; ``None`` unless it is exactly digits, a comma
    and two decimals (no sign, no spaces, no thousands separator)."""
    if _AMOUNT.fullmatch(text) is None:
        return None
    return Decimal(text.replace(",", "."))


def parse_document(*, data: bytes | BinaryIO) -> Document:
    """The whole document in a file's bytes; ``FormatInvalidError`` when it cannot be read."""
    message = read_message(data=data)
    with gc_paused():
        lines = tuple(line for chunk in message.line_chunks() for line in chunk)
    head = message.head
    return Document(**{name: getattr(head, name) for name in _HEAD_FIELDS}, lines=lines)


_HEAD_FIELDS = tuple(item.name for item in fields(DocumentHead))
# A line end before a tag, as the file writes it: decoding turns each into "\n".
_BEFORE_21 = re.compile(rb"(?:\r\n|\r|\n):21:")
_BEFORE_32A = re.compile(rb"(?:\r\n|\r|\n):32A:")
_BEFORE_CLOSE = re.compile(rb"(?:\r\n|\r|\n)-\}")
_BLOCK_4 = re.compile(re.escape(b"{4:"))


def read_message(*, data: bytes | BinaryIO) -> Message:
    """The document's head and where its lines are, in a file's bytes or in a seekable file
    (read a chunk at a time, never whole); ``FormatInvalidError`` when it cannot be read.
    Only the head and the :32A: line are decoded here."""
    source = io.BytesIO(data) if isinstance(data, bytes) else data
    encoding = detect_encoding(source=source)
    begin = message_start(source=source)
    block4 = search(source, _BLOCK_4, begin)
    if block4 is None:
        raise FormatInvalidError(_("The message has no {4: block (the payment order itself)."))
    _check_header_blocks(header=_text(_read(source, begin, block4[0]), encoding))
    body = block4[1]
    first_21 = search(source, _BEFORE_21, body)
    close = search(source, _BEFORE_CLOSE, body if first_21 is None else first_21[0])
    if close is None:
        raise FormatInvalidError(_("Block 4 does not end with -}: the file may be cut short."))
    if first_21 is None:
        raise FormatInvalidError(_("The document has no :21: lines: it pays for no one."))
    field_32a = search(source, _BEFORE_32A, first_21[0], close[0])
    if field_32a is None:
        raise FormatInvalidError(_("The document has no :32A: (value date and total)."))
    header = _parse_header(lines=_text(_read(source, body, first_21[0]), encoding).split("\n"))
    value_32a = _text(_read(source, field_32a[1], close[1]), encoding).split("\n", 1)[0]
    return Message(
        head=_head(header=header, field_32a=value_32a, encoding=encoding),
        source=source,
        start=first_21[0],
        end=field_32a[0],
        # The :21: line's number: one more than the line ends before it, the envelope's too.
        first_line_no=1 + _line_ends(_read(source, 0, first_21[1])),
    )


def _read(source: BinaryIO, start: int, end: int) -> bytes:
    source.seek(start)
    return source.read(end - start)


def _text(data: bytes, encoding: str) -> str:
    """Decoded, with ``\n`` line ends."""
    text = data.decode(encoding)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def _line_ends(data: bytes) -> int:
    return data.count(b"\n") + data.count(b"\r") - data.count(b"\r\n")


def _section_chunks(*, source: BinaryIO, start: int, end: int) -> Iterator[bytes]:
    """The file's bytes from ``start`` to ``end`` about a megabyte at a time, each chunk cut
    at a line end before ``:21:`` (never inside a ``\r\n``), so that it holds whole blocks
    and starts with the line end before a ``:21:``."""
    source.seek(start)
    left = end - start
    pending = b""
    while left or pending:
        block = source.read(min(_CHUNK_BYTES, left)) if left else b""
        # A file cut short meanwhile ends its last chunk where it ends.
        left = left - len(block) if block else 0
        pending += block
        cut = _last_cut(pending) if left else len(pending)
        if cut > 0:
            yield pending[:cut]
            pending = pending[cut:]


def _last_cut(data: bytes) -> int:
    """Where the last block of ``data`` after its first begins (at the line end before its
    ``:21:``); 0 or less when ``data`` holds no second block yet."""
    cut = max(data.rfind(b"\n:21:"), data.rfind(b"\r:21:"))
    if cut > 0 and data[cut - 1 : cut + 1] == b"\r\n":
        cut -= 1
    return cut


@contextmanager
def gc_paused() -> Iterator[None]:
    """Keep CPython's cycle collector off while a million line objects are made.

    Every line is a tracked object, so the collector would scan the growing list again and
    again: a third of the time of a large file. Parsing and validating make no reference cycles,
    so there is nothing for it to find.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _check_header_blocks(*, header: str) -> None:
    if not header.startswith("{1:") or "}" not in header:
        raise FormatInvalidError(_("Block {1: (the basic header) is not closed with }."))
    block2 = header.find("{2:")
    if block2 == -1:
        raise FormatInvalidError(_("The message has no {2: block (the message type)."))
    message_type = header[block2 + 3 : block2 + 7]
    # The input form is what a bank sends; the output form is what a bank delivers.
    if message_type not in {"I102", "O102"}:
        raise FormatInvalidError(
            _("Block {2: says message type %(message_type)s; only MT-102 (I102 or O102) is read.")
            % {"message_type": repr(message_type)}
        )


def _code_word(line: str) -> tuple[str, str] | None:
    """``/KEY/value`` (or ``//KEY/value``, as files before 2013 wrote) to ``(KEY, value)``."""
    start = 2 if line.startswith("//") else 1
    end = line.find("/", start)
    if end == -1:
        return None
    return line[start:end], line[end + 1 :]


def _parse_header(*, lines: list[str]) -> dict[str, str]:
    """The fields before the first ``:21:``, keyed by tag (":20:") or by code word ("KNP").

    Code words are kept only where they belong: /NAME/ and /IDN/ of field 50 (the payer's; those
    of field 59 are the State Corporation's), and every code word of field 70.
    """
    fields: dict[str, str] = {}
    section = ""
    assign: list[str] = []
    in_assign = False
    for text in lines:
        line = text
        if line.startswith(":"):
            in_assign = False
            tag_end = line.find(":", 1)
            if tag_end == -1:
                continue
            section, value = line[: tag_end + 1], line[tag_end + 1 :]
            if section != ":70:":
                fields.setdefault(
                    section, value.removeprefix("/D/") if section == ":50:" else value
                )
                continue
            line = value  # the first code word of field 70 may share the :70: line
        if not line.startswith("/"):
            if in_assign and line:
                assign.append(line)
            continue
        in_assign = False
        word = _code_word(line)
        if word is None:
            continue
        key, value = word
        if section == ":50:" and key in {"NAME", "IDN", "RNN"}:
            fields.setdefault("PAYER_NAME" if key == "NAME" else "PAYER_IDN", value)
        elif section == ":70:":
            if key == "ASSIGN":
                in_assign = True
                assign.append(value)
            else:
                fields.setdefault(key, value)
    if assign:
        fields["ASSIGN"] = "\n".join(assign)
    return fields


# One person's block, from a :21: tag at the start of a line to the next one. The usual form
# (the samples, most bank programs) is matched field by field, its values already well formed,
# and every optional line's presence is visible in its group so that lines can be counted. Any
# other block (fields in another order, spaces, //FM/, /RNN/, a malformed amount) is matched by
# the last group whole and read line by line by _line_from_words.
_BLOCKS = re.compile(
    r"\n:21:(?:"
    r"([0-9]+)"
    r"\n:32B:([A-Z]{3})([0-9]{1,16},[0-9]{2})"
    r"(\n:70:/OPV/[^\n]*)?"
    r"\n/FM/([^\n]*)"
    r"\n/NM/([^\n]*)"
    r"(\n/FT/[^\n]*)?"
    r"(?:\n/DT/([0-9]{8}))?"
    r"\n/IDN/([0-9]{12})"
    r"(?:\n/PERIOD/([0-9]{6}))?"
    r"(?=\n:21:|\Z)"
    r"|([^\n]*(?:\n(?!:21:)[^\n]*)*))"
)
_OPV_PREFIX = len("\n:70:/OPV/")
_FT_PREFIX = len("\n/FT/")
_CHUNK_BYTES = 1 << 20


def _parse_lines(
    *, section: str, first_position: int, first_line_no: int, default_period: str | None
) -> tuple[list[Line], int]:
    """The persons' blocks of one chunk and the file line after them; ``section`` runs from a
    newline before a ``:21:`` to the one before the next chunk's (or before ``:32A:``).

    This is the loop that runs a million times for a large file: the regular expression finds
    every block of a chunk in one call, and a block in the usual form becomes a ``Line`` with no
    further parsing.
    """
    result: list[Line] = []
    append = result.append
    position = first_position - 1
    line_no = first_line_no
    for (
        number,
        currency,
        amount,
        list_type_line,
        surname,
        first_name,
        patronymic_line,
        birth,
        iin,
        period,
        other,
    ) in _BLOCKS.findall(section):
        position += 1
        if number:
            append(
                Line(
                    number,
                    position,
                    amount,
                    Decimal(amount.replace(",", ".")),
                    currency,
                    surname,
                    first_name,
                    patronymic_line[_FT_PREFIX:],
                    birth,
                    iin,
                    period or default_period,
                    list_type_line[_OPV_PREFIX:],
                    line_no,
                )
            )
            # :21:, :32B:, /FM/, /NM/, /IDN/ and the optional lines present.
            line_no += (
                5
                + (list_type_line != "")
                + (patronymic_line != "")
                + (birth != "")
                + (period != "")
            )
        else:
            append(
                _line_from_words(
                    block=other,
                    position=position,
                    default_period=default_period,
                    source_line_no=line_no,
                )
            )
            line_no += other.count("\n") + 1
    return result, line_no


def _line_from_words(
    *, block: str, position: int, default_period: str | None, source_line_no: int
) -> Line:
    """A block in any form: ``:21:`` value, ``:32B:``, field 70 and code words in any order."""
    lines = block.split("\n")
    words: dict[str, str] = {}
    amount_field = ""
    for text in lines[1:]:
        if text.startswith(":32B:"):
            amount_field = text[5:].strip()
            continue
        # /OPV/ may share the :70: line or follow it.
        line = text[4:] if text.startswith(":70:") else text
        if line.startswith("/"):
            word = _code_word(line)
            if word is not None:
                words.setdefault(*word)
    currency = amount_field[:3]
    if not (len(currency) == 3 and currency.isascii() and currency.isalpha()):
        currency = ""
    amount_text = amount_field[len(currency) :].strip()
    get = words.get
    period = get("PERIOD")
    return Line(
        number=lines[0].strip(),
        position=position,
        amount_text=amount_text,
        amount=parse_amount(amount_text),
        currency=currency,
        surname=get("FM", ""),
        first_name=get("NM", ""),
        patronymic=get("FT", ""),
        birth_date_text=get("DT", "").strip(),
        iin=(get("IDN") or get("RNN") or "").strip(),
        period_text=default_period if period is None else period.strip(),
        list_type=get("OPV", ""),
        source_line_no=source_line_no,
    )


def _yymmdd(text: str) -> date | None:
    """A six-digit YYMMDD date of this century; ``None`` when it is not a real date."""
    if len(text) != 6 or not (text.isascii() and text.isdigit()):
        return None
    try:
        return date(2000 + int(text[:2]), int(text[2:4]), int(text[4:]))
    except ValueError:
        return None


def _required(fields: dict[str, str], key: str, *, what: str) -> str:
    value = fields.get(key)
    if value is None:
        raise FormatInvalidError(_("The document has no %(what)s.") % {"what": what})
    return value.strip()


def _head(*, header: dict[str, str], field_32a: str, encoding: str) -> DocumentHead:
    reference = _required(header, ":20:", what=":20: (sender's reference)")
    if not reference or len(reference) > MAX_REFERENCE_LENGTH:
        raise FormatInvalidError(
            _("The :20: reference %(reference)s must have 1 to %(most)s characters.")
            % {"reference": repr(reference), "most": MAX_REFERENCE_LENGTH}
        )
    order_date = None
    if "DATE" in header:
        order_date = _yymmdd(header["DATE"].strip())
        if order_date is None:
            raise FormatInvalidError(
                _("/DATE/ %(value)s of field 70 is not a YYMMDD date.")
                % {"value": repr(header["DATE"])}
            )
    value_date = _yymmdd(field_32a[:6])
    if value_date is None:
        raise FormatInvalidError(
            _(":32A: %(value)s does not start with a YYMMDD value date.")
            % {"value": repr(field_32a)}
        )
    total = parse_amount(field_32a[9:].strip())
    if total is None:
        raise FormatInvalidError(
            _(
                "The :32A: total %(value)s is not an amount like 38528,58 (digits, a comma, two decimals)."
            )
            % {"value": repr(field_32a[9:])}
        )
    default_period = header.get("PERIOD")
    return DocumentHead(
        reference=reference,
        payer_account=_required(header, ":50:", what=":50: (payer's account)"),
        payer_name=header.get("PAYER_NAME", "").strip(),
        payer_idn=_required(header, "PAYER_IDN", what="/IDN/ of the payer in field 50"),
        payer_bank_bic=header.get(":52B:", "").strip(),
        beneficiary_bank=header.get(":57B:", "").strip(),
        beneficiary_account=_required(header, ":59:", what=":59: (beneficiary's account)"),
        knp=_required(header, "KNP", what="/KNP/ (payment purpose code) in field 70"),
        order_date=order_date,
        default_period=None if default_period is None else default_period.strip(),
        assign_text=header.get("ASSIGN", ""),
        value_date=value_date,
        currency=field_32a[6:9],
        total=total,
        encoding=encoding,
    )
