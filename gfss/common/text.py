"""Text that came from outside, made safe to store and to send back in a header or a path."""

import re

# C0 controls and DEL, except tab, line feed and carriage return, which text may hold.
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_NAME_UNSAFE = re.compile(r'[\x00-\x1f\x7f"\\/:*?<>|;]')


def has_control_character(text: str) -> bool:
    return _CONTROLS.search(text) is not None


def escape_controls(text: str) -> str:
    """``text`` with each control character written as ``\\xNN``: PostgreSQL stores no NUL,
    and an auditor sees what was sent."""
    return _CONTROLS.sub(lambda match: f"\\x{ord(match.group()):02x}", text)


def safe_filename(name: str, *, default: str = "upload") -> str:
    """The last path segment of ``name`` without controls, quotes or separators: it can go
    into a ``Content-Disposition`` header or a storage path as it is."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = _NAME_UNSAFE.sub("_", base).strip(" .")[:200]
    return cleaned or default
