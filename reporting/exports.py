"""A report table as CSV (streamed row by row) or XLSX (openpyxl's write-only mode), with
the numbers as numbers: money to the tiyn, shares and averages to one decimal; and the
monthly monitoring list as XLSX for the regions."""

import csv
from collections.abc import Iterator
from decimal import Decimal
from io import BytesIO
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook

from gfss.common.money import round_kzt
from reporting.filters import ReportFilters
from reporting.indicators.payers import FallingPayer
from reporting.tables import BY_ROW, COUNT, MONEY, TEXT, Table

_ONE_DECIMAL = Decimal("0.1")


def _value(value: Any, kind: str) -> Any:
    if value is None or value == "":
        return None
    if kind == TEXT:
        return str(value)
    if kind == COUNT:
        return int(value)
    if kind == MONEY:
        return round_kzt(Decimal(value))
    return round_kzt(Decimal(value), places=_ONE_DECIMAL)


def table_rows(table: Table) -> Iterator[list[Any]]:
    """The header, then ``typed_rows``."""
    yield [str(c.label) for c in table.columns]
    yield from typed_rows(table)


def typed_rows(table: Table) -> Iterator[list[Any]]:
    """Each row, the total last, as typed values in the columns' order."""
    rows = [*table.rows, *([table.total] if table.total else [])]
    for row in rows:
        yield [
            _value(row.get(c.key), row.get("kind", TEXT) if c.kind == BY_ROW else c.kind)
            for c in table.columns
        ]


class _Echo:
    def write(self, value: str) -> str:
        return value


def table_csv(table: Table) -> Iterator[str]:
    writer = csv.writer(_Echo())
    for row in table_rows(table):
        yield writer.writerow(["" if v is None else v for v in row])


def table_xlsx(table: Table, *, filters: ReportFilters) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=table.slug[:31])
    sheet.append([str(table.title)])
    sheet.append(
        [f"{filters.year}", str(filters.region) if filters.region else "", filters.benefit or ""]
    )
    for row in table_rows(table):
        sheet.append(row)
    out = BytesIO()
    workbook.save(out)
    return out.getvalue()


def falling_payers_xlsx(rows: list[FallingPayer], *, month_text: str) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = month_text
    sheet.append(
        [
            _("Region"),
            _("Payer BIN/IIN"),
            _("Payer"),
            _("Participants, previous month"),
            _("Participants, this month"),
            _("Fall, %"),
        ]
    )
    for row in rows:
        sheet.append(
            [
                str(row.region) if row.region else "",
                row.idn,
                row.name,
                row.participants_before,
                row.participants_now,
                row.fall_percent,
            ]
        )
    out = BytesIO()
    workbook.save(out)
    return out.getvalue()
