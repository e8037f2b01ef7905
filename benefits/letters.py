"""The decision letter: the notice of an assignment or a refusal handed to the applicant.

It is written in the applicant's language (``Application.language``, from the State
Corporation's request, Kazakh by default), whatever the language of the specialist's page, and
says what was decided, the amounts and the period, the reasons and the legal articles. One
``Letter`` feeds the printable page and the PDF, so both say the same.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from fpdf import FPDF

from benefits.models import Application
from benefits.refusals import legal_ground
from gfss.common import display
from gfss.common.pdf import pdf_font_path

LETTER_STATUSES = (Application.Status.ASSIGNED, Application.Status.REFUSED)


@dataclass(frozen=True)
class Letter:
    language: str
    issuer: str
    number: str
    date: str
    addressee: str
    title: str
    paragraphs: list[str]
    rows: list[tuple[str, str]] = field(default_factory=list)
    ground: str = ""
    signatures: list[tuple[str, str]] = field(default_factory=list)


def _person(user: object) -> str:
    return user.get_full_name() or user.username  # type: ignore[attr-defined]


def _assignment(application: Application) -> tuple[list[str], list[tuple[str, str]]]:
    award = getattr(application, "award", None)
    benefit = application.get_benefit_display()
    paragraphs = [
        _(
            "The social payment “%(benefit)s” is assigned to you from the State Social Insurance Fund."
        )
        % {"benefit": benefit}
    ]
    rows: list[tuple[str, str]] = []
    if award is not None:
        amount = award.amounts.order_by("valid_from", "id").first()
        if award.lump_sum:
            rows.append((pgettext("letter", "Paid"), _("once")))
        else:
            until = display.day(award.end_date - timedelta(days=1)) if award.end_date else ""
            rows.append(
                (
                    _("Period"),
                    _("from %(start)s to %(end)s")
                    % {"start": display.day(award.start_date), "end": until}
                    if until
                    else _("from %(start)s") % {"start": display.day(award.start_date)},
                )
            )
        if amount is not None:
            rows += [
                (_("Gross"), display.money(amount.gross)),
                (_("Pension contributions withheld"), display.money(amount.opv)),
                (_("Payable"), display.money(amount.net)),
            ]
    return paragraphs, rows


def _refusal(application: Application) -> tuple[list[str], list[tuple[str, str]]]:
    paragraphs = [
        _("The social payment “%(benefit)s” is refused to you.")
        % {"benefit": application.get_benefit_display()},
    ]
    rows = [(_("Reason"), application.get_refusal_code_display())]
    if application.decision_comment:
        rows.append((_("Reasons for the applicant"), application.decision_comment))
    return paragraphs, rows


def decision_letter(application: Application) -> Letter:
    """The letter of a decided case, in the applicant's language."""
    with translation.override(application.language):
        refused = application.status == Application.Status.REFUSED
        paragraphs, rows = _refusal(application) if refused else _assignment(application)
        decided_on = application.confirmed_at or application.decided_at
        paragraphs.append(
            _("You applied on %(received)s; the date the right arises is %(right)s.")
            % {
                "received": display.day(application.received_on),
                "right": display.day(application.right_date),
            }
        )
        paragraphs.append(_("The decision may be appealed in the manner established by law."))
        signatures = []
        if application.decided_by is not None:
            signatures.append((_("Specialist"), _person(application.decided_by)))
        if application.confirmed_by is not None:
            signatures.append((_("Branch head"), _person(application.confirmed_by)))
        return Letter(
            language=application.language,
            issuer=f"{_('State Social Insurance Fund')} · {application.branch.name}",
            number=str(application.uuid).split("-")[0].upper(),
            date=display.day(decided_on.date()) if decided_on else "",
            addressee=f"{application.person.full_name}, {_('IIN')} {application.person.iin}",
            title=(
                _("Notice of the refusal to assign a social payment")
                if refused
                else _("Notice of the assignment of a social payment")
            ),
            paragraphs=[str(p) for p in paragraphs],
            rows=[(str(label), str(value)) for label, value in rows],
            ground=str(
                legal_ground(
                    benefit=application.benefit,
                    reason=application.refusal_code if refused else "",
                )
            ),
            signatures=[(str(role), name) for role, name in signatures],
        )


def decision_letter_pdf(letter: Letter) -> bytes:
    """The letter as an A4 PDF: header, addressee, title, text, the table, ground, signatures."""
    pdf = FPDF(format="A4")
    font = pdf_font_path()
    family = "letter" if font else "helvetica"
    if font:
        pdf.add_font("letter", fname=font)

    def text(value: str) -> str:
        return value if font else value.encode("latin-1", "replace").decode("latin-1")

    with translation.override(letter.language):
        pdf.add_page()
        pdf.set_font(family, size=10)
        pdf.multi_cell(0, 5, text(letter.issuer), new_x="LMARGIN", new_y="NEXT")
        pdf.cell(0, 5, text(f"№ {letter.number} · {letter.date}"), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(4)
        pdf.multi_cell(0, 5, text(letter.addressee), align="R", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(6)
        pdf.set_font(family, size=13)
        pdf.multi_cell(0, 7, text(letter.title), align="C", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(4)
        pdf.set_font(family, size=11)
        pdf.multi_cell(0, 6, text(letter.paragraphs[0]), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)
        for label, value in letter.rows:
            pdf.cell(60, 7, text(label), border=1)
            pdf.multi_cell(0, 7, text(value), border=1, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)
        if letter.ground:
            pdf.multi_cell(
                0,
                6,
                text(f"{_('Legal ground')}: {letter.ground}"),
                new_x="LMARGIN",
                new_y="NEXT",
            )
        for paragraph in letter.paragraphs[1:]:
            pdf.multi_cell(0, 6, text(paragraph), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(10)
        for role, name in letter.signatures:
            pdf.cell(70, 7, text(role))
            pdf.cell(60, 7, "______________")
            pdf.cell(0, 7, text(name), new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
