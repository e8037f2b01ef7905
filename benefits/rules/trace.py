"""The trace of a calculation: every step with its formula, inputs, parameters and result.

The trace is shown to the claimant and to the inspector in Kazakh, Russian and English, so each
step carries its label in the three languages. Labels are plain strings (not gettext) so that
the calculators stay free of Django.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Any

from gfss.common.money import round_kzt
from gfss.legal.params import ParameterInForce

# The calculators work in exact fractions (rules.md §3.4); a trace writes one as a decimal,
# every digit when its expansion ends within twelve places (45801.675), otherwise rounded
# there (1017815.333333333333). Only the shown text is rounded, never the value computed on.
SHOWN_PLACES = Decimal("1e-12")

LABELS: dict[str, dict[str, str]] = {
    "avg_monthly_income": {
        "kk": "Орташа айлық табыс",
        "ru": "Среднемесячный доход",
        "en": "Average monthly income",
    },
    "stazh_months": {
        "kk": "Қатысу өтілі, ай",
        "ru": "Стаж участия, месяцев",
        "en": "Participation length, months",
    },
    "stazh_repeat_claim": {
        "kk": "Бұрын алынған жұмыстан айырылу төлемдері ескерілген қатысу өтілі",
        "ru": "Стаж участия за вычетом ранее полученных выплат по потере работы",
        "en": "Participation length after the repeat-claim reduction",
    },
    "ksu": {
        "kk": "Қатысу өтілі коэффициенті",
        "ru": "Коэффициент стажа участия",
        "en": "Participation length coefficient (КСУ)",
    },
    "contribution_in_window": {
        "kk": "Құқық туындаған айға дейінгі кезеңде әлеуметтік аударымдардың болуы",
        "ru": "Наличие социальных отчислений в периоде до месяца наступления права",
        "en": "A social contribution in the window before the month of the right",
    },
    "income_less_deduction": {
        "kk": "Ең төменгі жалақы үлесі шегерілген орташа айлық табыс",
        "ru": "Среднемесячный доход за вычетом доли минимальной заработной платы",
        "en": "Average monthly income less the minimum-wage share",
    },
    "dependents_coefficient": {
        "kk": "Асырауындағы адамдар санын ескеретін коэффициент",
        "ru": "Коэффициент, учитывающий количество иждивенцев",
        "en": "Dependents coefficient (КИ)",
    },
    "months": {
        "kk": "Төлем ұзақтығы, ай",
        "ru": "Продолжительность выплаты, месяцев",
        "en": "Payment duration, months",
    },
    "childcare_age_limit": {
        "kk": "Бала осы жасқа толғанға дейін төленеді, ай",
        "ru": "Выплачивается до достижения ребёнком возраста, месяцев",
        "en": "Paid until the child reaches this age, months",
    },
    "childcare_floor": {
        "kk": "Ең төменгі мөлшер (бала күтіміне арналған мемлекеттік жәрдемақы)",
        "ru": "Минимальный размер (государственное пособие по уходу за ребёнком)",
        "en": "Floor (state childcare allowance)",
    },
    "childcare_cap": {
        "kk": "Ең жоғары мөлшер",
        "ru": "Максимальный размер",
        "en": "Cap",
    },
    "gross": {
        "kk": "Әлеуметтік төлем сомасы (есептелген)",
        "ru": "Размер социальной выплаты (начислено)",
        "en": "Gross benefit",
    },
    "opv": {
        "kk": "Ұсталатын міндетті зейнетақы жарналары",
        "ru": "Удерживаемые обязательные пенсионные взносы",
        "en": "Pension contribution withheld (OPV)",
    },
    "net": {
        "kk": "Төленетін сома",
        "ru": "Сумма к выплате",
        "en": "Net amount payable",
    },
    "refusal": {
        "kk": "Тағайындаудан бас тарту",
        "ru": "Отказ в назначении",
        "en": "Refusal",
    },
}


def decimal_text(value: Fraction) -> str:
    """An exact rational written as a decimal, at most ``SHOWN_PLACES``, no trailing zeros."""
    return f"{round_kzt(value, places=SHOWN_PLACES).normalize():f}"


def as_text(value: object) -> str:
    """One spelling for every value in a trace: Decimals as written, fractions as decimals,
    dates ISO, None as ''."""
    if value is None:
        return ""
    if isinstance(value, Fraction):
        return decimal_text(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


@dataclass(frozen=True)
class Step:
    key: str
    label: dict[str, str]
    formula: str
    values: dict[str, str]
    parameters: list[dict[str, Any]]
    result: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "label": dict(self.label),
            "formula": self.formula,
            "values": dict(self.values),
            "parameters": [dict(p) for p in self.parameters],
            "result": self.result,
        }


class Trace:
    """Collects the steps of one calculation, in order.

    A step keeps its values as computed and is written out as text when the trace is read: a
    batch of calculations reads only the amounts, and writing every exact value as a decimal
    would cost as much as the calculation itself.
    """

    def __init__(self) -> None:
        self._steps: list[
            tuple[str, str, Mapping[str, object], list[ParameterInForce], object]
        ] = []

    def add(
        self,
        key: str,
        *,
        formula: str,
        result: object,
        values: Mapping[str, object] | None = None,
        parameters: Iterable[ParameterInForce] = (),
    ) -> None:
        if key not in LABELS:
            raise KeyError(key)
        self._steps.append((key, formula, values or {}, list(parameters), result))

    @property
    def steps(self) -> tuple[Step, ...]:
        return tuple(
            Step(
                key=key,
                label=LABELS[key],
                formula=formula,
                values={name: as_text(v) for name, v in values.items()},
                parameters=[p.as_trace() for p in parameters],
                result=as_text(result),
            )
            for key, formula, values, parameters, result in self._steps
        )
