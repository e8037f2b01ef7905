"""Dated legal parameters held in memory: the value in force on a date, with its source.

A calculation asks a ``ParameterSet`` for ``get(code, on=date)`` and receives a
``ParameterInForce`` that carries the value and where it comes from, so that the trace of a
benefit can cite it. No value for a date is an error (rules.md §1), never a zero.
"""

from bisect import bisect_right
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from fractions import Fraction
from functools import cached_property
from typing import Any, TypeVar

from django.utils.translation import gettext as _

from gfss.common import display
from gfss.common.exceptions import ApplicationError

T = TypeVar("T")


class UnknownParameter(ApplicationError):
    def __init__(self, code: str) -> None:
        super().__init__(
            _("No legal parameter with code %(code)s exists.") % {"code": repr(code)},
            code="parameter_unknown",
            extra={"parameter": code},
        )


class ParameterNotInForce(ApplicationError):
    def __init__(self, code: str, on: date) -> None:
        super().__init__(
            _("The legal parameter %(code)s has no value in force on %(date)s.")
            % {"code": repr(code), "date": display.day(on)},
            code="parameter_not_in_force",
            extra={"parameter": code, "date": on.isoformat()},
        )


@dataclass(frozen=True)
class Above:
    """Past the last bracket: ``add`` for every ``every_months`` above ``start``, up to ``max``."""

    start: int
    every_months: int
    add: Decimal
    max: Decimal


@dataclass(frozen=True)
class Scale:
    """A table of half-open brackets ``[from, next from)``, e.g. months of stazh to КСУ."""

    brackets: tuple[tuple[int, Decimal], ...]
    above: Above | None = None

    def lookup(self, n: int) -> Decimal | None:
        """The value for ``n``; ``None`` below the first bracket (e.g. no right at all)."""
        starts = [start for start, _ in self.brackets]
        index = bisect_right(starts, n) - 1
        if index < 0:
            return None
        value = self.brackets[index][1]
        if self.above is not None and n >= self.above.start:
            steps = (n - self.above.start) // self.above.every_months
            value = min(value + self.above.add * steps, self.above.max)
        return value

    def as_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {"brackets": [[start, str(v)] for start, v in self.brackets]}
        if self.above is not None:
            data["above"] = {
                "from": self.above.start,
                "every_months": self.above.every_months,
                "add": str(self.above.add),
                "max": str(self.above.max),
            }
        return data

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> "Scale":
        above = data.get("above")
        return cls(
            brackets=tuple((int(start), Decimal(str(v))) for start, v in data["brackets"]),
            above=Above(
                start=int(above["from"]),
                every_months=int(above["every_months"]),
                add=Decimal(str(above["add"])),
                max=Decimal(str(above["max"])),
            )
            if above
            else None,
        )


ParameterValue = Decimal | Scale


@dataclass(frozen=True)
class ParameterInForce:
    code: str
    value: ParameterValue
    valid_from: date
    legal_ref: str = ""
    tag: str = ""

    @property
    def decimal(self) -> Decimal:
        if not isinstance(self.value, Decimal):
            raise TypeError(f"{self.code} is a scale, not a number")
        return self.value

    @cached_property
    def fraction(self) -> Fraction:
        """The number as an exact rational, for calculations that must not round (rules.md §3.4)."""
        return Fraction(self.decimal)

    @property
    def scale(self) -> Scale:
        if not isinstance(self.value, Scale):
            raise TypeError(f"{self.code} is a number, not a scale")
        return self.value

    def as_trace(self) -> dict[str, str]:
        return dict(self._trace)

    @cached_property
    def _trace(self) -> dict[str, str]:
        # Every calculation of a batch cites the same few values: written out once each.
        value = self.value.as_data() if isinstance(self.value, Scale) else str(self.value)
        return {
            "code": self.code,
            "value": value,  # type: ignore[dict-item]
            "valid_from": self.valid_from.isoformat(),
            "legal_ref": self.legal_ref,
            "tag": self.tag,
        }


@dataclass
class ParameterSet:
    """Every dated value of every parameter, sorted by date, for fast look-ups.

    A batch of calculations asks for the same codes on the same few dates again and again, so
    each answer is kept once found, and so is any value a rule derives from them (``derived``):
    the values do not change once the set is built.
    """

    _values: dict[str, list[ParameterInForce]] = field(default_factory=dict)
    _found: dict[tuple[str, date], ParameterInForce] = field(default_factory=dict, repr=False)
    _derived: dict[Hashable, Any] = field(default_factory=dict, repr=False)

    @classmethod
    def of(cls, values: Iterable[ParameterInForce]) -> "ParameterSet":
        result = cls()
        for value in values:
            result._values.setdefault(value.code, []).append(value)
        for series in result._values.values():
            series.sort(key=lambda v: v.valid_from)
        return result

    def get(self, code: str, *, on: date) -> ParameterInForce:
        found = self._found.get((code, on))
        if found is not None:
            return found
        series = self._values.get(code)
        if series is None:
            raise UnknownParameter(code)
        index = bisect_right([v.valid_from for v in series], on) - 1
        if index < 0:
            raise ParameterNotInForce(code, on)
        found = self._found[(code, on)] = series[index]
        return found

    def derived(self, key: Hashable, compute: Callable[[], T]) -> T:
        """``compute()``, a value derived from these parameters, computed once for ``key``."""
        if key not in self._derived:
            self._derived[key] = compute()
        return self._derived[key]

    def value(self, code: str, *, on: date) -> ParameterValue:
        return self.get(code, on=on).value


def parse_value(raw: Any) -> ParameterValue:
    """A value as the data file writes it: a number as a string, or a scale mapping."""
    if isinstance(raw, dict):
        return Scale.from_data(raw)
    return Decimal(str(raw))


def parameters_from_yaml_data(
    data: list[dict[str, Any]],
) -> list[tuple[dict[str, Any], list[ParameterInForce]]]:
    """The data file's entries: each parameter's attributes and its dated values."""
    result = []
    for entry in data:
        values = [
            ParameterInForce(
                code=entry["code"],
                value=parse_value(item["value"]),
                valid_from=item["from"]
                if isinstance(item["from"], date)
                else date.fromisoformat(str(item["from"])),
                legal_ref=str(item.get("ref", "")),
                tag=str(item.get("tag", "")),
            )
            for item in entry["values"]
        ]
        attributes = {
            "code": entry["code"],
            "unit": entry.get("unit", ""),
            "description": entry.get("description", ""),
        }
        result.append((attributes, values))
    return result
