"""Golden cases (/work/shared/golden/README.md): load them, run them, report what differs.

The cases run through ``calculate`` with facts derived by the same functions the database path
uses (``income_from_contributions``, ``stazh_months``), never through a copy of the rules.
"""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

from benefits.rules import calculate
from benefits.rules.facts import Contribution, Facts, income_from_contributions, stazh_months
from benefits.rules.result import Result
from gfss.common.money import round_kzt
from gfss.common.periods import parse_period, periods_between
from gfss.legal.params import ParameterSet

FACT_KEYS = frozenset(
    {
        "avg_monthly_income",
        "stazh_months",
        "contributions",
        "degree",
        "dependents",
        "days",
        "birth_order",
        "previous_job_loss_months",
        "has_contribution_in_window",
    }
)


@dataclass(frozen=True)
class GoldenCase:
    id: str
    benefit: str
    right_date: date
    facts: Mapping[str, Any]
    expect: Mapping[str, Any]
    source: str = ""


@dataclass(frozen=True)
class Mismatch:
    key: str
    expected: str
    got: str


def load_cases(path: Path | str) -> list[GoldenCase]:
    """The cases of one file; a malformed case raises ``ValueError`` rather than being skipped."""
    with Path(path).open(encoding="utf-8") as handle:
        raw = yaml.safe_load(handle) or []
    cases = []
    for entry in raw:
        case = GoldenCase(
            id=str(entry["id"]),
            benefit=str(entry["benefit"]),
            right_date=_date(entry["right_date"]),
            facts=entry.get("facts") or {},
            expect=entry.get("expect") or {},
            source=str(entry.get("source", "")),
        )
        unknown = (set(case.facts) - FACT_KEYS) | (set(case.expect) - set(COMPARERS))
        if unknown:
            raise ValueError(f"case {case.id}: unknown keys {sorted(unknown)}")
        cases.append(case)
    return cases


def contributions_of(runs: Iterable[Mapping[str, Any]]) -> list[Contribution]:
    """``{payer, from, to, amount}`` runs expanded to one contribution per month."""
    return [
        Contribution(payer=str(run["payer"]), period=period, amount=Decimal(str(run["amount"])))
        for run in runs
        for period in periods_between(parse_period(run["from"]), parse_period(run["to"]))
    ]


def facts_of(case: GoldenCase, *, params: ParameterSet) -> Facts:
    """The case's facts; one given directly wins over one derived from contributions."""
    given = case.facts
    incomes = None
    derived_stazh = None
    if "contributions" in given:
        contributions = contributions_of(given["contributions"])
        incomes = income_from_contributions(contributions, params=params)
        derived_stazh = stazh_months((c.period for c in contributions), right_date=case.right_date)
    return Facts(
        right_date=case.right_date,
        avg_monthly_income=_decimal(given.get("avg_monthly_income")),
        stazh_months=_int(given.get("stazh_months", derived_stazh)),
        monthly_incomes=incomes,
        degree=_decimal(given.get("degree")),
        dependents=_int(given.get("dependents")),
        days=_int(given.get("days")),
        birth_order=_int(given.get("birth_order")),
        previous_job_loss_months=_int(given.get("previous_job_loss_months")) or 0,
        has_contribution_in_window=given.get("has_contribution_in_window"),
    )


def run_case(case: GoldenCase, *, params: ParameterSet) -> list[Mismatch]:
    """The keys of ``expect`` that the calculation does not reproduce (empty: the case passes)."""
    result = calculate(case.benefit, facts_of(case, params=params), params=params)
    mismatches = []
    for key, expected in case.expect.items():
        got = COMPARERS[key](result)
        if not _equal(expected, got):
            mismatches.append(Mismatch(key=key, expected=_show(expected), got=_show(got)))
    return mismatches


def _equal(expected: Any, got: Any) -> bool:
    if isinstance(expected, bool) or isinstance(got, bool) or expected is None or got is None:
        return expected == got
    if isinstance(got, str):
        return str(expected) == got
    # Numbers compare as decimals: "1.0" equals "1.00", money exactly to the tiyn.
    try:
        return Decimal(str(expected)) == got
    except InvalidOperation:
        return False


def _show(value: Any) -> str:
    return (
        "null" if value is None else str(value).lower() if isinstance(value, bool) else str(value)
    )


def _date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def _decimal(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _int(value: Any) -> int | None:
    return None if value is None else int(value)


COMPARERS: dict[str, Callable[[Result], Any]] = {
    "eligible": lambda r: r.eligible,
    "refusal_reason": lambda r: r.refusal_reason,
    # СМД is kept at full precision; the cases state it to the tiyn.
    "avg_monthly_income": lambda r: round_kzt(r.avg_monthly_income),
    "stazh_months": lambda r: r.stazh_months,
    "ksu": lambda r: r.ksu,
    "months": lambda r: r.months,
    "gross": lambda r: r.gross,
    "opv": lambda r: r.opv,
    "net": lambda r: r.net,
}
