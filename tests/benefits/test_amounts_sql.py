"""The event arithmetic in SQL (the batch jobs) against the Python one (an award's chain).

An event applied to a chunk of awards computes its new amounts inside one statement, in
whole tiyn; a recalculation re-derives a chain in Python (``step_gross``, ``split_gross``).
Both must give the same tiyn for every amount, on the database the suite runs on (SQLite by
default, PostgreSQL with DATABASE_URL): the amounts are read from a column of the type every
money column has, as the statement reads them.
"""

import random
from decimal import Decimal
from fractions import Fraction

import pytest
from django.db import connection

from benefits.amounts import (
    money_sql,
    opv_tiyn_sql,
    scaled_tiyn_sql,
    split_gross,
    step_factor,
    step_gross,
    tiyn_sql,
)
from gfss.common.money import money_field

pytestmark = pytest.mark.django_db

STEPS = [
    {"percent": "5"},
    {"percent": "4"},
    {"percent": "8.5"},
    {"percent": "10"},
    {"percent": "-3.25"},
    {"percent": "0.0001"},
    {"percent": "33.3333"},
    {"percent": "-99.9999"},
    {"from": "0.40", "to": "0.45"},
    {"from": "0.45", "to": "0.40"},
    {"from": "0.3", "to": "0.7"},
]


def _amounts() -> list[Decimal]:
    rng = random.Random(20260101)
    # Exact ties of the steps above: 100.10 × 1.05 = 105.105, 0.10 × 1.05 = 0.105, 2.01 × 1.085
    # = 2.18085 (no tie), 40,000.10 × 0.45 / 0.40 = 45,000.1125, 1 tiyn, zero.
    fixed = ["0.00", "0.01", "0.10", "100.10", "2.01", "40000.10", "45801.67", "99999999.99"]
    drawn = [Decimal(rng.randrange(0, 10**10)).scaleb(-2) for _ in range(400)]
    return [Decimal(text) for text in fixed] + drawn


def _sql_results(amounts: list[Decimal], sql: str) -> list[tuple[Decimal, int]]:
    column = money_field().db_type(connection)
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TEMPORARY TABLE amounts_probe (id integer, gross {column})")
        try:
            cursor.executemany(
                "INSERT INTO amounts_probe (id, gross) VALUES (%s, %s)",
                [
                    (i, connection.ops.adapt_decimalfield_value(a, 18, 2))
                    for i, a in enumerate(amounts)
                ],
            )
            cursor.execute(f"SELECT id, {sql} FROM amounts_probe ORDER BY id")
            rows = cursor.fetchall()
        finally:
            cursor.execute("DROP TABLE amounts_probe")
    return [(amounts[i], value) for i, value in rows]


@pytest.mark.parametrize("step", STEPS, ids=lambda s: "/".join(map(str, s.values())))
def test_a_step_in_sql_gives_the_tiyn_of_step_gross(step: dict[str, str]) -> None:
    sql = scaled_tiyn_sql(tiyn_sql("gross"), step_factor(step))
    for amount, tiyn in _sql_results(_amounts(), sql):
        assert Decimal(tiyn).scaleb(-2) == step_gross(amount, step), amount


def test_the_tie_rounds_up_in_both() -> None:
    # 100.10 × 1.05 is exactly 105.105: half a tiyn, which goes up.
    assert step_gross(Decimal("100.10"), {"percent": "5"}) == Decimal("105.11")
    sql = scaled_tiyn_sql(tiyn_sql("gross"), step_factor({"percent": "5"}))
    assert _sql_results([Decimal("100.10")], sql) == [(Decimal("100.10"), 10511)]


@pytest.mark.parametrize("benefit", ["disability", "breadwinner"])
@pytest.mark.parametrize("rate", ["0.10", "0.035", "0.125"])
def test_opv_in_sql_is_what_split_gross_withholds(benefit: str, rate: str) -> None:
    sql = opv_tiyn_sql(tiyn_sql("gross"), benefit=f"'{benefit}'", rate=Fraction(Decimal(rate)))
    for amount, tiyn in _sql_results(_amounts(), sql):
        opv, _net = split_gross(amount, benefit=benefit, opv_rate=Decimal(rate))
        assert Decimal(tiyn).scaleb(-2) == opv, amount


def test_tiyn_come_back_as_the_amount() -> None:
    for amount, value in _sql_results(_amounts(), money_sql(tiyn_sql("gross"))):
        assert Decimal(str(value)).quantize(Decimal("0.01")) == amount


def test_a_product_too_large_for_64_bits_is_null_not_a_float() -> None:
    sql = scaled_tiyn_sql(tiyn_sql("gross"), Fraction(10**12 + 1, 10**12))
    assert _sql_results([Decimal("99999999.99")], sql) == [(Decimal("99999999.99"), None)]
