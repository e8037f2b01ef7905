"""A calculation's trace as a specialist reads it, in the page's language.

The stored trace keeps the calculators' own notation and full precision (rules.md D-4). The
page says each step in words, names each value and parameter as the fund does, writes numbers
the locale's way (long fractions cut to two places with "≈") and gives each parameter's value,
the day it took effect and its legal source (the article or the act), never a research note.
"""

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from benefits.models import RefusalCode
from gfss.common import display

SHOWN_PLACES = 2

# The formula of each step in words, by the calculators' notation of it.
FORMULAS: dict[str, Any] = {
    "СМД (given)": _("the average monthly income given in the request"),
    "стаж": _("the number of months with social contributions"),
    "КСУ(стаж)": _("the coefficient for the participation length, from its scale"),
    "СМД − d × МЗП": _("average monthly income − share × minimum wage"),
    "КИ(dependents)": _("the coefficient for the number of dependents"),
    "months(стаж)": _("the duration for the participation length, from its scale"),
    "childcare.max_age_months": _("set by law on the date the right arises"),
    "round(allowance MRP × MRP) / (1 − benefit.opv_rate)": _(
        "state allowance in MRP × MRP, grossed up for the pension contribution: / (1 − its rate)"
    ),
    "round(allowance MRP × MRP)": _("state allowance in MRP × MRP"),
    "clamp(СМД × replacement, floor, cap)": _(
        "average monthly income × replacement coefficient, not below the minimum and not "
        "above the maximum amount"
    ),
    "(СМД − d × МЗП) × КЗД × КУТ × КСУ": _(
        "(average monthly income − share × minimum wage) × replacement coefficient × degree "
        "of lost working capacity × participation length coefficient"
    ),
    "(СМД − d × МЗП) × КЗД × КИ × КСУ": _(
        "(average monthly income − share × minimum wage) × replacement coefficient × "
        "dependents coefficient × participation length coefficient"
    ),
    "СМД × КЗД × КСУ": _(
        "average monthly income × replacement coefficient × participation length coefficient"
    ),
    "round(gross × benefit.opv_rate)": _("gross × pension contribution rate"),
    "0 (not withheld from this benefit)": _("not withheld from this benefit"),
    "gross − OPV": _("gross − pension contribution"),
    "given": _("as stated in the request"),
    "no contribution history given: taken as met": _(
        "no contribution history in the request: taken as met"
    ),
}
# Formulas that carry a number of their own.
_PATTERNS: list[tuple[re.Pattern[str], Any]] = [
    (
        re.compile(r"^Σ income of the (\d+) months before the month of the right / \d+$"),
        _("sum of the incomes of the %(n)s months before the month of the right / %(n)s"),
    ),
    (
        re.compile(r"^any income in the (\d+) months before the month of the right$"),
        _("an income in at least one of the %(n)s months before the month of the right"),
    ),
    (
        re.compile(r"^max\(0, стаж − (\d+) × previous months\)$"),
        _("participation length − %(n)s × months of job-loss benefit received before, not below 0"),
    ),
    (
        re.compile(r"^share × (\d+) × МЗП \(share 0: no cap\)$"),
        _("share × %(n)s × minimum wage (a share of 0: no maximum)"),
    ),
    (
        re.compile(r"^СМД × days / (\d+)$"),
        _("average monthly income × days of leave / %(n)s"),
    ),
]

VALUE_NAMES: dict[str, Any] = {
    "N": _("months"),
    "right_date": _("date the right arises"),
    "СМД": _("average monthly income"),
    "d": _("share of the minimum wage"),
    "МЗП": _("minimum wage"),
    "КЗД": _("replacement coefficient"),
    "КСУ": _("participation length coefficient"),
    "КИ": _("dependents coefficient"),
    "КУТ": _("degree of lost working capacity"),
    "стаж": _("participation length, months"),
    "previous months": _("months of job-loss benefit received before"),
    "share": _("share"),
    "replacement": _("replacement coefficient"),
    "floor": _("minimum amount"),
    "cap": _("maximum amount"),
    "gross": _("gross"),
    "OPV": _("pension contribution"),
    "allowance MRP": _("state allowance, MRP"),
    "MRP": _("MRP"),
    "days": _("days of leave"),
    "given": _("stated in the request"),
    "reason": _("reason"),
    "dependents": _("dependents"),
    "СМД − d × МЗП": _("income less the minimum-wage share"),
    "СМД × replacement": _("average monthly income × replacement coefficient"),
}

PARAMETER_NAMES: dict[str, Any] = {
    "mzp": _("Minimum monthly wage (MZP)"),
    "mrp": _("Monthly calculation index (MRP)"),
    "benefit.opv_rate": _("Pension contribution rate withheld from benefits"),
    "stazh.coefficient.long_term": _("Participation length coefficients (long-term benefits)"),
    "stazh.coefficient.job_loss": _("Participation length coefficients (job loss)"),
    "disability.replacement": _("Replacement coefficient (disability)"),
    "disability.mzp_deduction_share": _("Share of the minimum wage deducted (disability)"),
    "breadwinner.replacement": _("Replacement coefficient (loss of breadwinner)"),
    "breadwinner.mzp_deduction_share": _(
        "Share of the minimum wage deducted (loss of breadwinner)"
    ),
    "breadwinner.dependents_coefficient": _("Coefficients by the number of dependents"),
    "job_loss.replacement": _("Replacement coefficient (job loss)"),
    "job_loss.duration_months": _("Payment duration by participation length, months"),
    "job_loss.window_months_with_contribution": _(
        "Months before the right in which a contribution is needed"
    ),
    "childcare.replacement": _("Replacement coefficient (childcare)"),
    "childcare.max_age_months": _("Age of the child until which it is paid, months"),
    "childcare.state_allowance_mrp": _("State childcare allowance by birth order, MRP"),
    "childcare.floor_grossed_up": _("Minimum grossed up for the pension contribution"),
    "childcare.cap_share_of_7mzp": _("Share of 7 minimum wages that caps the amount"),
}

_SOCIAL_CODE = re.compile(r"^SC arts?\. ([\d, ]+?)(?: p\.(\d+))?(?: sp\.(\d+))?$")
_LAW = re.compile(r"^Laws? (?:No\. )?([\w\-, ]+?)(?: art\. (\d+))?$")
_BUDGET_LAW = re.compile(r"^(?:budget law|Budget law No\. ([\w\-]+))(?: (\d{4}))?(?: art\. \d+)?$")


def _source(part: str) -> str | None:
    """One part of a parameter's reference as a legal source, or None for a research note."""
    part = re.sub(r"\s*\(.*?\)\s*", " ", part).strip()
    match = _SOCIAL_CODE.match(part)
    if match:
        articles, point, subpoint = match.groups()
        text = _("Social Code, article %(articles)s") % {"articles": articles.strip()}
        if point:
            text += " " + _("paragraph %(n)s") % {"n": point}
        if subpoint:
            text += " " + _("subparagraph %(n)s") % {"n": subpoint}
        return str(text)
    match = _BUDGET_LAW.match(part)
    if match:
        number, year = match.groups()
        if number:
            return str(_("Law on the republican budget No. %(number)s") % {"number": number})
        if year:
            return str(_("Law on the republican budget for %(year)s") % {"year": year})
        return str(_("Law on the republican budget"))
    match = _LAW.match(part)
    if match:
        return str(_("Law No. %(number)s") % {"number": match.group(1)})
    if part == "NBK decision":
        return str(_("Decision of the National Bank"))
    return None


def legal_source(code: str, reference: str) -> str:
    """The article or act behind a parameter's value; the budget law for the MZP and MRP."""
    sources = [s for s in (_source(p) for p in reference.split(";")) if s]
    if not sources and code in ("mzp", "mrp"):
        sources = [str(_("Law on the republican budget"))]
    return "; ".join(dict.fromkeys(sources))


# Values and step results in tenge: written as money, with two decimals.
MONEY_NAMES = frozenset(
    {"СМД", "floor", "cap", "gross", "OPV", "МЗП", "MRP", "СМД − d × МЗП", "СМД × replacement"}
)
MONEY_STEPS = frozenset(
    {
        "avg_monthly_income",
        "income_less_deduction",
        "childcare_floor",
        "childcare_cap",
        "gross",
        "opv",
        "net",
    }
)


def _number(text: str, *, money: bool = False) -> str:
    try:
        value = Decimal(text)
    except InvalidOperation:
        return text
    exponent = value.normalize().as_tuple().exponent
    if isinstance(exponent, int) and -exponent > SHOWN_PLACES:
        return f"≈ {display.number(value, SHOWN_PLACES)}"
    return display.amount(value) if money else display.number(value)


def _value(name: str, text: str) -> str:
    if text in ("true", "false"):
        return str(_("yes") if text == "true" else _("no"))
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return display.day(text)
    if name in ("reason", "refusal"):
        return str(dict(RefusalCode.choices).get(text, text))
    return _number(text, money=name in MONEY_NAMES or name in MONEY_STEPS)


def _formula(text: str) -> str:
    if text in FORMULAS:
        return str(FORMULAS[text])
    for pattern, words in _PATTERNS:
        match = pattern.match(text)
        if match:
            return str(words % {"n": match.group(1)})
    if text in RefusalCode.values:
        return str(dict(RefusalCode.choices)[text])
    return text


def _parameter_value(value: Any) -> str:
    if isinstance(value, dict):
        brackets = " · ".join(
            f"{display.number(start)}+: {_number(str(amount))}"
            for start, amount in value["brackets"]
        )
        above = value.get("above")
        if above:
            brackets += " · " + str(
                _("+%(add)s for every %(every)s months, at most %(max)s")
                % {
                    "add": _number(str(above["add"])),
                    "every": above["every_months"],
                    "max": _number(str(above["max"])),
                }
            )
        return brackets
    return _number(str(value))


def _parameter(parameter: dict[str, Any]) -> dict[str, Any]:
    code = parameter["code"]
    return {
        "name": PARAMETER_NAMES.get(code, code),
        "value": _parameter_value(parameter["value"]),
        "valid_from": display.day(parameter["valid_from"]),
        "source": legal_source(code, parameter.get("legal_ref") or ""),
    }


def trace_rows(calculation: dict[str, Any]) -> list[dict[str, Any]]:
    language = (get_language() or "ru")[:2]
    rows = []
    for step in calculation.get("trace", []):
        result = step["result"]
        rows.append(
            {
                "label": step["label"].get(language) or step["label"].get("en", step["key"]),
                "formula": _formula(step["formula"]),
                "values": [
                    (VALUE_NAMES.get(name, name), _value(name, str(value)))
                    for name, value in step["values"].items()
                ],
                "parameters": [_parameter(p) for p in step["parameters"]],
                "result": "" if result is None else _value(step["key"], str(result)),
            }
        )
    return rows
