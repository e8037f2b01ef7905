"""A batch run's kind, parameters and result as the pages show them, in the active language."""

from typing import Any

from gfss.common import display
from gfss.jobs.registry import labels


def kind_label(kind: str) -> str:
    return str(labels(kind).kind)


def _value(value: Any, shown_as: str) -> str:
    if shown_as == "month":
        return display.month(value)
    if shown_as == "day":
        return display.day(value)
    if shown_as == "money":
        return display.money(value)
    if shown_as == "count":
        return display.number(value)
    if shown_as == "items":
        return display.number(len(value)) if isinstance(value, list | tuple) else str(value)
    return str(value)


def described(kind: str, values: dict[str, Any] | None) -> list[tuple[str, str]]:
    """``(label, value)`` for each key the kind describes, in the order it lists them."""
    values = values or {}
    return [
        (str(field.label), _value(values[key], field.shown_as))
        for key, field in labels(kind).fields.items()
        if key in values and values[key] is not None
    ]
