"""A calculation's trace as people read it: labels in the page's language, long decimals cut.

The stored trace writes the exact values of the calculation to twelve decimals
(``benefits.rules.trace``); the page shows at most four ("≈" when it cuts) and scales as their
brackets, so a reviewer can follow the arithmetic.
"""

from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import get_language

SHOWN_PLACES = 4


def _number(value: Any) -> str:
    text = str(value)
    try:
        number = Decimal(text)
    except InvalidOperation:
        return text
    exponent = number.as_tuple().exponent
    if isinstance(exponent, int) and -exponent > SHOWN_PLACES:
        return f"≈ {number.quantize(Decimal(1).scaleb(-SHOWN_PLACES)).normalize():f}"
    return text


def _parameter(parameter: dict[str, Any]) -> dict[str, Any]:
    value = parameter["value"]
    if isinstance(value, dict):
        brackets = " · ".join(f"{start}+: {amount}" for start, amount in value["brackets"])
        above = value.get("above")
        if above:
            brackets += f" · +{above['add']} / {above['every_months']} ({above['max']} max)"
        value = brackets
    return {**parameter, "value": value}


def trace_rows(calculation: dict[str, Any]) -> list[dict[str, Any]]:
    language = (get_language() or "ru")[:2]
    return [
        {
            "label": step["label"].get(language) or step["label"].get("en", step["key"]),
            "formula": step["formula"],
            "values": {name: _number(value) for name, value in step["values"].items()},
            "parameters": [_parameter(p) for p in step["parameters"]],
            "result": "" if step["result"] is None else _number(step["result"]),
        }
        for step in calculation.get("trace", [])
    ]
