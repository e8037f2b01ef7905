"""The monitoring reads the payer-month summary: its counts and lists agree with the raw
ledger, and it reads no ledger line."""

from datetime import date

import pytest
from django.utils import timezone

from gfss.common.periods import add_months
from gfss.org.models import Region, Role
from reporting.filters import ReportFilters
from reporting.indicators.payers import latest_due_month, monitoring_by_month
from reporting.summaries import summaries_refresh
from tests.contributions.test_penalties_and_monitoring import falling_payers  # noqa: F401
from tests.reporting.raw_ledger import falling_payers_from_ledger

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("region", [None, "75", "71"])
def test_monitoring_by_month_counts_the_payers_the_list_shows(
    falling_payers,  # noqa: F811
    make_staff,
    region: str | None,
    django_assert_max_num_queries,
) -> None:
    analyst = make_staff(Role.ANALYST)
    filters = ReportFilters(year=2024, region=Region.objects.get(code=region) if region else None)
    summaries_refresh(trigger="command")
    with django_assert_max_num_queries(1):
        rows = monitoring_by_month(filters, user=analyst)
    listed = {
        add_months(date(2024, 1, 1), i): len(
            falling_payers_from_ledger(add_months(date(2024, 1, 1), i), region_code=region)
        )
        for i in range(12)
    }
    if region == "71":
        assert rows == []  # payer B fell by 40 % only
        assert not any(listed.values())
        return
    assert {row["period"]: row["payers"] for row in rows} == listed
    assert listed[date(2024, 5, 1)] == 1


@pytest.mark.parametrize(
    ("today", "month"),
    [
        # November's contributions are due on 25.12.2026: until then October is the last month
        (date(2026, 12, 2), date(2026, 10, 1)),
        (date(2026, 12, 25), date(2026, 10, 1)),
        (date(2026, 12, 26), date(2026, 11, 1)),
        (date(2027, 1, 1), date(2026, 11, 1)),
    ],
)
def test_the_monitoring_opens_on_the_latest_month_whose_contributions_are_due(
    today: date, month: date
) -> None:
    assert latest_due_month(today) == month


def test_the_monitoring_page_opens_on_a_month_already_due(make_staff, client) -> None:
    client.force_login(make_staff(Role.ANALYST))
    page = client.get("/ru/reporting/monitoring/").content.decode()
    shown = latest_due_month(timezone.localdate())
    assert f'value="{shown:%Y-%m}"' in page
