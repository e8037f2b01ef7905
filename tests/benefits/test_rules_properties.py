import random
from datetime import date
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from benefits.rules import (
    BENEFIT_CODES,
    Contribution,
    Facts,
    calculate,
    income_from_contributions,
    stazh_months,
)
from gfss.legal.data_file import parameter_set_from_file

PARAMS = parameter_set_from_file()
PROPERTY = settings(max_examples=150, deadline=None)

benefits = st.sampled_from(BENEFIT_CODES)
right_dates = st.dates(min_value=date(2020, 1, 1), max_value=date(2026, 12, 31))
incomes = st.decimals(min_value=0, max_value=5_000_000, places=2)
stazh = st.integers(min_value=0, max_value=400)


@st.composite
def claims(draw: st.DrawFn) -> Facts:
    return Facts(
        right_date=draw(right_dates),
        avg_monthly_income=draw(incomes),
        stazh_months=draw(stazh),
        degree=draw(st.decimals(min_value="0.30", max_value="1.00", places=2)),
        dependents=draw(st.integers(min_value=1, max_value=8)),
        days=draw(st.sampled_from([56, 70, 126, 140, 170, 184])),
        birth_order=draw(st.integers(min_value=1, max_value=6)),
        previous_job_loss_months=draw(st.integers(min_value=0, max_value=12)),
    )


def _with_income(facts: Facts, income: Decimal) -> Facts:
    return Facts(**{**facts.__dict__, "avg_monthly_income": income})


@PROPERTY
@given(benefit=benefits, facts=claims())
def test_amounts_are_never_negative_and_gross_is_net_plus_opv(benefit, facts):
    # given any claim
    # when it is calculated
    result = calculate(benefit, facts, params=PARAMS)
    # then no amount is negative, all are in tiyn, and gross splits exactly into net and OPV
    assert min(result.gross, result.opv, result.net) >= 0
    assert all(-amount.as_tuple().exponent == 2 for amount in (result.gross, result.net))
    assert result.gross == result.net + result.opv
    assert result.eligible == (result.gross > 0)


@PROPERTY
@given(benefit=benefits, facts=claims(), low=incomes, high=incomes)
def test_more_income_never_means_less_benefit(benefit, facts, low, high):
    # given the same claim with two average incomes
    low, high = min(low, high), max(low, high)
    # when both are calculated
    less = calculate(benefit, _with_income(facts, low), params=PARAMS)
    more = calculate(benefit, _with_income(facts, high), params=PARAMS)
    # then the higher income pays at least as much
    assert less.gross <= more.gross
    assert less.net <= more.net


@PROPERTY
@given(benefit=st.sampled_from(["disability", "breadwinner", "job_loss"]), facts=claims())
def test_ksu_stays_within_its_bounds(benefit, facts):
    # given any claim that uses КСУ
    # when it is calculated
    result = calculate(benefit, facts, params=PARAMS)
    # then КСУ is between 0.1 and 1.3, or absent only for a job loss without the right
    if result.ksu is None:
        assert benefit == "job_loss"
        assert result.refusal_reason == "stazh_below_minimum"
    else:
        assert Decimal("0.1") <= result.ksu <= Decimal("1.3")


payers = st.sampled_from(["150540012348", "940140000385", "970740001013"])
periods = st.dates(min_value=date(2021, 1, 1), max_value=date(2025, 12, 1)).map(
    lambda d: d.replace(day=1)
)
amounts = st.decimals(min_value="0.01", max_value="60000", places=2)
contributions = st.lists(
    st.builds(Contribution, payer=payers, period=periods, amount=amounts),
    min_size=1,
    max_size=40,
)


@PROPERTY
@given(
    benefit=benefits,
    facts=claims(),
    paid=contributions,
    seed=st.integers(min_value=0, max_value=2**32 - 1),
)
def test_the_result_does_not_depend_on_the_order_of_contributions(benefit, facts, paid, seed):
    # given the same contributions in two orders
    shuffled = list(paid)
    random.Random(seed).shuffle(shuffled)

    def result_of(ordered):
        derived = Facts(
            **{
                **facts.__dict__,
                "avg_monthly_income": None,
                "monthly_incomes": income_from_contributions(ordered, params=PARAMS),
                "stazh_months": stazh_months(
                    (c.period for c in ordered), right_date=facts.right_date
                ),
            }
        )
        return calculate(benefit, derived, params=PARAMS)

    # when the facts are derived and calculated from each order
    first, second = result_of(paid), result_of(shuffled)
    # then the incomes and the results are identical, to the last digit
    assert income_from_contributions(paid, params=PARAMS) == income_from_contributions(
        shuffled, params=PARAMS
    )
    assert first == second
