"""The monitoring reads the payer-month summary: its counts and lists agree with the raw
ledger, and it reads no ledger line."""

from datetime import date

import pytest
from django.utils import timezone

from gfss.common.periods import add_months
from gfss.legal.models import Parameter, ParameterValue
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
    # one for the threshold in force each month (a dated parameter), one for the counts
    with django_assert_max_num_queries(2):
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


def test_the_month_is_chosen_by_its_name(make_staff, client) -> None:
    client.force_login(make_staff(Role.ANALYST))
    page = client.get("/ru/reporting/monitoring/", {"month": "2026-05"}).content.decode()
    # a list of months by name, the asked one chosen; no text box for ISO months
    assert '<select name="month">' in page
    assert '<option value="2026-05" selected>Май 2026</option>' in page
    assert '<input name="month"' not in page
    assert "ГГГГ-ММ" not in page


def test_a_bad_month_is_answered_on_the_page(make_staff, client) -> None:
    client.force_login(make_staff(Role.ANALYST))
    response = client.get("/ru/reporting/monitoring/", {"month": "2026-13"})
    assert response.status_code == 400
    assert 'class="error"' in response.content.decode()
    assert '<select name="month">' in response.content.decode()


@pytest.mark.parametrize(("threshold", "listed"), [(50, ["A"]), (40, ["A", "C"]), (51, [])])
def test_the_large_payer_threshold_is_the_dated_parameter_in_force(
    falling_payers,  # noqa: F811
    make_staff,
    client,
    threshold: int,
    listed: list[str],
) -> None:
    # given the threshold of domain.md changed from May 2024 (50 is the shipped value)
    parameter = Parameter.objects.get(code="monitoring.large_payer_participants")
    assert parameter.values.get().value == 50
    if threshold != 50:
        ParameterValue.objects.create(
            parameter=parameter, valid_from=date(2024, 5, 1), value=threshold, tag="D"
        )
    summaries_refresh(trigger="command")
    client.force_login(make_staff(Role.ANALYST))
    # when
    page = client.get("/ru/reporting/monitoring/", {"month": "2024-05"}).content.decode()
    by_month = monitoring_by_month(ReportFilters(year=2024), user=make_staff(Role.ANALYST))
    # then the page, the count by month and the raw ledger agree on the payers listed
    expected = {falling_payers[key].idn for key in listed}
    assert {p.idn for p in falling_payers_from_ledger(date(2024, 5, 1))} == expected
    for key, payer in falling_payers.items():
        assert (payer.idn in page) == (key in listed)
    may = [row["payers"] for row in by_month if row["period"] == date(2024, 5, 1)]
    assert may == ([len(listed)] if listed else [])
    assert f"было {threshold} и более участников" in page
