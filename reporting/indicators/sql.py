"""Pieces of portable SQL for the raw aggregate queries (SQLite in the demo, PostgreSQL in
production, one text): dated parameters as a CASE over a period column, numbers back as
``Decimal``."""

from datetime import date
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import Case, DecimalField, Value, When

from gfss.legal.models import ParameterValue


def dated_case(code: str, column: str) -> str:
    """``CASE WHEN column >= d_n THEN v_n … END``: the parameter in force on each row's date,
    from the parameter table. The values are numbers from that table, written as literals so
    that both databases do the arithmetic in their own numeric type."""
    rows = list(
        ParameterValue.objects.filter(parameter__code=code, value__isnull=False)
        .order_by("-valid_from")
        .values_list("valid_from", "value")
    )
    if not rows:
        return "NULL"
    whens = " ".join(
        f"WHEN {column} >= '{valid_from.isoformat()}' THEN {decimal(value):f}"
        for valid_from, value in rows
    )
    return f"CASE {whens} ELSE NULL END"


def year_of(column: str) -> str:
    """The backend's own year extraction; its only parameter is the constant ``'year'``,
    written in so that the query's placeholders stay the caller's."""
    sql, params = connection.ops.date_extract_sql("year", column, ())
    return sql % tuple(f"'{p}'" for p in params)


def fetch(sql: str, params: list[Any]) -> list[dict[str, Any]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        names = [c[0] for c in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def decimal(value: Any) -> Decimal:
    """A number from either database (SQLite answers floats) as a ``Decimal``."""
    if value is None:
        return Decimal(0)
    if isinstance(value, Decimal):
        return value
    return Decimal(str(value))


def day(value: date) -> str:
    """Dates go in as ISO text: SQLite compares them as text, PostgreSQL casts them."""
    return value.isoformat()


def dated_value(code: str, field: str) -> Case:
    """The ORM twin of ``dated_case``: the parameter in force on each row's ``field``."""
    rows = list(
        ParameterValue.objects.filter(parameter__code=code, value__isnull=False)
        .order_by("-valid_from")
        .values_list("valid_from", "value")
    )
    output = DecimalField(max_digits=18, decimal_places=6)
    return Case(
        *(When(**{f"{field}__gte": valid_from}, then=Value(value)) for valid_from, value in rows),
        default=Value(None),
        output_field=output,
    )
