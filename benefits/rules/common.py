"""What every benefit calculation shares: the СМД step, the КСУ step, the gross/OPV/net split.

A ``Calculation`` is the working state of one calculation: the facts, the parameters in force
on the date of the right (rules.md §1), the trace, and the summary figures a ``Result`` reports.
Every amount before the final gross is an exact ``Fraction`` (rules.md §3.4): parameters enter
through ``ParameterInForce.fraction``, and ``pay`` rounds once, to a ``Decimal``.
"""

from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from fractions import Fraction
from typing import TypeVar

from benefits.rules.errors import FactInvalidError, FactMissingError, FactOutOfRangeError
from benefits.rules.facts import Facts, average_income
from benefits.rules.limits import COUNT_RANGES
from benefits.rules.result import REFUSAL_MESSAGES, Benefit, RefusalReason, Result
from benefits.rules.trace import Trace, as_text
from gfss.common.money import ZERO, round_kzt
from gfss.legal.params import ParameterInForce, ParameterSet


def opv_of(gross: Decimal, *, rate: Fraction) -> Decimal:
    """The OPV withheld from a rounded gross (rules.md §3.4): round(gross × rate).

    The one definition: the calculators and the amount series (assignment, events,
    recalculations) both withhold through it.
    """
    return round_kzt(Fraction(gross) * rate)


T = TypeVar("T")

# СМД is taken over 24 months for disability, breadwinner, job loss and childcare [V]
# (Arts. 118, 181, 240, 85); 12 for maternity and adoption (Art. 78).
LONG_TERM_AVERAGE_MONTHS = 24


def require(value: T | None, *, fact: str) -> T:
    if value is None:
        raise FactMissingError(fact)
    return value


def _check_ranges(facts: Facts) -> None:
    # Below the range each calculator answers with its own code; above it, one code for all.
    for fact, (low, high) in COUNT_RANGES.items():
        value = getattr(facts, fact)
        if value is not None and value > high:
            raise FactOutOfRangeError(fact, value, low=low, high=high)


class Calculation:
    def __init__(
        self, benefit: Benefit, facts: Facts, *, params: ParameterSet, lump_sum: bool = False
    ) -> None:
        self.benefit = benefit
        self.facts = facts
        self.params = params
        self.lump_sum = lump_sum
        self.trace = Trace()
        self.avg_monthly_income = Fraction(0)
        self.stazh_months = facts.stazh_months
        self.ksu: Decimal | None = None
        self.months: int | None = None
        if facts.stazh_months is not None and facts.stazh_months < 0:
            raise FactInvalidError("stazh_months", facts.stazh_months)
        _check_ranges(facts)

    def param(self, code: str) -> ParameterInForce:
        """The value in force on the date the right arises (rules.md §1)."""
        return self.params.get(code, on=self.facts.right_date)

    def average_income(self, *, months: int) -> Fraction:
        """СМД over ``months`` months: given directly, or derived from the monthly incomes."""
        facts = self.facts
        if facts.avg_monthly_income is not None:
            value = Fraction(facts.avg_monthly_income)
            self.trace.add(
                "avg_monthly_income", formula="СМД (given)", values={"СМД": value}, result=value
            )
        elif facts.monthly_incomes is not None:
            value = average_income(
                facts.monthly_incomes, right_date=facts.right_date, months=months
            )
            self.trace.add(
                "avg_monthly_income",
                formula=f"Σ income of the {months} months before the month of the right / {months}",
                values={"N": months, "right_date": facts.right_date},
                result=value,
            )
        else:
            raise FactMissingError("avg_monthly_income")
        if value < 0:
            raise FactInvalidError("avg_monthly_income", as_text(value))
        self.avg_monthly_income = value
        return value

    def stazh(self) -> int:
        stazh = require(self.stazh_months, fact="stazh_months")
        self.trace.add("stazh_months", formula="стаж", values={"стаж": stazh}, result=stazh)
        return stazh

    def coefficient_ksu(self, *, code: str, stazh: int) -> Decimal | None:
        """КСУ for ``stazh`` months from the scale ``code``; ``None`` below its first bracket."""
        scale = self.param(code)
        ksu = scale.scale.lookup(stazh)
        self.trace.add(
            "ksu", formula="КСУ(стаж)", values={"стаж": stazh}, parameters=[scale], result=ksu
        )
        self.ksu = ksu
        return ksu

    def long_term_amount(
        self,
        *,
        prefix: str,
        factor_name: str,
        factor: Callable[["Calculation"], tuple[Decimal, list[ParameterInForce]]],
        withhold_opv: bool,
    ) -> Result:
        """Disability and breadwinner: (СМД24 − d × МЗП) × КЗД × factor × КСУ (§4.1, §4.2).

        ``factor`` returns КУТ or КИ and the parameters it came from, adding its own trace step.
        """
        avg = self.average_income(months=LONG_TERM_AVERAGE_MONTHS)
        stazh = self.stazh()
        ksu = self.coefficient_ksu(code="stazh.coefficient.long_term", stazh=stazh)
        if ksu is None:
            return self.refuse(RefusalReason.STAZH_BELOW_MINIMUM)
        share = self.param(f"{prefix}.mzp_deduction_share")
        mzp = self.param("mzp")
        base = avg - share.fraction * mzp.fraction
        self.trace.add(
            "income_less_deduction",
            formula="СМД − d × МЗП",
            values={"СМД": avg, "d": share.decimal, "МЗП": mzp.decimal},
            parameters=[share, mzp],
            result=base,
        )
        coefficient, factor_parameters = factor(self)
        replacement = self.param(f"{prefix}.replacement")
        gross = base * replacement.fraction * Fraction(coefficient) * Fraction(ksu)
        return self.pay(
            gross,
            formula=f"(СМД − d × МЗП) × КЗД × {factor_name} × КСУ",
            values={
                "СМД − d × МЗП": base,
                "КЗД": replacement.decimal,
                factor_name: coefficient,
                "КСУ": ksu,
            },
            parameters=[replacement, *factor_parameters],
            withhold_opv=withhold_opv,
        )

    def refuse(self, reason: RefusalReason) -> Result:
        message = REFUSAL_MESSAGES[reason]
        self.trace.add("refusal", formula=str(reason), values={"reason": reason}, result=reason)
        return self._result(
            refusal_reason=reason, refusal_message=dict(message), gross=ZERO, opv=ZERO, net=ZERO
        )

    def pay(
        self,
        gross: Fraction,
        *,
        formula: str,
        values: Mapping[str, object],
        parameters: Iterable[ParameterInForce],
        withhold_opv: bool,
    ) -> Result:
        """Round the exact gross, the one rounding of the formula, then split OPV and net
        (rules.md §3.3-3.4); refuse if the rounded gross is not positive [D-12]."""
        rounded = round_kzt(gross)
        self.trace.add(
            "gross", formula=formula, values=values, parameters=parameters, result=rounded
        )
        if rounded <= 0:
            return self.refuse(RefusalReason.AMOUNT_NOT_POSITIVE)
        if withhold_opv:
            rate = self.param("benefit.opv_rate")
            opv = opv_of(rounded, rate=rate.fraction)
            self.trace.add(
                "opv",
                formula="round(gross × benefit.opv_rate)",
                values={"gross": rounded},
                parameters=[rate],
                result=opv,
            )
        else:
            opv = ZERO
            self.trace.add("opv", formula="0 (not withheld from this benefit)", result=opv)
        net = rounded - opv
        self.trace.add(
            "net", formula="gross − OPV", values={"gross": rounded, "OPV": opv}, result=net
        )
        return self._result(
            refusal_reason=None, refusal_message=None, gross=rounded, opv=opv, net=net
        )

    def _result(
        self,
        *,
        refusal_reason: RefusalReason | None,
        refusal_message: dict[str, str] | None,
        gross: Decimal,
        opv: Decimal,
        net: Decimal,
    ) -> Result:
        return Result(
            benefit=str(self.benefit),
            right_date=self.facts.right_date,
            eligible=refusal_reason is None,
            refusal_reason=None if refusal_reason is None else str(refusal_reason),
            refusal_message=refusal_message,
            avg_monthly_income=self.avg_monthly_income,
            stazh_months=self.stazh_months,
            ksu=self.ksu,
            months=self.months,
            gross=gross,
            opv=opv,
            net=net,
            lump_sum=self.lump_sum,
            recorded=self.trace,
        )
