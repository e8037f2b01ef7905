"""The forecast: the base from the live data, the growths of each scenario, the dated rate, and
assumptions outside a sane range refused with their reason."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import Client
from django.utils import translation

from benefits.services.awards import award_create
from gfss.org.models import Role
from reporting.forecast import forecast_get
from reporting.models import ForecastScenario
from reporting.summaries import summaries_refresh
from tests.contributions.documents import document, line_for, load
from tests.factories import PayerFactory, PersonFactory, branch

pytestmark = pytest.mark.django_db


def test_the_projection_grows_the_live_base_by_the_assumptions() -> None:
    # given: 35,000 tenge received in 2024 and a disability award of 100,000 a month in payment
    load(
        document(
            payer_idn=PayerFactory().idn,
            lines=[line_for(PersonFactory(), "35000.00", date(2024, 5, 1))],
            value_date=date(2024, 6, 10),
        )
    )
    award_create(
        person=PersonFactory(),
        benefit="disability",
        branch=branch("75"),
        right_date=date(2024, 1, 1),
        assigned_on=date(2024, 1, 5),
        start_date=date(2024, 1, 1),
        end_date=None,
        gross=Decimal("100000.00"),
        opv=Decimal("10000.00"),
        actor=None,
    )
    ForecastScenario.objects.filter(code="realistic").update(
        participants_growth=0, wage_growth=10, minimum_wage_growth=0, indexation=10
    )

    # when: forecast from 2024-12-15, on the summaries rebuilt
    summaries_refresh(trigger="command", today=date(2024, 12, 15))
    result = forecast_get(region=None, today=date(2024, 12, 15))

    # then: payouts 1,200,000 a year indexed by 10 %; receipts up 10 % with wages and by the
    # rate of 2025 (5 %) over that of 2024 (3.5 %)
    receipts, payouts = ({row["year"]: row for row in t.rows} for t in result.tables[1:3])
    assert payouts["2025"]["realistic"] == Decimal("1320000.00")
    assert payouts["2026"]["realistic"] == Decimal("1452000.00")
    assert receipts["2025"]["realistic"] == Decimal("55000.00")  # 35,000 × 1.1 × 5 / 3.5
    assert receipts["2025"]["pessimistic"] < receipts["2025"]["optimistic"]
    assert len(result.tables[0].rows) == 3


@pytest.mark.parametrize("value", ["-100", "-150", "100.01", "250"])
def test_an_assumption_outside_a_sane_range_is_refused_with_its_reason(value: str) -> None:
    scenario = ForecastScenario.objects.get(code="realistic")
    scenario.wage_growth = Decimal(value)
    with translation.override("ru"), pytest.raises(ValidationError) as refused:
        scenario.full_clean()
    assert "wage_growth" in refused.value.message_dict
    assert "Годовой рост должен быть" in refused.value.message_dict["wage_growth"][0]
    with transaction.atomic(), pytest.raises(IntegrityError):
        ForecastScenario.objects.filter(pk=scenario.pk).update(wage_growth=Decimal(value))


def test_a_growth_at_the_limits_inside_is_accepted() -> None:
    scenario = ForecastScenario.objects.get(code="pessimistic")
    scenario.participants_growth = Decimal("-99.99")
    scenario.wage_growth = Decimal(100)
    scenario.full_clean()


def test_the_forecast_page_shows_the_method_and_the_scenarios(make_staff) -> None:
    client = Client()
    client.force_login(make_staff(Role.ANALYST))
    html = client.get("/ru/reporting/forecast/").content.decode()
    for text in ("Пессимистический", "Реалистичный", "Оптимистичный", "Метод"):
        assert text in html
