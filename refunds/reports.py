"""The refund reports (domain.md: by reason, by month and region): the request's range and the
XLSX export. The figures come from ``refunds.selectors.refund_report``."""

import io
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook

from contributions.periods import period_range_from_text
from gfss.common.periods import add_months, month_start
from refunds.exceptions import RefundInputError
from refunds.models import Reason
from refunds.selectors import ReportRow

GROUPINGS = ("reason", "month", "region")


@dataclass(frozen=True)
class ReportRequest:
    first: date
    last: date  # inclusive
    by: str


def report_request(*, params: Any, today: date) -> ReportRequest:
    """``by`` and the months ``from``/``to`` (YYYY-MM) of a report; by default this year.
    ``PeriodInvalid`` for a month that is none, out of the window, or a range that runs back."""
    by = params.get("by") or "reason"
    if by not in GROUPINGS:
        raise RefundInputError(
            _("A report is grouped by reason, month or region."), code="report_by_invalid"
        )
    # Each month within the contributions' window: a report to 9999-12 is a typing error.
    first, last_month = period_range_from_text(
        params.get("from"), params.get("to"), default=(date(today.year, 1, 1), month_start(today))
    )
    return ReportRequest(first=first, last=add_months(last_month, 1) - timedelta(days=1), by=by)


def row_label(row: ReportRow, *, by: str) -> str:
    if by == "reason":
        return str(Reason(row.key).label)
    if by == "month":
        return f"{row.key:%Y-%m}"
    return str(row.key or "—")


def report_xlsx(rows: list[ReportRow], *, by: str) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(by)
    sheet.append([_("Group"), _("Applications"), _("People"), _("Sum, tenge")])
    for row in rows:
        sheet.append([row_label(row, by=by), row.applications, row.people, row.amount])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
