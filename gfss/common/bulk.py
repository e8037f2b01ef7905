"""Writes of many rows at once, for the batch jobs.

``bulk_create`` builds a model instance and prepares each field of each row through the
expression machinery, and ``bulk_update`` sends one ``CASE`` per column that PostgreSQL
evaluates for every row of the batch, which grows with the square of the batch. The batch jobs
write hundreds of thousands of rows of a few plain columns, so these send one parametrised
statement run for every row (psycopg pipelines ``executemany``), the same SQL on PostgreSQL
and SQLite, each value adapted by the backend's own operations, as the ORM would.
"""

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.db import connection, models
from django.utils import timezone


def _adapter(field: models.Field) -> Callable[[Any], Any]:
    ops = connection.ops
    if isinstance(field, models.DecimalField):
        return lambda value: ops.adapt_decimalfield_value(
            value, field.max_digits, field.decimal_places
        )
    if isinstance(field, models.DateTimeField):
        return ops.adapt_datetimefield_value
    if isinstance(field, models.DateField):
        return ops.adapt_datefield_value
    return lambda value: value


def _stamps(model: type[models.Model], fields: Sequence[str], *, new: bool) -> list[str]:
    """The time-stamp fields the ORM would set that ``fields`` leaves out."""
    names = {f.name for f in model._meta.concrete_fields}
    wanted = ["created_at", "updated_at"] if new else ["updated_at"]
    return [name for name in wanted if name in names and name not in fields]


def _columns(model: type[models.Model], fields: Sequence[str]) -> list[models.Field]:
    columns = [model._meta.get_field(name) for name in fields]
    return [field for field in columns if isinstance(field, models.Field)]  # no reverse relation


def rows_insert(
    model: type[models.Model], fields: Sequence[str], rows: Iterable[Sequence[Any]]
) -> int:
    """Insert ``rows`` (values in the order of ``fields``; foreign keys as ids)."""
    stamps = _stamps(model, fields, new=True)
    columns = _columns(model, [*fields, *stamps])
    adapters = [_adapter(field) for field in columns]
    now = [timezone.now()] * len(stamps)
    params = [tuple(a(v) for a, v in zip(adapters, (*row, *now), strict=True)) for row in rows]
    if not params:
        return 0
    quote = connection.ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({})".format(
        quote(model._meta.db_table),
        ", ".join(quote(str(field.column)) for field in columns),
        ", ".join(["%s"] * len(columns)),
    )
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)
    return len(params)


def rows_update(
    model: type[models.Model], fields: Sequence[str], rows: Iterable[Sequence[Any]]
) -> int:
    """Set ``fields`` of each row by its primary key: each row is ``(pk, *values)``."""
    stamps = _stamps(model, fields, new=False)
    columns = _columns(model, [*fields, *stamps])
    adapters = [_adapter(field) for field in columns]
    now = [timezone.now()] * len(stamps)
    params = [
        (*(a(v) for a, v in zip(adapters, (*values, *now), strict=True)), pk)
        for pk, *values in rows
    ]
    if not params:
        return 0
    quote = connection.ops.quote_name
    sql = "UPDATE {} SET {} WHERE {} = %s".format(
        quote(model._meta.db_table),
        ", ".join(f"{quote(str(field.column))} = %s" for field in columns),
        quote(str(model._meta.pk.column)),
    )
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)
    return len(params)


def set_based_statements() -> None:
    """Ready the current transaction for large set-based statements: on PostgreSQL without the
    JIT compiler, whose compiling of a big ``INSERT … SELECT`` costs seconds more than it saves
    (the statements are planned well above its cost threshold). Nothing to do on SQLite."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off")
