"""Writes of the contributions app: import documents, accrue penalties, correct lines,
reverse lines (refunds) and put them back (bank returns)."""

from contributions.services.imports import (
    MANY_MAX_FILE_BYTES,
    ImportIssue,
    ImportReport,
    mt102_import,
    mt102_import_many,
    mt102_oversized_record,
)
from contributions.services.penalties import PenaltyRun, penalties_accrue
from contributions.services.quarantine import quarantined_line_correct
from contributions.services.reversals import (
    contribution_lines_reenter,
    contribution_lines_reverse,
    quarantined_lines_refund,
    quarantined_lines_reopen,
)

__all__ = [
    "MANY_MAX_FILE_BYTES",
    "ImportIssue",
    "ImportReport",
    "PenaltyRun",
    "contribution_lines_reenter",
    "contribution_lines_reverse",
    "mt102_import",
    "mt102_import_many",
    "mt102_oversized_record",
    "penalties_accrue",
    "quarantined_line_correct",
    "quarantined_lines_refund",
    "quarantined_lines_reopen",
]
