"""No log line carries a whole IIN: every handler masks them (settings.LOGGING, gunicorn.conf.py).

A log line is read by more people than the data it mentions (operators, log stores), and a
request path or a query string often holds an IIN (``/api/v1/persons/850712300017/``). Any run
of exactly 12 digits is taken for one, BINs and other 12-digit numbers alike.
"""

import logging
import re

IIN = re.compile(r"(?<!\d)(\d{4})\d{8}(?!\d)")


def mask_iins(text: str) -> str:
    """``850712300017`` → ``8507********``: the birth date's year and month stay, for support."""
    return IIN.sub(r"\1********", text)


class MaskIinFilter(logging.Filter):
    """Renders the record's message (and its traceback) once, with every IIN masked."""

    _formatter = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = mask_iins(record.getMessage())
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = self._formatter.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_iins(record.exc_text)
        if record.stack_info:
            record.stack_info = mask_iins(record.stack_info)
        return True
