"""The font of every PDF the system prints: one with Cyrillic and Kazakh letters.

``PDF_FONT`` (a TTF path) when set, else the first DejaVu or Liberation font found on the
system; without one the PDF falls back to its core font, where letters outside Latin-1 print
as ``?``.
"""

from pathlib import Path

from django.conf import settings

_FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
    "/usr/share/fonts/liberation/LiberationSans-Regular.ttf",
    "/Library/Fonts/Arial Unicode.ttf",
)


def pdf_font_path() -> str | None:
    configured = getattr(settings, "PDF_FONT", "")
    if configured and Path(configured).is_file():
        return str(configured)
    return next((path for path in _FONT_CANDIDATES if Path(path).is_file()), None)
