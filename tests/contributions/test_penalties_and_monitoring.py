from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook
from rest_framework.test import APIClient

from contributions.calculations import due_date, penalty
from contributions.models import PenaltyAccrual
from contributions.selectors import payer_penalty_balance, payers_in_arrears
from contributions.services import penalties_accrue
from contributions.tasks import penalties_accrue_task
from gfss.api.permissions import Scope
from gfss.legal.data_file import parameter_set_from_file
from gfss.org.models import Region, Role
from participants.models import Payer
from reporting.summaries import summaries_refresh
from tests.contributions.documents import document, line_for, load
from tests.factories import PayerFactory, PersonFactory

PARAMS = parameter_set_from_file()


@pytest.mark.parametrize(
    ("arrears", "due", "paid_on", "expected"),
    [
        # rules.md §2: 100,000 late 10 days at 16.5 % (in force 2023-08-28 .. 2023-10-08)
        ("100000.00", date(2023, 9, 1), date(2023, 9, 11), "565.07"),
        # one day late is the payment day itself
        ("100000.00", date(2023, 9, 1), date(2023, 9, 2), "56.51"),
        # the rate changes on 2023-10-09 (16.5 -> 16.0): 3 days at each
        ("100000.00", date(2023, 10, 5), date(2023, 10, 11), "333.90"),
        ("100000.00", date(2023, 9, 1), date(2023, 9, 1), "0.00"),
        # a tie, exact only in fractions: 87.60 × 10 × 2 × 16.5 % / 365 = 0.495 → 0.50 (a
        # 28-digit decimal ÷ 365 lands just below it and gives 0.49)
        ("87.60", date(2023, 9, 1), date(2023, 9, 11), "0.50"),
    ],
)
def test_penalty_is_the_daily_rate_in_force_summed_then_rounded(arrears, due, paid_on, expected):
    assert penalty(arrears=Decimal(arrears), due=due, paid_on=paid_on, params=PARAMS) == Decimal(
        expected
    )


def test_due_date_is_the_25th_of_the_next_month_moved_past_days_off():
    # given a calendar where 25-26 June 2024 are days off
    days_off = {date(2024, 6, 25), date(2024, 6, 26)}
    # when / then the due date of May moves to the 27th; December's crosses the year
    assert due_date(date(2024, 5, 1), due_day=25, is_working_day=lambda d: d not in days_off) == (
        date(2024, 6, 27)
    )
    assert due_date(date(2024, 12, 1), due_day=25, is_working_day=lambda d: True) == date(
        2025, 1, 25
    )


@pytest.mark.django_db
def test_late_document_accrues_once_and_a_penalty_payment_settles_the_balance(make_staff):
    # given a payer that paid May 2024 ten days late (due 25 June, paid 5 July at 14.5 %)
    payer = PayerFactory()
    people = [PersonFactory() for _ in range(2)]
    load(
        document(
            payer_idn=payer.idn,
            value_date=date(2024, 7, 5),
            lines=[line_for(p, "50000.00", date(2024, 5, 1)) for p in people],
        )
    )
    load(
        document(
            payer_idn=payer.idn,
            value_date=date(2024, 7, 10),
            lines=[line_for(people[0], "50000.00", date(2024, 6, 1))],
        )
    )  # on time
    # when penalties are accrued, twice (the nightly task runs again)
    first = penalties_accrue()
    again = penalties_accrue_task()
    # then one accrual, for the late period only, with its rule inputs
    accrual = PenaltyAccrual.objects.get()
    assert (first.documents, first.accruals, again["accruals"]) == (2, 1, 0)
    assert (accrual.period, accrual.due_date, accrual.days_late) == (
        date(2024, 5, 1),
        date(2024, 6, 25),
        10,
    )
    expected = penalty(
        arrears=Decimal("100000.00"), due=date(2024, 6, 25), paid_on=date(2024, 7, 5), params=PARAMS
    )
    assert accrual.amount == expected == Decimal("496.58")
    balance = payer_penalty_balance(payer=payer)
    assert (balance.accrued, balance.paid, balance.owed) == (expected, Decimal("0.00"), expected)
    staff = make_staff(Role.SPECIALIST, region="75")
    assert [p.idn for p in payers_in_arrears(user=staff)] == [payer.idn]
    # when the payer pays the penalty (KNP 017)
    load(
        document(
            payer_idn=payer.idn,
            knp="017",
            value_date=date(2024, 7, 20),
            lines=[line_for(people[0], str(expected), date(2024, 5, 1))],
        )
    )
    # then nothing is owed any more
    assert payer_penalty_balance(payer=payer).owed == Decimal("0.00")
    assert list(payers_in_arrears(user=staff)) == []


@pytest.mark.django_db
def test_arrears_api_and_page_by_region_for_staff_only(make_staff, partner_api, client):
    payer = PayerFactory()
    load(
        document(
            payer_idn=payer.idn,
            value_date=date(2024, 8, 30),
            lines=[line_for(PersonFactory(), "20000.00", date(2024, 5, 1))],
        )
    )
    penalties_accrue()
    api = APIClient()
    api.force_authenticate(make_staff(Role.ANALYST))
    rows = api.get("/api/v1/payments/arrears/?region=75").json()["results"]
    assert [(r["idn"], r["region"]) for r in rows] == [(payer.idn, "75")]
    assert api.get("/api/v1/payments/arrears/?region=71").json()["count"] == 0
    assert partner_api(Scope.PAYMENTS).get("/api/v1/payments/arrears/").status_code == 403
    client.force_login(make_staff(Role.SPECIALIST, region="71"))
    assert payer.idn not in client.get("/en/contributions/arrears/").content.decode()


# --- monitoring -------------------------------------------------------------------------------


@pytest.fixture
def falling_payers(db):
    """Payer A: 50 -> 20 participants (listed); B: 50 -> 30 (40 %); C: 40 -> 0 (too small)."""
    payers = {
        "A": PayerFactory(),
        "B": PayerFactory(region=Region.objects.get(code="71")),
        "C": PayerFactory(),
    }
    for key, before, after in (("A", 50, 20), ("B", 50, 30), ("C", 40, 0)):
        people = [PersonFactory.build() for _ in range(before)]
        load(
            document(
                payer_idn=payers[key].idn,
                value_date=date(2024, 5, 10),
                lines=[line_for(p, "5000.00", date(2024, 4, 1)) for p in people],
            )
        )
        if after:
            load(
                document(
                    payer_idn=payers[key].idn,
                    value_date=date(2024, 6, 10),
                    lines=[line_for(p, "5000.00", date(2024, 5, 1)) for p in people[:after]],
                )
            )
    return payers


@pytest.mark.django_db
def test_monitoring_lists_payers_whose_participants_fell_by_half(falling_payers, make_staff):
    api = APIClient()
    api.force_authenticate(make_staff(Role.ANALYST))
    summaries_refresh(trigger="command")  # the list reads the payer-month summary
    with CaptureQueriesContext(connection) as queries:
        rows = api.get("/api/v1/payments/monitoring/?month=2024-05").json()
    assert len(queries) <= 5
    assert not [q for q in queries if "contributions_contributionline" in q["sql"]]
    assert rows == [
        {
            "idn": falling_payers["A"].idn,
            "name": falling_payers["A"].name,
            "region": "75",
            "participants_before": 50,
            "participants_now": 20,
            "fall_percent": "60.0",
        }
    ]
    assert api.get("/api/v1/payments/monitoring/?month=May").json()["code"] == "period_invalid"


@pytest.mark.django_db
def test_monitoring_page_filters_by_region_and_exports_xlsx(falling_payers, make_staff, client):
    client.force_login(make_staff(Role.ANALYST))
    summaries_refresh(trigger="command")  # the page reads the payer-month summary
    page = client.get("/en/reporting/monitoring/?month=2024-05&region=71").content.decode()
    export = client.get("/en/reporting/monitoring/?month=2024-05&format=xlsx")
    assert falling_payers["A"].idn not in page
    rows = list(load_workbook(BytesIO(export.content)).active.iter_rows(values_only=True))
    assert [row[1] for row in rows[1:]] == [falling_payers["A"].idn]
    assert Payer.objects.count() == 3
