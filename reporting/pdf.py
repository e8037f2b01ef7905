"""The annual report as a PDF: each table of the page, in the active language, numbers in the
reports' one format, with the Cyrillic font of ``gfss.common.pdf``."""

from django.utils.translation import gettext as _
from fpdf import FPDF

from gfss.common import display
from gfss.common.pdf import pdf_font_path
from reporting.annual import AnnualReport
from reporting.tables import TEXT, Table

_PAGE_WIDTH = 277  # A4 landscape less the margins, mm


def _widths(table: Table) -> list[float]:
    """The first (text) column takes what the numbers leave."""
    numbers = len(table.columns) - 1
    number_width = 27 if numbers > 1 else 60
    first = _PAGE_WIDTH - number_width * numbers if numbers else _PAGE_WIDTH
    return [first, *([number_width] * numbers)]


def _fit(pdf: FPDF, value: str, width: float) -> str:
    """Cut a text to its cell (the page's table shows it whole)."""
    if pdf.get_string_width(value) <= width - 2:
        return value
    while value and pdf.get_string_width(value + "…") > width - 2:
        value = value[:-1]
    return value + "…"


def annual_report_pdf(report: AnnualReport) -> bytes:
    pdf = FPDF(orientation="L", format="A4")
    font = pdf_font_path()
    if font:
        pdf.add_font("report", fname=font)
        family = "report"
    else:
        family = "helvetica"

    def text(value: object) -> str:
        written = str(value)
        return written if font else written.encode("latin-1", "replace").decode("latin-1")

    filters = report.filters
    pdf.set_auto_page_break(auto=True, margin=12)
    pdf.add_page()
    pdf.set_font(family, size=15)
    title = _("Annual report for %(year)s") % {"year": filters.year}
    pdf.cell(0, 9, text(title), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(family, size=9)
    scope = str(filters.region) if filters.region else _("All regions")
    as_of = (
        f"{_('Figures as of')} {display.day(report.as_of)}"
        if report.as_of
        else _("The summaries of the figures have not been built yet.")
    )
    pdf.cell(0, 6, text(f"{scope} · {as_of}"), new_x="LMARGIN", new_y="NEXT")
    for table in report.tables:
        pdf.ln(3)
        pdf.set_font(family, size=11)
        pdf.cell(0, 7, text(table.title), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(family, size=7 if len(table.columns) > 4 else 8)
        widths = _widths(table)
        header_height = 10 if len(table.columns) > 4 else 6
        x, y = pdf.l_margin, pdf.get_y()
        for width, column in zip(widths, table.columns, strict=True):
            pdf.rect(x, y, width, header_height)
            pdf.set_xy(x, y + 0.5)
            pdf.multi_cell(width, 3.2, text(column.label), border=0)
            x += width
        pdf.set_xy(pdf.l_margin, y + header_height)
        footer = table.footer()
        rows = [*table.body(), *([footer] if footer else [])]
        if not rows:
            pdf.cell(
                0, 6, text(table.note or _("No data for this year.")), new_x="LMARGIN", new_y="NEXT"
            )
            continue
        for cells in rows:
            for width, (kind, shown) in zip(widths, cells, strict=True):
                pdf.cell(
                    width,
                    5,
                    _fit(pdf, text(shown), width),
                    border=1,
                    align="L" if kind == TEXT else "R",
                )
            pdf.ln()
    return bytes(pdf.output())
