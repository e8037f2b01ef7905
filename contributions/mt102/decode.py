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
_MESSAGE_START = b"{1:"
_CHECK_BYTES = 1 << 20


class FormatInvalidError(ApplicationError):
    """The document cannot be read as an MT-102: it is rejected as a whole."""

    def __init__(self, message: str) -> None:
        super().__init__(message, code="format_invalid")


def detect_encoding(*, data: bytes) -> str:
    """The encoding of an MT-102 file; ``FormatInvalidError`` when it is none of the three."""
    if b"\x00" in data:
        raise FormatInvalidError(_("The file contains NUL bytes: it is not a text MT-102 file."))
    if _is_utf8(data):
        return UTF8
    if b"\x98" in data:
        raise FormatInvalidError(
            _("The file is neither UTF-8 nor KZ-1048/Windows-1251 (byte 0x98 is undefined).")
        )
    if any(byte in data for byte in _KAZAKH_BYTES):
        return KZ1048
    return CP1251


def _is_utf8(data: bytes) -> bool:
    """Whether ``data`` decodes strictly as UTF-8, checked a megabyte at a time: a whole
    large file decoded at once would hold twice its size in text."""
    decoder = codecs.getincrementaldecoder(UTF8)()
    view = memoryview(data)
    try:
        for start in range(0, len(data), _CHECK_BYTES):
            decoder.decode(view[start : start + _CHECK_BYTES])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def message_start(*, data: bytes) -> int:
    """The byte offset of ``{1:``: a transport envelope (and a UTF-8 BOM) before it is not
    the message."""
    start = data.find(_MESSAGE_START)
    if start == -1:
        raise FormatInvalidError(_("The file has no {1: block: it is not an MT-102 message."))
    return start
