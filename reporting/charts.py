"""Charts drawn on the server as SVG: no script, no CDN, no inline style (the colours and
fonts are classes of the stylesheet), so they print, export and pass a strict CSP. Each chart
is drawn from its table, which the page shows below it."""

from decimal import Decimal
from typing import Any

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from reporting.tables import Table, show

WIDTH = 760
BAR_HEIGHT = 18
BAR_GAP = 6
LABEL_WIDTH = 230
LINE_HEIGHT = 240


# Kazakh and Russian letters are about 7.5 units wide at the chart font: 29 fit in the column.
LABEL_CHARS = 29


def _short(text: str) -> str:
    """A label that fits left of the bars; the table below has it whole."""
    return text if len(text) <= LABEL_CHARS else text[: LABEL_CHARS - 1] + "…"


def _tick(label: str) -> str:
    """A month ("March 2026") as its first letters; any other label whole."""
    month, _, year = label.rpartition(" ")
    return month[:3] if month and year.isdigit() else label


def _number(value: Any) -> Decimal:
    return Decimal(value) if value not in (None, "") else Decimal(0)


def _kind(table: Table, key: str) -> str:
    return next(c.kind for c in table.columns if c.key == key)


def _label(table: Table, key: str) -> str:
    return str(next(c.label for c in table.columns if c.key == key))


def _svg(body: list[str], *, height: int, title: str) -> SafeString:
    return mark_safe(  # noqa: S308  # every text inside went through escape()
        f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>'
        + "".join(body)
        + "</svg>"
    )


def _legend(table: Table, keys: tuple[str, ...], *, y: int) -> list[str]:
    parts, x = [], LABEL_WIDTH
    for index, key in enumerate(keys):
        parts.append(
            f'<rect class="series-{index}" x="{x}" y="{y}" width="12" height="12"/>'
            f'<text class="legend" x="{x + 16}" y="{y + 10}">{escape(_label(table, key))}</text>'
        )
        x += 30 + 8 * len(_label(table, key))
    return parts


def bars(table: Table) -> SafeString:
    spec = table.chart
    assert spec is not None
    key = spec.values[0]
    values = [_number(row.get(key)) for row in table.rows]
    top = max(values, default=Decimal(0)) or Decimal(1)
    span = WIDTH - LABEL_WIDTH - 90
    body = []
    for index, (row, value) in enumerate(zip(table.rows, values, strict=True)):
        y = index * (BAR_HEIGHT + BAR_GAP)
        width = int(span * value / top) if value > 0 else 0
        text = escape(_short(str(row.get(spec.label, ""))))
        body.append(
            f'<text class="label" x="{LABEL_WIDTH - 6}" y="{y + 13}">{text}</text>'
            f'<rect class="bar series-0" x="{LABEL_WIDTH}" y="{y}" width="{width}" '
            f'height="{BAR_HEIGHT}"/>'
            f'<text class="value" x="{LABEL_WIDTH + width + 4}" y="{y + 13}">'
            f"{escape(show(row.get(key), _kind(table, key)))}</text>"
        )
    height = max(len(table.rows), 1) * (BAR_HEIGHT + BAR_GAP)
    return _svg(body, height=height, title=f"{table.title}: {_label(table, key)}")


def shares(table: Table) -> SafeString:
    """One stacked bar per row: each value's share of the row's sum."""
    spec = table.chart
    assert spec is not None
    span = WIDTH - LABEL_WIDTH - 10
    body = []
    for index, row in enumerate(table.rows):
        y = index * (BAR_HEIGHT + BAR_GAP)
        parts = [_number(row.get(k)) for k in spec.values]
        whole = sum(parts) or Decimal(1)
        body.append(
            f'<text class="label" x="{LABEL_WIDTH - 6}" y="{y + 13}">'
            f"{escape(_short(str(row.get(spec.label, ''))))}</text>"
        )
        x = Decimal(LABEL_WIDTH)
        for series, part in enumerate(parts):
            width = span * part / whole
            body.append(
                f'<rect class="bar series-{series}" x="{x:.1f}" y="{y}" width="{width:.1f}" '
                f'height="{BAR_HEIGHT}"/>'
            )
            if part and width > 40:
                body.append(
                    f'<text class="inside" x="{x + 4:.1f}" y="{y + 13}">'
                    f"{escape(show(part, 'count'))}</text>"
                )
            x += width
    height = len(table.rows) * (BAR_HEIGHT + BAR_GAP)
    body += _legend(table, spec.values, y=height + 4)
    return _svg(body, height=height + 22, title=table.title)


def line(table: Table) -> SafeString:
    spec = table.chart
    assert spec is not None
    left, bottom, plot_height = 90, 30, LINE_HEIGHT - 60
    span = WIDTH - left - 20
    series = [[_number(row.get(k)) for row in table.rows] for k in spec.values]
    top = max((v for values in series for v in values), default=Decimal(0)) or Decimal(1)
    n = max(len(table.rows), 1)
    step = Decimal(span) / max(n - 1, 1)
    body = []
    for tick in range(5):
        value = top * tick / 4
        y = plot_height - plot_height * tick / 4 + 10
        body.append(
            f'<line class="grid" x1="{left}" x2="{WIDTH - 20}" y1="{y:.1f}" y2="{y:.1f}"/>'
            f'<text class="axis" x="{left - 6}" y="{y + 4:.1f}">'
            f"{escape(show(value, _kind(table, spec.values[0])))}</text>"
        )
    for index, row in enumerate(table.rows):
        x = left + step * index
        label = str(row.get(spec.label, ""))
        body.append(
            f'<text class="tick" x="{x:.1f}" y="{plot_height + 28}">{escape(_tick(label))}</text>'
        )
    for number, values in enumerate(series):
        points = " ".join(
            f"{left + step * i:.1f},{plot_height - plot_height * v / top + 10:.1f}"
            for i, v in enumerate(values)
        )
        body.append(f'<polyline class="line series-{number}" points="{points}"/>')
        body += [
            f'<circle class="dot series-{number}" cx="{left + step * i:.1f}" '
            f'cy="{plot_height - plot_height * v / top + 10:.1f}" r="3"/>'
            for i, v in enumerate(values)
        ]
    body += _legend(table, spec.values, y=LINE_HEIGHT - bottom + 12)
    return _svg(body, height=LINE_HEIGHT, title=table.title)


def chart_svg(table: Table) -> SafeString | None:
    if table.chart is None or table.is_empty:
        return None
    return {"bars": bars, "share": shares, "line": line}[table.chart.kind](table)
