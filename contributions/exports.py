"""Downloads: the statement as XLSX or PDF.

The PDF needs a font with Cyrillic and Kazakh letters: ``gfss.common.pdf`` finds it.
"""

from io import BytesIO

from django.utils.translation import gettext as _
from fpdf import FPDF
from openpyxl import Workbook

from contributions.models import ContributionLine
from contributions.selectors import Statement, StatementLine
from gfss.common.display import day
from gfss.common.pdf import pdf_font_path

_XLSX_MONEY = "#,##0.00"


def _kind(line: StatementLine) -> str:
    """The kind as the statement's page says it; a refund's reversal with its day and
    application."""
    if not line.is_reversal:
        return str(ContributionLine.Kind(line.kind).label)
    said = _("refunded on %(day)s") % {"day": day(line.recorded_on)}
    if line.refund:
        said += f", {_('refund application')} {line.refund.number}"
    return said


def _statement_rows(statement: Statement) -> list[list[object]]:
    return [
        [
            f"{line.period:%Y-%m}",
            line.payer_idn,
            line.payer_name,
            line.amount,
            line.value_date,
            line.due_date,
            _("on time") if line.on_time else _("late"),
            _kind(line),
        ]
        for month in statement.months
        for line in month.lines
    ]


def _statement_headers() -> list[str]:
    return [
        _("Period"),
        _("Payer BIN/IIN"),
        _("Payer"),
        _("Amount"),
        _("Value date"),
        _("Due date"),
        _("On time"),
        _("Kind"),
    ]


def _statement_summary(statement: Statement) -> list[tuple[str, object]]:
    return [
        (_("Contributions, total"), statement.total_contributions),
        (_("Penalties, total"), statement.total_penalties),
        (_("Late payments"), statement.lines_late),
        (_("Months with contributions in the period"), statement.participation_months),
        (_("Participation since 2005, months"), statement.participation_months_total),
    ]


def statement_xlsx(statement: Statement) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Statement")
    sheet.append([_("Statement of social contributions")])
    sheet.append([_("IIN"), statement.person.iin, statement.person.full_name])
    sheet.append([_("Period"), f"{statement.first:%Y-%m}", f"{statement.last:%Y-%m}"])
    sheet.append([])
    sheet.append(_statement_headers())
    for row in _statement_rows(statement):
        sheet.append(row)
        sheet.cell(row=sheet.max_row, column=4).number_format = _XLSX_MONEY
    sheet.append([])
    for label, value in _statement_summary(statement):
        sheet.append([label, value])
    for column, width in zip("ABCDEFGH", (10, 15, 40, 14, 12, 12, 10, 14), strict=True):
        sheet.column_dimensions[column].width = width
    out = BytesIO()
    workbook.save(out)
    return out.getvalue()


def statement_pdf(statement: Statement) -> bytes:
    pdf = FPDF(orientation="L", format="A4")
    font = pdf_font_path()
    if font:
        pdf.add_font("statement", fname=font)
        family = "statement"
    else:
        family = "helvetica"

    def text(value: object) -> str:
        written = str(value)
        return written if font else written.encode("latin-1", "replace").decode("latin-1")

    pdf.add_page()
    pdf.set_font(family, size=14)
    pdf.cell(0, 8, text(_("Statement of social contributions")), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(family, size=10)
    pdf.cell(
        0,
        6,
        text(
            f"{_('IIN')} {statement.person.iin} · {statement.person.full_name} · "
            f"{statement.first:%m.%Y} - {statement.last:%m.%Y}"
        ),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.ln(2)
    widths = (18, 28, 70, 26, 22, 22, 18, 73)
    pdf.set_font(family, size=8)
    for width, header in zip(widths, _statement_headers(), strict=True):
        pdf.cell(width, 6, text(header), border=1)
    pdf.ln()
    for row in _statement_rows(statement):
        cells = [*row]
        cells[3] = f"{row[3]:,.2f}".replace(",", " ")
        for width, value in zip(widths, cells, strict=True):
            pdf.cell(width, 5, text(value)[:60], border=1)
        pdf.ln()
    pdf.ln(3)
    pdf.set_font(family, size=10)
    for label, value in _statement_summary(statement):
        pdf.cell(0, 6, text(f"{label}: {value}"), new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
