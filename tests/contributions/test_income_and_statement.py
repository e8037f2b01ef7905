"""Income, participation and the statement, from documents loaded through the real import."""

from datetime import date
from decimal import Decimal
from fractions import Fraction
from io import BytesIO

import pytest
from openpyxl import load_workbook
from rest_framework.test import APIClient

from benefits.rules import average_income, stazh_months
from contributions.calculations import PayerMonth, income_by_month
from contributions.selectors import (
    contribution_payer_months,
    contribution_periods,
    due_dates,
    monthly_incomes,
)
from gfss.api.permissions import Scope
from gfss.common.periods import add_months, periods_between
from gfss.legal.calendar import next_working_day_on_or_after
from gfss.legal.models import CalendarException
from gfss.legal.selectors import parameter_set
from gfss.org.models import Role
from participants.models import Person
from tests.contributions.documents import document, line_for, load
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def _pay_monthly(person, *, payer, first, last, amount, paid_day=10):
    """One document a month, paid on ``paid_day`` of the following month."""
    for period in periods_between(first, last):
        value_date = add_months(period, 1).replace(day=paid_day)
        load(
            document(
                payer_idn=payer,
                value_date=value_date,
                lines=[line_for(person, amount, period)],
            )
        )


def _average_and_stazh(person, *, right_date, months):
    params = parameter_set()
    first, end = add_months(right_date.replace(day=1), -months), right_date.replace(day=1)
    incomes = monthly_incomes(
        person_ids=[person.pk],
        first=first,
        last=add_months(end, -1),
        params=params,
        received_before=right_date,
    )[person.pk]
    periods = contribution_periods(person_ids=[person.pk], before=right_date)[person.pk]
    average = average_income(incomes, right_date=right_date, months=months)
    return average, stazh_months(periods, right_date=right_date)


def test_golden_job_loss_from_contributions():
    # given 24 months of 17,500 SO from one payer (golden job-loss-from-contributions)
    person = PersonFactory()
    _pay_monthly(
        person,
        payer="150540012348",
        first=date(2023, 1, 1),
        last=date(2024, 12, 1),
        amount="17500.00",
    )
    # when the facts are derived for a right on 2025-01-15
    average, stazh = _average_and_stazh(person, right_date=date(2025, 1, 15), months=24)
    # then the golden numbers come out: 24 × 17,500 / 0.035 / 24
    assert (average, stazh) == (Fraction(495000), 24)


def test_golden_maternity_two_payers_capped():
    # given two payers for 2024, one above the 7 MZP cap (golden maternity-two-payers-capped)
    person = PersonFactory()
    for payer, amount in (("150540012348", "25000.00"), ("940140000385", "3500.00")):
        _pay_monthly(
            person, payer=payer, first=date(2024, 1, 1), last=date(2024, 12, 1), amount=amount
        )
    # when the 12-month facts are derived for a right on 2025-02-01
    average, stazh = _average_and_stazh(person, right_date=date(2025, 2, 1), months=12)
    # then each payer is capped before summing: 11 months of (595,000 + 100,000), ÷ 12, exactly
    assert (average, stazh) == (Fraction(11 * 695000, 12), 12)


def test_contributions_received_after_the_application_do_not_count():
    # given a month paid late, after the application date
    person = PersonFactory()
    load(
        document(
            payer_idn="150540012348",
            value_date=date(2024, 6, 10),
            lines=[line_for(person, "17500.00", date(2024, 5, 1))],
        )
    )
    load(
        document(
            payer_idn="150540012348",
            value_date=date(2024, 8, 1),
            lines=[line_for(person, "17500.00", date(2024, 6, 1))],
        )
    )
    # when the months are read as of 2024-07-15
    rows = contribution_payer_months(
        person_ids=[person.pk],
        first=date(2024, 1, 1),
        last=date(2024, 12, 1),
        received_before=date(2024, 7, 15),
    )
    # then the late payment is not there
    assert [row.period for row in rows[person.pk]] == [date(2024, 5, 1)]


def test_many_persons_are_read_in_one_query(django_assert_num_queries):
    people = [PersonFactory() for _ in range(30)]
    load(
        document(
            payer_idn="150540012348",
            lines=[line_for(p, "1000.00", date(2024, 5, 1)) for p in people],
        )
    )
    ids = [p.pk for p in people]
    with django_assert_num_queries(1):
        rows = contribution_payer_months(
            person_ids=ids, first=date(2024, 1, 1), last=date(2024, 12, 1)
        )
    with django_assert_num_queries(1):
        periods = contribution_periods(person_ids=ids, before=date(2025, 1, 1))
    assert all(len(rows[i]) == 1 for i in ids)
    assert all(periods[i] == {date(2024, 5, 1)} for i in ids)


def test_income_is_capped_per_payer_then_summed_and_reversals_net_out():
    # given payer-months including a cap, two payers and a reversal
    rows = [
        PayerMonth("1", date(2024, 5, 1), Decimal("25000.00")),
        PayerMonth("2", date(2024, 5, 1), Decimal("3500.00")),
        PayerMonth("1", date(2017, 6, 1), Decimal("15000.00")),
        PayerMonth("1", date(2022, 5, 1), Decimal("7000.00")),
        PayerMonth("1", date(2022, 5, 1), Decimal("-7000.00")),
    ]
    # when
    incomes = income_by_month(rows, params=parameter_set())
    # then 2024: min(25000 / 0.035, 7 × 85000) + 3500 / 0.035; 2017: capped at 10 × 24459
    assert incomes == {
        date(2024, 5, 1): Decimal("595000") + Decimal("100000"),
        date(2017, 6, 1): Decimal("244590"),
    }


def test_bulk_due_dates_agree_with_the_calendar_and_move_off_holidays():
    # given an administrator's extra day off on a 25th
    CalendarException.objects.create(day=date(2024, 6, 25), kind="day_off")
    periods = list(periods_between(date(2019, 1, 1), date(2025, 12, 1)))
    # when the due dates are read in bulk
    dues = due_dates(periods)
    # then they agree with the calendar, and the day off and a Sunday 25th move
    assert all(
        dues[p] == next_working_day_on_or_after(add_months(p, 1).replace(day=25)) for p in periods
    )
    assert dues[date(2024, 5, 1)] == date(2024, 6, 26)
    assert dues[date(2024, 7, 1)] == date(2024, 8, 26)  # 25 August 2024 is a Sunday


# --- statement --------------------------------------------------------------------------------


@pytest.fixture
def history():
    """A person paid for Jan-Mar 2024, March late (value date after the due date)."""
    person = PersonFactory()
    for period, value_date in (
        (date(2024, 1, 1), date(2024, 2, 10)),
        (date(2024, 2, 1), date(2024, 3, 25)),
        (date(2024, 3, 1), date(2024, 5, 3)),
    ):
        load(
            document(
                payer_idn="150540012348",
                value_date=value_date,
                lines=[line_for(person, "10000.00", period)],
            )
        )
    return person


def test_statement_api_gives_each_month_on_time_or_late_and_totals(partner_api, history):
    client = partner_api(Scope.STATEMENTS)
    response = client.get(f"/api/v1/persons/{history.iin}/statement?from=2024-01&to=2024-06")
    assert response.status_code == 200
    body = response.json()
    assert [m["period"] for m in body["months"]] == ["2024-01", "2024-02", "2024-03"]
    assert [m["lines"][0]["on_time"] for m in body["months"]] == [True, True, False]
    assert body["months"][2]["lines"][0]["due_date"] == "2024-04-25"
    assert (body["total_contributions"], body["lines_late"]) == ("30000.00", 1)
    assert (body["participation_months"], body["participation_months_total"]) == (3, 3)


@pytest.mark.parametrize(
    "query", ["from=2024-13&to=2024-12", "from=2024&to=2024-12", "from=2024-06&to=2024-01"]
)
def test_statement_with_a_bad_period_is_400_period_invalid(partner_api, history, query):
    client = partner_api(Scope.STATEMENTS)
    response = client.get(f"/api/v1/persons/{history.iin}/statement?{query}")
    assert (response.status_code, response.json()["code"]) == (400, "period_invalid")


def test_statement_of_another_branchs_person_is_404_and_needs_the_scope(
    make_staff, partner_api, history
):
    client = APIClient()
    client.force_authenticate(make_staff(Role.SPECIALIST, region="71"))
    assert client.get(f"/api/v1/persons/{history.iin}/statement").status_code == 404
    client.force_authenticate(make_staff(Role.SPECIALIST, region="75"))
    assert client.get(f"/api/v1/persons/{history.iin}/statement").status_code == 200
    assert (
        partner_api(Scope.PAYMENTS).get(f"/api/v1/persons/{history.iin}/statement").status_code
        == 403
    )


def test_statement_page_prints_and_downloads_xlsx_and_pdf(client, make_staff, history):
    client.force_login(make_staff(Role.SPECIALIST, region="75"))
    url = f"/en/contributions/statement/{history.iin}/?from=2024-01&to=2024-03"
    page = client.get(url).content.decode()
    xlsx = client.get(url + "&format=xlsx")
    pdf = client.get(url + "&format=pdf")
    assert "late" in page
    assert "30,000.00" in page
    sheet = load_workbook(BytesIO(xlsx.content)).active
    values = [cell for row in sheet.iter_rows(values_only=True) for cell in row]
    assert history.iin in values
    assert Decimal("10000.00") in [
        Decimal(str(v)) for v in values if isinstance(v, (int, float, Decimal))
    ]
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    other = make_staff(Role.SPECIALIST, region="71")
    client.force_login(other)
    assert client.get(url).status_code == 404
    assert Person.objects.count() == 1
