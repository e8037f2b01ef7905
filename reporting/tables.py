"""A report table: what every indicator returns, what the pages, charts and exports read.

Values stay typed (``int``, ``Decimal``, ``str``); a column's ``kind`` says how to show them,
so the page, the XLSX, the CSV and the PDF format each number one way.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.functional import Promise

from gfss.common import display

TEXT = "text"
COUNT = "count"
MONEY = "money"  # tenge, shown whole
PERCENT = "percent"  # a share in per cent, one decimal
NUMBER = "number"  # a plain average (age, months), one decimal
BY_ROW = "by_row"  # each row says its kind in ``row["kind"]`` (a table of indicators)


@dataclass(frozen=True)
class Column:
    key: str
    label: str | Promise  # a lazy translation, rendered in the reader's language
    kind: str = COUNT


@dataclass
class Table:
    slug: str
    title: str
    columns: Sequence[Column]
    rows: list[dict[str, Any]]
    total: dict[str, Any] | None = None
    note: str = ""
    chart: "ChartSpec | None" = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def is_empty(self) -> bool:
        return not self.rows

    def cells(self, row: dict[str, Any]) -> list[tuple[str, str]]:
        """Each cell of a row as (kind, shown text), for the templates."""
        kinds = [row.get("kind", TEXT) if c.kind == BY_ROW else c.kind for c in self.columns]
        return [
            (kind, show(row.get(c.key), kind)) for c, kind in zip(self.columns, kinds, strict=True)
        ]

    def body(self) -> list[list[tuple[str, str]]]:
        return [self.cells(row) for row in self.rows]

    def footer(self) -> list[tuple[str, str]] | None:
        return self.cells(self.total) if self.total else None


@dataclass(frozen=True)
class ChartSpec:
    """``kind``: ``bars`` (one bar per row), ``line`` (a time series) or ``share`` (a stacked
    bar of shares). ``label`` and ``values`` are column keys."""

    kind: str
    label: str
    values: tuple[str, ...]


def show(value: Any, kind: str) -> str:
    """A figure of a report as every page writes it (``gfss.common.display``): money with two
    decimals, counts whole, averages and shares to one decimal."""
    if value is None or value == "":
        return "—"
    if kind == TEXT:
        return str(value)
    if kind == MONEY:
        return display.amount(value)
    if kind == COUNT:
        return display.number(value, 0)
    return display.number(value, 1)


def share(part: Any, whole: Any) -> Decimal | None:
    """``part`` as a per cent of ``whole``; none when there is no whole."""
    if not whole:
        return None
    return Decimal(part) * 100 / Decimal(whole)
