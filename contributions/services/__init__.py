"""Writes of the contributions app: import documents, accrue penalties."""

from contributions.services.imports import ImportIssue, ImportReport, mt102_import
from contributions.services.penalties import PenaltyRun, penalties_accrue

__all__ = ["ImportIssue", "ImportReport", "PenaltyRun", "mt102_import", "penalties_accrue"]
