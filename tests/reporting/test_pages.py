"""The dashboard, the annual report and the exports, as each role sees them."""

import csv
import io
from datetime import date

import pytest
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from gfss.org.models import Role
from reporting.models import EmployedPopulation
from reporting.summaries import summaries_as_of, summaries_refresh
from tests.contributions.documents import document, line_for, load
from tests.factories import PayerFactory, PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def contributions_2024() -> None:
    """Two participants in Almaty city and one in Astana paid for March 2024."""
    payer = PayerFactory()
    astana = PersonFactory()
    astana.region_id = type(astana.region).objects.get(code="71").pk
    astana.save(update_fields=["region"])
    load(
        document(
            payer_idn=payer.idn,
            lines=[
                line_for(PersonFactory(), "3500.00", date(2024, 3, 1)),
                line_for(PersonFactory(), "7000.00", date(2024, 3, 1)),
                line_for(astana, "3500.00", date(2024, 3, 1)),
            ],
            value_date=date(2024, 4, 20),
        )
    )
    EmployedPopulation.objects.create(
        year=2024, region=astana.region, persons=2, source="statistics bureau"
    )
    summaries_refresh(trigger="command")


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_analyst_sees_every_region_with_charts_and_tables(
    make_staff, contributions_2024
) -> None:
    page = _client(make_staff(Role.ANALYST)).get("/ru/reporting/?year=2024")
    assert page.status_code == 200
    html = page.content.decode()
    assert "город Алматы" in html
    assert "город Астана" in html
    assert html.count("<svg") >= 3
    # a strict CSP: no script, no inline style, in the page or in its charts
    assert "<script" not in html
    assert "style=" not in html
    assert "<style" not in html


def test_the_branch_head_sees_the_own_region_only(make_staff, contributions_2024) -> None:
    client = _client(make_staff(Role.HEAD, region="71"))
    html = client.get("/ru/reporting/?year=2024").content.decode()
    assert "город Астана" in html
    assert "город Алматы" not in html
    refused = client.get("/ru/reporting/?year=2024&region=75")
    assert refused.status_code == 400
    assert "только своего филиала" in refused.content.decode()


def test_who_reads_no_reports_is_refused(make_staff, django_user_model) -> None:
    for user in (
        make_staff(Role.REFUND_OFFICER),
        django_user_model.objects.create_user(username="no-profile", password="x-1234-word"),
    ):
        client = _client(user)
        assert client.get("/ru/reporting/").status_code == 403
        assert client.get("/ru/reporting/export/coverage.csv").status_code == 403
        assert client.get("/ru/reporting/annual/").status_code == 403


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("year=1999", "Год должен быть числом"),
        ("year=abc", "Год должен быть числом"),
        ("region=99", "Нет региона с кодом 99"),
        ("benefit=pension", "Нет социальной выплаты pension"),
    ],
)
def test_a_bad_filter_is_a_message_on_the_page(make_staff, query: str, message: str) -> None:
    page = _client(make_staff(Role.ANALYST)).get(f"/ru/reporting/?{query}")
    assert page.status_code == 400
    assert message in page.content.decode()


def test_a_year_without_data_says_so(make_staff) -> None:
    html = _client(make_staff(Role.ANALYST)).get("/en/reporting/?year=2010").content.decode()
    assert "There is no data for 2010." in html


def test_csv_and_xlsx_exports_carry_the_table(make_staff, contributions_2024) -> None:
    client = _client(make_staff(Role.ANALYST))
    response = client.get("/en/reporting/export/coverage.csv?year=2024")
    assert response["Content-Disposition"] == 'attachment; filename="coverage-2024.csv"'
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:2] == ["Region", "Participants"]
    by_region = {row[0]: row for row in rows[1:]}
    assert by_region["Astana city"][1] == "1"
    assert by_region["Astana city"][5] == "50.0"  # 1 of the 2 employed entered
    assert by_region["Total"][1] == "3"
    workbook = load_workbook(
        io.BytesIO(client.get("/en/reporting/export/receipts.xlsx?year=2024").content)
    )
    sheet = workbook.active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    april = next(row for row in values if row[0] == "April 2024")
    assert april[2] == 14000
    assert client.get("/en/reporting/export/nothing.csv?year=2024").status_code == 404
    assert client.get("/en/reporting/export/coverage.csv?year=1999").status_code == 400


def test_the_annual_report_has_the_rows_of_the_report_in_every_language(
    make_staff, contributions_2024
) -> None:
    client = _client(make_staff(Role.ANALYST))
    english = client.get("/en/reporting/annual/?year=2024").content.decode()
    for row in (
        "Participants with at least one contribution in the year",
        "Share of the employed covered, %",
        "Receipts including penalties, tenge",
        "Loss of working capacity",
        "Pregnancy and childbirth, adoption",
        "Decisions within 4 working days, %",
        "Refunds of excess or erroneous contributions",
        "Payers owing penalties (today)",
    ):
        assert row in english
    assert "14,000" in english
    russian = client.get("/ru/reporting/annual/?year=2024").content.decode()
    assert "Годовой отчёт за 2024 год" in russian
    kazakh = client.get("/kk/reporting/annual/?year=2024").content.decode()
    assert "2024 жылғы жылдық есеп" in kazakh
    # 2022 has no data here: the same rows, no figures, and it says so
    empty = client.get("/en/reporting/annual/?year=2022").content.decode()
    assert "There is no data for 2022" in empty
    assert "Receipts including penalties, tenge" in empty


def test_the_annual_report_prints_to_pdf_with_a_cyrillic_font(
    make_staff, contributions_2024
) -> None:
    response = _client(make_staff(Role.ANALYST)).get("/ru/reporting/annual/?year=2024&format=pdf")
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert b"FontFile2" in response.content  # the TrueType font is embedded


def test_the_home_page_keeps_the_work_counters_and_links_the_reports(make_staff) -> None:
    head = _client(make_staff(Role.HEAD)).get("/en/").content.decode()
    assert "Open e-cases" in head
    assert "/en/reporting/" in head
    refunds = _client(make_staff(Role.REFUND_OFFICER)).get("/en/").content.decode()
    assert "Open e-cases" not in refunds
    assert "/en/reporting/" not in refunds


def test_the_annual_report_and_the_forecast_export_their_tables(
    make_staff, contributions_2024
) -> None:
    client = _client(make_staff(Role.ANALYST))
    page = client.get("/en/reporting/annual/?year=2024").content.decode()
    assert "/en/reporting/export/annual-coverage.csv?year=2024" in page
    rows = list(
        csv.reader(
            io.StringIO(
                b"".join(
                    client.get(
                        "/en/reporting/export/annual-coverage.csv?year=2024"
                    ).streaming_content
                ).decode()
            )
        )
    )
    participants = next(row for row in rows if row[0].startswith("Participants with"))
    assert participants[1] == "3"
    assert (
        "/en/reporting/export/forecast-receipts.xlsx"
        in client.get("/en/reporting/forecast/").content.decode()
    )
    sheet = load_workbook(
        io.BytesIO(client.get("/en/reporting/export/forecast-assumptions.xlsx").content)
    ).active
    assert sheet.cell(1, 1).value
    assert client.get("/en/reporting/export/annual-nothing.csv?year=2024").status_code == 404


@pytest.mark.parametrize(("language", "words"), [("ru", "Данные на"), ("kk", "Деректер уақыты:")])
@pytest.mark.parametrize("path", ["/reporting/?year=2024", "/reporting/monitoring/"])
def test_the_report_pages_write_the_figures_date_as_every_page_does(
    make_staff, contributions_2024, language: str, words: str, path: str
) -> None:
    # the summaries' time, in the local time zone, written 02.12.2026 11:47 as the other pages do
    built = timezone.localtime(summaries_as_of())
    html = _client(make_staff(Role.ANALYST)).get(f"/{language}{path}").content.decode()
    assert f"{words} {built:%d.%m.%Y %H:%M}" in html
    assert " г. " not in html
