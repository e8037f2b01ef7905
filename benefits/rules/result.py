"""The outcome of a calculation: the right, the amounts and the trace that explains them."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction
from functools import cached_property
from typing import Any

from benefits.rules.trace import Step, Trace, decimal_text


class Benefit(StrEnum):
    DISABILITY = "disability"
    BREADWINNER = "breadwinner"
    JOB_LOSS = "job_loss"
    MATERNITY = "maternity"
    ADOPTION = "adoption"
    CHILDCARE = "childcare"


class RefusalReason(StrEnum):
    AMOUNT_NOT_POSITIVE = "amount_not_positive"
    STAZH_BELOW_MINIMUM = "stazh_below_minimum"
    NO_CONTRIBUTION_IN_WINDOW = "no_contribution_in_window"


REFUSAL_MESSAGES: dict[RefusalReason, dict[str, str]] = {
    RefusalReason.AMOUNT_NOT_POSITIVE: {
        "kk": "Есептелген әлеуметтік төлем мөлшері нөлге тең немесе нөлден аз.",
        "ru": "Рассчитанный размер социальной выплаты равен нулю или меньше нуля.",
        "en": "The calculated amount of the benefit is zero or less.",
    },
    RefusalReason.STAZH_BELOW_MINIMUM: {
        "kk": "Қатысу өтілі ең аз талап етілетін өтілден кем.",
        "ru": "Стаж участия меньше минимально требуемого.",
        "en": "The participation length is below the minimum required.",
    },
    RefusalReason.NO_CONTRIBUTION_IN_WINDOW: {
        "kk": "Құқық туындаған айға дейінгі белгіленген кезеңде әлеуметтік аударымдар төленбеген.",
        "ru": "В установленном периоде до месяца наступления права социальные отчисления "
        "не уплачивались.",
        "en": "No social contribution was paid in the window before the month of the right.",
    },
}


def _text(value: Decimal | Fraction | int | None) -> str | int | None:
    if isinstance(value, Fraction):
        return decimal_text(value)
    return str(value) if isinstance(value, Decimal) else value


@dataclass(frozen=True)
class Result:
    """``gross``/``opv``/``net`` are monthly amounts, or the one payment when ``lump_sum``.

    ``months``: job loss, the duration; childcare, the age of the child the payment runs to.
    Refused results carry zero amounts and the reason in ``refusal_reason``.
    ``avg_monthly_income`` is the exact СМД the amounts were computed from [D-4].
    """

    benefit: str
    right_date: date
    eligible: bool
    refusal_reason: str | None
    refusal_message: dict[str, str] | None
    avg_monthly_income: Fraction
    stazh_months: int | None
    ksu: Decimal | None
    months: int | None
    gross: Decimal
    opv: Decimal
    net: Decimal
    lump_sum: bool
    # The calculation's trace, written out on first reading (``trace``).
    recorded: Trace = field(repr=False, compare=False)

    @cached_property
    def trace(self) -> tuple[Step, ...]:
        return self.recorded.steps

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready: Decimals as strings, the date in ISO form."""
        return {
            "benefit": self.benefit,
            "right_date": self.right_date.isoformat(),
            "eligible": self.eligible,
            "refusal_reason": self.refusal_reason,
            "refusal_message": dict(self.refusal_message) if self.refusal_message else None,
            "avg_monthly_income": _text(self.avg_monthly_income),
            "stazh_months": self.stazh_months,
            "ksu": _text(self.ksu),
            "months": self.months,
            "gross": _text(self.gross),
            "opv": _text(self.opv),
            "net": _text(self.net),
            "lump_sum": self.lump_sum,
            "trace": [step.as_dict() for step in self.trace],
        }
