"""The monitoring reads the payer-month summary: its counts and lists agree with the raw
ledger, and it reads no ledger line."""

from datetime import date

import pytest

from gfss.common.periods import add_months
from gfss.org.models import Region, Role
from reporting.filters import ReportFilters
from reporting.indicators.payers import monitoring_by_month
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
