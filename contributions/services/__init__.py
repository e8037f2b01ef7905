"""Writes of the contributions app: import documents, accrue penalties, correct lines."""

from contributions.services.imports import ImportIssue, ImportReport, mt102_import
from contributions.services.penalties import PenaltyRun, penalties_accrue
from contributions.services.quarantine import quarantined_line_correct

__all__ = [
    "ImportIssue",
    "ImportReport",
    "PenaltyRun",
    "mt102_import",
    "penalties_accrue",
    "quarantined_line_correct",
]
