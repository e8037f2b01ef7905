"""Bytes to text: detect the encoding and find where the message starts after its envelope.

Banks send KZ-1048 (Windows-1251 with Kazakh letters in place of sixteen Serbian, Macedonian
and Ukrainian ones), sometimes Windows-1251 itself, sometimes UTF-8 (mt102.md, "Encoding"):

1. UTF-8 when the bytes decode strictly as UTF-8 (a BOM is allowed and dropped). Text in either
   single-byte encoding practically never forms valid UTF-8 sequences, so this is safe.
2. Otherwise the two single-byte encodings differ only in those sixteen bytes. If any of them
   occurs, the file is KZ-1048: a Kazakh name is far likelier in a fund payment than the letters
   cp1251 would give (Ќ Ћ Ў Ј Ґ Є Ї Ѕ). If none occurs both decode to the same text and the file
   is reported as Windows-1251.
3. Byte 0x98 is undefined in both, and a NUL byte means UTF-16 or binary data: unreadable.
"""

import codecs
import re
from typing import BinaryIO

from django.utils.translation import gettext as _

from gfss.common.exceptions import ApplicationError

UTF8 = "utf-8"
KZ1048 = "kz1048"
CP1251 = "cp1251"

# The bytes where kz1048 has a Kazakh letter (Қ Һ Ұ Ә Ө Ғ Ү Ң and lower case) and cp1251 does not.
_KAZAKH_BYTES = tuple(
    bytes([b])
    for b in range(0x80, 0x100)
    if b != 0x98 and bytes([b]).decode(KZ1048) != bytes([b]).decode(CP1251)
)
_MESSAGE_START = re.compile(re.escape(b"{1:"))
# The longest match ``search`` is asked for: a line end (\r\n) and a field tag (:32A:).
_LONGEST_MATCH = 8
_CHECK_BYTES = 1 << 20


class FormatInvalidError(ApplicationError):
    """The document cannot be read as an MT-102: it is rejected as a whole."""

    def __init__(self, message: str) -> None:
        super().__init__(message, code="format_invalid")


def detect_encoding(*, source: BinaryIO) -> str:
    """The encoding of an MT-102 file; ``FormatInvalidError`` when it is none of the three.
    Read a megabyte at a time: a whole large file decoded at once would hold twice its size
    in text."""
    decoder = codecs.getincrementaldecoder(UTF8)()
    utf8 = True
    undefined = kazakh = False
    source.seek(0)
    while block := source.read(_CHECK_BYTES):
        if b"\x00" in block:
            raise FormatInvalidError(
                _("The file contains NUL bytes: it is not a text MT-102 file.")
            )
        if utf8:
            try:
                decoder.decode(block)
            except UnicodeDecodeError:
                utf8 = False
        undefined = undefined or b"\x98" in block
        kazakh = kazakh or any(byte in block for byte in _KAZAKH_BYTES)
    if utf8:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            utf8 = False
    if utf8:
        return UTF8
    if undefined:
        raise FormatInvalidError(
            _("The file is neither UTF-8 nor KZ-1048/Windows-1251 (byte 0x98 is undefined).")
        )
    return KZ1048 if kazakh else CP1251


def message_start(*, source: BinaryIO) -> int:
    """The byte offset of ``{1:``: a transport envelope (and a UTF-8 BOM) before it is not
    the message."""
    found = search(source, _MESSAGE_START, 0)
    if found is None:
        raise FormatInvalidError(_("The file has no {1: block: it is not an MT-102 message."))
    return found[0]


def search(
    source: BinaryIO, pattern: re.Pattern[bytes], start: int, stop: int | None = None
) -> tuple[int, int] | None:
    """Where ``pattern`` (at most ``_LONGEST_MATCH`` bytes long) first matches in the file
    from ``start`` to ``stop`` (its end when ``None``), as file offsets of the match's start
    and end; read a megabyte at a time, each block overlapping the one before by the longest
    match so that none is missed across the seam."""
    source.seek(start)
    offset = start
    kept = b""
    while True:
        size = _CHECK_BYTES if stop is None else min(_CHECK_BYTES, stop - offset - len(kept))
        block = kept + source.read(size) if size > 0 else kept
        if len(block) == len(kept):
            return None
        if (found := pattern.search(block)) is not None:
            return offset + found.start(), offset + found.end()
        kept = block[-_LONGEST_MATCH:]
        offset += len(block) - len(kept)
