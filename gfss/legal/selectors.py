"""Reads of the dated parameters: always as of a date, never a silent default."""

from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Count, Max

from gfss.legal.models import ParameterValue
from gfss.legal.params import (
    ParameterInForce,
    ParameterNotInForce,
    ParameterSet,
    Scale,
    UnknownParameter,
)
from gfss.legal.params import (
    ParameterValue as Value,
)


def plain(value: Decimal) -> Decimal:
    """Drop the column's trailing zeros without turning 85000 into 8.5E+4."""
    normalized = value.normalize()
    return normalized.quantize(Decimal(1)) if normalized == normalized.to_integral() else normalized


def _in_force(row: ParameterValue, code: str) -> ParameterInForce:
    value: Value
    if row.scale is not None:
        value = Scale.from_data(row.scale)
    else:
        assert row.value is not None  # the table's check: a value or a scale, never neither
        value = plain(row.value)
    return ParameterInForce(
        code=code, value=value, valid_from=row.valid_from, legal_ref=row.legal_ref, tag=row.tag
    )


def parameter_get(code: str, *, on: date) -> ParameterInForce:
    """The value of ``code`` in force on ``on`` with its source; raises when there is none."""
    row = (
        ParameterValue.objects.filter(parameter__code=code, valid_from__lte=on)
        .order_by("-valid_from")
        .first()
    )
    if row is not None:
        return _in_force(row, code)
    if not ParameterValue.objects.filter(parameter__code=code).exists():
        raise UnknownParameter(code)
    raise ParameterNotInForce(code, on)


def parameter_value(code: str, *, on: date) -> Decimal:
    """The number ``code`` is on ``on`` (a scale is read with ``parameter_get``)."""
    return parameter_get(code, on=on).decimal


# The set last built by this process, under the table's version it was built from.
_built: dict[tuple[Any, ...], ParameterSet] = {}


def _version() -> tuple[Any, ...]:
    """What changes whenever a value is added, changed (``updated_at``) or removed: one
    aggregate over a table of about a hundred rows."""
    return tuple(
        ParameterValue.objects.aggregate(
            rows=Count("id"), last_id=Max("id"), last_change=Max("updated_at")
        ).values()
    )


def parameter_set() -> ParameterSet:
    """Every value of every parameter, for calculations in bulk.

    Built once per process and kept while the table is unchanged: building it is a fifth of a
    partner's statement request, and the parameters change a few times a year. Each call still
    asks the database for the table's version, so a value changed in the admin or by
    ``load_parameters`` counts at once, in every process. The set is never changed once built
    (``ParameterSet``), so requests on several threads share it."""
    version = _version()
    params = _built.get(version)
    if params is None:
        rows = ParameterValue.objects.select_related("parameter").all()
        params = ParameterSet.of(_in_force(row, row.parameter.code) for row in rows)
        _built.clear()
        _built[version] = params
    return params
