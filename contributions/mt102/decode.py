"""Bytes to text: detect the encoding, drop the transport envelope, normalise line ends.

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

from dataclasses import dataclass

from django.utils.translation import gettext as _

from gfss.common.exceptions import ApplicationError

UTF8 = "utf-8"
KZ1048 = "kz1048"
CP1251 = "cp1251"

_UTF8_BOM = b"\xef\xbb\xbf"
# The bytes where kz1048 has a Kazakh letter (Қ Һ Ұ Ә Ө Ғ Ү Ң and lower case) and cp1251 does not.
_KAZAKH_BYTES = tuple(
    bytes([b])
    for b in range(0x80, 0x100)
    if b != 0x98 and bytes([b]).decode(KZ1048) != bytes([b]).decode(CP1251)
)
_MESSAGE_START = "{1:"


class FormatInvalidError(ApplicationError):
    """The document cannot be read as an MT-102: it is rejected as a whole."""

    def __init__(self, message: str) -> None:
        super().__init__(message, code="format_invalid")


@dataclass(frozen=True, slots=True)
class DecodedText:
    text: str  # starts at ``{1:``, lines end in ``\n``
    encoding: str
    lines_skipped: int  # lines of the envelope before ``{1:``, to report file line numbers


def detect_encoding(*, data: bytes) -> str:
    """The encoding of an MT-102 file; ``FormatInvalidError`` when it is none of the three."""
    if b"\x00" in data:
        raise FormatInvalidError(_("The file contains NUL bytes: it is not a text MT-102 file."))
    try:
        data.decode(UTF8)
    except UnicodeDecodeError:
        pass
    else:
        return UTF8
    if b"\x98" in data:
        raise FormatInvalidError(
            _("The file is neither UTF-8 nor KZ-1048/Windows-1251 (byte 0x98 is undefined).")
        )
    if any(byte in data for byte in _KAZAKH_BYTES):
        return KZ1048
    return CP1251


def decode_document(*, data: bytes) -> DecodedText:
    """The message text from ``{1:`` on, with ``\\n`` line ends."""
    encoding = detect_encoding(data=data)
    if encoding == UTF8 and data.startswith(_UTF8_BOM):
        data = data[len(_UTF8_BOM) :]
    text = data.decode(encoding)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    start = text.find(_MESSAGE_START)
    if start == -1:
        raise FormatInvalidError(_("The file has no {1: block: it is not an MT-102 message."))
    return DecodedText(
        text=text[start:], encoding=encoding, lines_skipped=text.count("\n", 0, start)
    )
