"""The refund reports (domain.md: by reason, by month and region): the request's range and the
XLSX export. The figures come from ``refunds.selectors.refund_report``."""

import io
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook

from gfss.common.periods import add_months, parse_period
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
    """``by`` and the months ``from``/``to`` (YYYY-MM) of a report; by default this year."""
    by = params.get("by") or "reason"
    if by not in GROUPINGS:
        raise RefundInputError(
            _("A report is grouped by reason, month or region."), code="report_by_invalid"
        )
    try:
        first = parse_period(params["from"]) if params.get("from") else date(today.year, 1, 1)
        last_month = parse_period(params["to"]) if params.get("to") else today.replace(day=1)
    except ValueError:
        raise RefundInputError(_("A month is written YYYY-MM."), code="period_invalid") from None
    if last_month < first:
        raise RefundInputError(_("The range runs backwards."), code="period_invalid")
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
