"""/api/v1/reports/: the indicators for the ministry's systems, with the dashboard's filters."""

from datetime import date

import pytest
from rest_framework.test import APIClient

from gfss.org.models import Role
from reporting.summaries import summaries_refresh
from tests.contributions.documents import document, line_for, load
from tests.factories import PayerFactory, PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def contributions_2024() -> None:
    payer = PayerFactory()
    load(
        document(
            payer_idn=payer.idn,
            lines=[line_for(PersonFactory(), "3500.00", date(2024, 3, 1))],
            value_date=date(2024, 4, 20),
        )
    )
    summaries_refresh(trigger="command")


def test_a_reports_token_reads_every_table(partner_api, contributions_2024) -> None:
    client = partner_api("reports")
    listing = client.get("/api/v1/reports/").json()
    tables = [t["table"] for t in listing["tables"]]
    assert {"coverage", "receipts", "benefits", "kpi", "arrears", "monitoring"} <= set(tables)
    for table in tables:
        assert client.get(f"/api/v1/reports/{table}/?year=2024").status_code == 200, table
    receipts = client.get("/api/v1/reports/receipts/?year=2024").json()
    april = next(row for row in receipts["rows"] if row["month"].startswith(("April", "Апрель")))
    assert april["contributions"] == "3500.00"
    assert receipts["total"]["received"] == "3500.00"
    coverage = client.get("/api/v1/reports/coverage/?year=2024&region=75").json()
    assert coverage["region"] == "75"
    assert coverage["total"]["persons"] == 1


@pytest.mark.parametrize(
    ("query", "field"),
    [("year=1999", "year"), ("region=99", "region"), ("benefit=pension", "benefit")],
)
def test_a_bad_filter_is_a_400_with_its_code(partner_api, query: str, field: str) -> None:
    response = partner_api("reports").get(f"/api/v1/reports/coverage/?{query}")
    assert response.status_code == 400
    assert response.json()["code"] == "report_filter_invalid"
    assert response.json()["extra"]["field"] == field


def test_an_unknown_table_is_a_404(partner_api) -> None:
    response = partner_api("reports").get("/api/v1/reports/pensions/")
    assert response.status_code == 404
    assert response.json()["code"] == "report_unknown"


def test_other_scopes_read_no_reports(partner_api) -> None:
    assert partner_api("payments").get("/api/v1/reports/coverage/").status_code == 403


def test_a_branch_session_reads_its_own_region(make_staff, contributions_2024) -> None:
    client = APIClient()
    client.force_authenticate(make_staff(Role.HEAD, region="71"))
    assert client.get("/api/v1/reports/coverage/?year=2024").json()["region"] == "71"
    assert client.get("/api/v1/reports/coverage/?year=2024&region=75").status_code == 400
