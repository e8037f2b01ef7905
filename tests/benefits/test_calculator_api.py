from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from rest_framework.test import APIClient

from gfss.api.permissions import Scope

pytestmark = pytest.mark.django_db

URL = "/api/v1/benefits/calculate"


@pytest.fixture
def api(partner_api: Callable[..., APIClient]) -> APIClient:
    return partner_api(Scope.CALCULATE)


def test_stated_facts_give_the_golden_amounts_and_a_trace(api: APIClient) -> None:
    # given the golden case job-loss-40-months-2025
    payload = {
        "benefit": "job_loss",
        "right_date": "2025-05-12",
        "avg_monthly_income": "300000",
        "stazh_months": 40,
    }
    # when
    body = api.post(URL, payload, format="json").json()
    # then
    assert (body["gross"], body["opv"], body["net"]) == ("121500.00", "12150.00", "109350.00")
    assert (body["ksu"], body["months"], body["eligible"]) == ("0.9", 4, True)
    keys = [step["key"] for step in body["trace"]]
    assert keys[0] == "avg_monthly_income"
    assert "ksu" in keys
    ksu_step = body["trace"][keys.index("ksu")]
    assert set(ksu_step["label"]) == {"kk", "ru", "en"}
    assert ksu_step["parameters"][0]["code"] == "stazh.coefficient.job_loss"


def test_a_refusal_is_a_result_with_its_reason(api: APIClient) -> None:
    payload = {
        "benefit": "job_loss",
        "right_date": "2025-05-12",
        "avg_monthly_income": "300000",
        "stazh_months": 5,
    }
    body = api.post(URL, payload, format="json").json()
    assert body["eligible"] is False
    assert body["refusal_reason"] == "stazh_below_minimum"
    assert body["gross"] == "0.00"


@pytest.mark.parametrize(
    ("payload", "code"),
    [
        ({"benefit": "pension"}, "benefit_unknown"),
        # job-loss durations are in force from 2020; rights before the fund's first year and
        # more than a year ahead are no dates to calculate on
        ({"right_date": "2015-01-01"}, "parameter_not_in_force"),
        ({"right_date": "1999-01-01"}, "validation_error"),
        ({"right_date": "2090-01-01"}, "validation_error"),
        ({"benefit": "maternity", "days": 185}, "validation_error"),
        ({"stazh_months": 10**30}, "validation_error"),
        ({"benefit": "disability", "degree": "1.5"}, "degree_out_of_range"),
        ({"benefit": "disability", "degree": "0.2"}, "degree_out_of_range"),
        ({"benefit": "maternity", "days": 0}, "days_not_positive"),
        ({"benefit": "maternity", "days": -5}, "days_not_positive"),
        ({"benefit": "breadwinner", "dependents": 0}, "dependents_invalid"),
        ({"benefit": "childcare", "birth_order": 0}, "birth_order_invalid"),
        ({"benefit": "disability"}, "fact_missing"),
        ({"iin": "850712300017", "avg_monthly_income": None}, "iin_not_registered"),
    ],
)
def test_bad_input_is_a_400_with_a_specific_code(
    api: APIClient, payload: dict[str, Any], code: str
) -> None:
    base = {
        "benefit": "job_loss",
        "right_date": "2025-05-12",
        "avg_monthly_income": "300000",
        "stazh_months": 40,
    }
    data = {k: v for k, v in {**base, **payload}.items() if v is not None}
    response = api.post(URL, data, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == code
    assert response.json()["message"]


def test_a_token_without_the_calculate_scope_is_refused(
    partner_api: Callable[..., APIClient],
) -> None:
    response = partner_api(Scope.PAYMENTS).post(URL, {"benefit": "job_loss"}, format="json")
    assert response.status_code == 403


def test_the_staff_page_shows_the_amount_and_the_trace_in_kazakh(
    client: Client, specialist: Any
) -> None:
    client.force_login(specialist)
    page = client.get(
        "/kk/calculator/",
        {
            "benefit": "childcare",
            "right_date": "2025-02-10",
            "avg_monthly_income": "50000",
            "birth_order": "1",
        },
    ).content.decode()
    assert "25\xa0164,80\xa0₸" in page  # the golden floor case, written the Kazakh way
    assert "Ең төменгі мөлшер" in page  # the floor step's Kazakh label
    # the parameter by its name and legal source, never its code or a research note
    assert "Бала туу кезегі бойынша бала күтіміне мемлекеттік жәрдемақы, АЕК" in page
    assert "Әлеуметтік кодекс, 82-бап 1-тармақ" in page
    assert "childcare.state_allowance_mrp" not in page
    assert "seed report" not in page
    assert "rules.md" not in page
