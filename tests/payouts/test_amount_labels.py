"""Every amount on the e-case, its award and the person card says what it is: the gross
assigned, the OPV withheld from it, the net paid; a month's three figures add up as read."""

from datetime import date
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.template.loader import render_to_string
from django.test import Client
from django.utils import translation

from benefits.models import BenefitType
from benefits.services.applications import application_assign
from payouts.services.payments import payment_run_start
from tests.benefits.cases import case_received, documents_for, insured_person
from tests.payouts.conftest import run_to_end

pytestmark = pytest.mark.django_db

LABELS = {
    "ru": {
        "gross": "Начислено (брутто)",
        "opv": "ОПВ 10 %",
        "net": "К выплате (нетто)",
        "paid": "Выплачено (нетто)",
        "assigned": "Назначенная сумма (брутто, до удержания ОПВ)",
        "monthly_net": "К выплате в месяц (нетто, после удержания ОПВ)",
    },
    "kk": {
        "gross": "Есептелді (брутто)",
        "opv": "МЗЖ 10 %",
        "net": "Төленетін сома (нетто)",
        "paid": "Төленді (нетто)",
        "assigned": "Тағайындалған сома (брутто, МЗЖ ұсталғанға дейін)",
        "monthly_net": "Айына төленетін сома (нетто, МЗЖ ұсталғаннан кейін)",
    },
}


class _Tables(HTMLParser):
    """The page's tables as a reader sees them: rows of cell texts, and each table's
    ``id``/``class``; the header rows (``th``) come first like the others."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[dict] = []
        self.open: list[dict] = []
        self.cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            table = {"attrs": dict(attrs), "rows": []}
            self.tables.append(table)
            self.open.append(table)
        elif tag == "tr" and self.open:
            self.open[-1]["rows"].append([])
        elif tag in ("td", "th") and self.open:
            self.cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "table" and self.open:
            self.open.pop()
        elif tag in ("td", "th") and self.open and self.cell is not None:
            self.open[-1]["rows"][-1].append(" ".join("".join(self.cell).split()))
            self.cell = None

    def handle_data(self, data: str) -> None:
        if self.cell is not None:
            self.cell.append(data)


def tables(page: str) -> list[dict]:
    parser = _Tables()
    parser.feed(page)
    return parser.tables


def table(page: str, *, css: str = "", id: str = "") -> list[list[str]]:
    for found in tables(page):
        attrs = found["attrs"]
        if (id and attrs.get("id") == id) or (css and css in (attrs.get("class") or "").split()):
            return found["rows"]
    raise AssertionError(f"no table {css or id}")


def tenge(text: str) -> Decimal:
    """A figure as the page writes it in kk and ru (``90 000,00`` or ``90 000,00 ₸``)."""
    digits = text.replace("₸", "").replace("\u00a0", "").replace(" ", "").replace(",", ".")
    return Decimal(digits)


def _paid_award(specialist):
    """A disability e-case assigned and paid for March and April 2025."""
    documents = documents_for(BenefitType.DISABILITY, period_to=date(2026, 3, 9))
    case = case_received(insured_person(), benefit=BenefitType.DISABILITY, documents=documents)
    application_assign(actor=specialist, application_id=case.pk)
    for month in (3, 4):
        run = run_to_end(payment_run_start(period=date(2025, month, 1), actor=None))
        assert run.status == "done", run.error_report
    case.refresh_from_db()
    return case


def _month_columns(rows: list[list[str]], labels: dict[str, str]) -> dict[str, int]:
    header = rows[0]
    return {key: header.index(labels[key]) for key in ("gross", "opv", "net", "paid")}


@pytest.mark.parametrize("language", ["ru", "kk"])
def test_the_award_months_name_gross_opv_and_net_and_they_add_up(specialist, language) -> None:
    # given: an assigned e-case paid for two months
    case = _paid_award(specialist)
    client = Client()
    client.force_login(specialist)
    labels = LABELS[language]
    # when: the specialist reads the e-case and the person card
    case_page = client.get(f"/{language}/cases/{case.uuid}/").content.decode()
    card = client.get(f"/{language}/persons/{case.person.iin}/").content.decode()
    # then: on both, each column of the months says what it is, and for March the gross is
    # the OPV plus the net, and the net is what was paid
    for page in (case_page, card):
        rows = table(page, css="award-months")
        columns = _month_columns(rows, labels)
        march = next(row for row in rows[1:] if row[0] == "03.2025")
        gross, opv, net, paid = (tenge(march[columns[k]]) for k in ("gross", "opv", "net", "paid"))
        assert gross == opv + net
        assert opv == (gross / 10).quantize(Decimal("0.01"))
        assert net == paid
    # and the award's amounts are headed the same way, their gross the e-case's decision
    amounts = table(case_page, id="award-amounts")
    assert amounts[0][1:4] == [labels["gross"], labels["opv"], labels["net"]]
    decision = {row[0]: row[1] for row in _decision_rows(case_page)}
    assigned = tenge(decision[labels["assigned"]])
    assert assigned == tenge(amounts[1][1])
    assert tenge(decision[labels["opv"]]) + tenge(decision[labels["monthly_net"]]) == assigned
    assert tenge(decision[labels["monthly_net"]]) == tenge(amounts[1][3])


def _decision_rows(page: str) -> list[list[str]]:
    start = page.index('id="decision"')
    return [row for row in tables(page[start:])[0]["rows"] if len(row) == 2]


def test_a_breadwinner_award_says_no_opv_is_withheld() -> None:
    # given / when: the OPV header of a benefit that withholds none
    with translation.override("ru"):
        header = render_to_string("payouts/_opv_header.html", {"percent": None})
    # then
    assert header == "ОПВ (не удерживаются)"
