import json
from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest

from benefits.rules import (
    BENEFIT_CODES,
    Contribution,
    Facts,
    calculate,
    income_from_contributions,
    stazh_months,
)
from benefits.rules.trace import LABELS
from gfss.common.exceptions import ApplicationError
from gfss.common.periods import periods_between
from gfss.legal.data_file import parameter_set_from_file

PARAMS = parameter_set_from_file()
RIGHT = date(2025, 4, 1)
FULL_FACTS = Facts(
    right_date=RIGHT,
    avg_monthly_income=Decimal(400000),
    stazh_months=84,
    degree=Decimal("0.6"),
    dependents=2,
    days=126,
    birth_order=1,
)


@pytest.mark.parametrize("benefit", BENEFIT_CODES)
def test_every_step_of_every_trace_is_labelled_in_three_languages(benefit):
    # given facts every benefit can use
    # when each benefit is calculated
    result = calculate(benefit, FULL_FACTS, params=PARAMS)
    # then each step has a Kazakh, Russian and English label and ends with gross, OPV, net
    assert result.eligible
    assert all(set(step.label) == {"kk", "ru", "en"} for step in result.trace)
    assert [step.key for step in result.trace][-3:] == ["gross", "opv", "net"]
    assert result.trace[0].key == "avg_monthly_income"


def test_all_labels_are_filled():
    # given the label table / then no language is left empty
    assert all(label[lang] for label in LABELS.values() for lang in ("kk", "ru", "en"))
    assert LABELS["ksu"] == {
        "kk": "Қатысу өтілі коэффициенті",
        "ru": "Коэффициент стажа участия",
        "en": "Participation length coefficient (КСУ)",
    }


@pytest.mark.parametrize("benefit", BENEFIT_CODES)
def test_result_as_dict_is_json_ready_with_decimals_as_strings(benefit):
    # given a calculated result
    result = calculate(benefit, FULL_FACTS, params=PARAMS)
    # when it is turned into a dict
    data = result.as_dict()
    # then it survives json without floats and money reads as strings
    assert json.loads(json.dumps(data)) == data
    assert isinstance(data["gross"], str)
    assert isinstance(data["avg_monthly_income"], str)
    assert data["right_date"] == "2025-04-01"


def test_trace_cites_the_parameters_in_force_on_the_date_of_the_right():
    # given a job-loss claim in 2022
    facts = Facts(right_date=date(2022, 6, 1), avg_monthly_income=Decimal(150000), stazh_months=70)
    # when it is calculated
    result = calculate("job_loss", facts, params=PARAMS)
    # then the gross step cites КЗД 0.40 valid from 2020-01-01
    (gross,) = [step for step in result.trace if step.key == "gross"]
    assert gross.parameters[0]["code"] == "job_loss.replacement"
    assert gross.parameters[0]["value"] == "0.40"
    assert gross.parameters[0]["valid_from"] == "2020-01-01"


def test_maternity_and_adoption_are_lump_sums_the_others_monthly():
    # given / when every benefit is calculated
    lump = {b: calculate(b, FULL_FACTS, params=PARAMS).lump_sum for b in BENEFIT_CODES}
    # then only the leave benefits are paid once
    assert lump == {
        "disability": False,
        "breadwinner": False,
        "job_loss": False,
        "maternity": True,
        "adoption": True,
        "childcare": False,
    }


def test_breadwinner_withholds_no_opv():
    # given / when a breadwinner benefit is calculated
    result = calculate("breadwinner", FULL_FACTS, params=PARAMS)
    # then net equals gross
    assert result.opv == Decimal("0.00")
    assert result.net == result.gross


def test_a_refusal_carries_zero_amounts_and_a_message_in_three_languages():
    # given a job-loss claim with 5 months of stazh
    facts = Facts(right_date=RIGHT, avg_monthly_income=Decimal(300000), stazh_months=5)
    # when it is calculated
    result = calculate("job_loss", facts, params=PARAMS)
    # then it is refused with zero amounts
    assert not result.eligible
    assert result.refusal_reason == "stazh_below_minimum"
    assert set(result.refusal_message or {}) == {"kk", "ru", "en"}
    assert (result.gross, result.opv, result.net) == (Decimal("0.00"),) * 3
    assert result.trace[-1].key == "refusal"


def test_job_loss_window_false_refuses_and_none_is_taken_as_met():
    # given the same claim with the window check stated false, and not stated
    refused = Facts(
        right_date=RIGHT,
        avg_monthly_income=Decimal(300000),
        stazh_months=40,
        has_contribution_in_window=False,
    )
    unknown = Facts(right_date=RIGHT, avg_monthly_income=Decimal(300000), stazh_months=40)
    # when both are calculated
    # then false refuses and unknown pays
    assert calculate("job_loss", refused, params=PARAMS).refusal_reason == (
        "no_contribution_in_window"
    )
    assert calculate("job_loss", unknown, params=PARAMS).eligible


@pytest.mark.parametrize(
    ("benefit", "changes", "code"),
    [
        ("pension", {}, "benefit_unknown"),
        ("disability", {"degree": Decimal("0.29")}, "degree_out_of_range"),
        ("disability", {"degree": Decimal("1.01")}, "degree_out_of_range"),
        ("disability", {"degree": None}, "fact_missing"),
        ("maternity", {"days": 0}, "days_not_positive"),
        ("adoption", {"days": -1}, "days_not_positive"),
        ("maternity", {"days": None}, "fact_missing"),
        ("breadwinner", {"dependents": 0}, "dependents_invalid"),
        ("breadwinner", {"dependents": None}, "fact_missing"),
        ("childcare", {"birth_order": 0}, "birth_order_invalid"),
        ("childcare", {"birth_order": None}, "fact_missing"),
        ("job_loss", {"stazh_months": None}, "fact_missing"),
        ("job_loss", {"avg_monthly_income": None}, "fact_missing"),
        ("job_loss", {"previous_job_loss_months": -1}, "fact_invalid"),
        ("disability", {"stazh_months": -1}, "fact_invalid"),
        ("childcare", {"avg_monthly_income": Decimal(-1)}, "fact_invalid"),
    ],
)
def test_bad_input_raises_an_application_error_with_its_code(benefit, changes, code):
    # given facts with one bad or missing value
    facts = Facts(**{**FULL_FACTS.__dict__, **changes})
    # when / then the calculator raises with the specific code
    with pytest.raises(ApplicationError) as raised:
        calculate(benefit, facts, params=PARAMS)
    assert raised.value.code == code


def test_fact_missing_names_the_fact():
    # given a disability claim without the degree
    facts = Facts(right_date=RIGHT, avg_monthly_income=Decimal(400000), stazh_months=84)
    # when / then the error says which fact is missing
    with pytest.raises(ApplicationError) as raised:
        calculate("disability", facts, params=PARAMS)
    assert raised.value.extra == {"fact": "degree"}


def test_a_negative_average_is_refused_as_the_claim_wrote_it():
    # given a stated average of -0.50
    facts = Facts(**{**FULL_FACTS.__dict__, "avg_monthly_income": Decimal("-0.50")})
    # when / then the error quotes it as a decimal, not as the fraction -1/2
    with pytest.raises(ApplicationError) as raised:
        calculate("job_loss", facts, params=PARAMS)
    assert raised.value.extra == {"fact": "avg_monthly_income", "value": "-0.5"}


def test_degree_bounds_are_inclusive():
    # given the lowest and highest degree
    for degree in (Decimal("0.30"), Decimal("1.00")):
        facts = Facts(**{**FULL_FACTS.__dict__, "degree": degree})
        # when / then both are calculated
        assert calculate("disability", facts, params=PARAMS).eligible


def test_no_parameter_for_the_date_is_an_error_not_a_zero():
    # given a job-loss claim from before the duration table exists (2020-01-01)
    facts = Facts(right_date=date(2019, 6, 1), avg_monthly_income=Decimal(1), stazh_months=40)
    # when / then the missing parameter raises
    with pytest.raises(ApplicationError) as raised:
        calculate("job_loss", facts, params=PARAMS)
    assert raised.value.code == "parameter_not_in_force"


def test_average_from_monthly_incomes_uses_12_months_for_maternity_and_24_otherwise():
    # given 1,200,000 of income in the month before the right
    facts = Facts(
        right_date=RIGHT,
        monthly_incomes={date(2025, 3, 1): Fraction(1200000)},
        stazh_months=84,
        degree=Decimal("0.6"),
        days=126,
        birth_order=1,
    )
    # when maternity and childcare are calculated
    # then the average is divided by 12 and by 24
    assert calculate("maternity", facts, params=PARAMS).avg_monthly_income == Decimal(100000)
    assert calculate("childcare", facts, params=PARAMS).avg_monthly_income == Decimal(50000)


def _facts_from_contributions(right_date, *, first, last, amount, **stated):
    contributions = [
        Contribution(payer="A", period=period, amount=Decimal(amount))
        for period in periods_between(first, last)
    ]
    return Facts(
        right_date=right_date,
        monthly_incomes=income_from_contributions(contributions, params=PARAMS),
        stazh_months=stazh_months((c.period for c in contributions), right_date=right_date),
        **stated,
    )


def test_job_loss_exact_half_tiyn_rounds_up():
    # given rules.md §3.4: 18,193.90 each month 2023-08 … 2024-02, right on 2024-03-24
    facts = _facts_from_contributions(
        date(2024, 3, 24), first=date(2023, 8, 1), last=date(2024, 2, 1), amount="18193.90"
    )
    # when
    result = calculate("job_loss", facts, params=PARAMS)
    # then СМД is (5 × 490,000 + 2 × 18,193.90 / 0.035) / 24 exactly, and the gross
    # 1,017,815/7 × 0.45 × 0.7 = 45,801.675 rounds half-up once
    assert result.avg_monthly_income == Fraction(24427560, 7) / 24
    assert (result.stazh_months, result.ksu, result.months) == (7, Decimal("0.7"), 1)
    assert (result.gross, result.opv, result.net) == (
        Decimal("45801.68"),
        Decimal("4580.17"),
        Decimal("41221.51"),
    )


def test_adoption_exact_half_tiyn_rounds_up():
    # given 10,000.01 for 2025-01 (5 %), a right on 2025-02-01 and 45 days
    facts = _facts_from_contributions(
        date(2025, 2, 1), first=date(2025, 1, 1), last=date(2025, 1, 1), amount="10000.01", days=45
    )
    # when
    result = calculate("adoption", facts, params=PARAMS)
    # then 200,000.2 / 12 × 45 / 30 = 25,000.025 exactly, rounded up
    assert result.avg_monthly_income == Fraction(1000001, 60)
    assert (result.gross, result.opv, result.net) == (
        Decimal("25000.03"),
        Decimal("2500.00"),
        Decimal("22500.03"),
    )


def test_the_trace_and_the_result_show_exact_values_as_decimals():
    # given the rules.md §3.4 job-loss case, whose СМД 1,017,815/7 has no finite decimal
    facts = _facts_from_contributions(
        date(2024, 3, 24), first=date(2023, 8, 1), last=date(2024, 2, 1), amount="18193.90"
    )
    # when it is calculated and written as JSON
    data = json.loads(json.dumps(calculate("job_loss", facts, params=PARAMS).as_dict()))
    # then СМД reads as a decimal cut at twelve places, and the gross step shows its inputs
    assert data["avg_monthly_income"] == "145402.142857142857"
    (gross,) = [step for step in data["trace"] if step["key"] == "gross"]
    assert gross["values"] == {"СМД": "145402.142857142857", "КЗД": "0.45", "КСУ": "0.7"}
    assert gross["result"] == "45801.68"
