from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from benefits.calculator.forms import CalculatorForm
from benefits.calculator.services import benefit_calculator_run
from benefits.rules import Benefit
from benefits.trace_display import trace_rows
from gfss.common.exceptions import ApplicationError
from gfss.org.access import Action
from gfss.org.decorators import may_required
from gfss.org.models import AccessedData
from gfss.org.services import access_log_record


def payment_term(benefit: str, result: dict[str, Any], *, days: int | None) -> str:
    """How long or how often the amount is paid, in words: a row of every result."""
    months = result["months"]
    if benefit in (Benefit.MATERNITY, Benefit.ADOPTION):
        return ngettext(
            "Paid once, for %(days)s day of leave",
            "Paid once, for %(days)s days of leave",
            days or 0,
        ) % {"days": days}
    if benefit == Benefit.JOB_LOSS:
        return ngettext(
            "Monthly, for %(months)s month", "Monthly, for %(months)s months", months or 0
        ) % {"months": months}
    if benefit == Benefit.CHILDCARE:
        return ngettext(
            "Monthly, until the child is %(months)s month old",
            "Monthly, until the child is %(months)s months old",
            months or 0,
        ) % {"months": months}
    if benefit == Benefit.DISABILITY:
        return _("Monthly, for the period the medical and social expertise set the loss for")
    return _("Monthly, while the dependents keep their right to it")


@may_required(Action.CALCULATE)
def calculator(request: HttpRequest) -> HttpResponse:
    """Choosing a benefit (the select, or its button without JavaScript) only shows its facts;
    the calculation runs once the facts are sent."""
    choosing = "choose" in request.GET or set(request.GET) <= {"benefit"}
    form = CalculatorForm(initial=request.GET.dict()) if choosing else CalculatorForm(request.GET)
    context: dict = {"form": form, "rows": form.rows(), "chosen": form.chosen}
    if not choosing and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if v not in (None, "")}
        benefit, right_date, iin = (
            data.pop("benefit"),
            data.pop("right_date"),
            data.pop("iin", None),
        )
        try:
            result = benefit_calculator_run(
                user=request.user, benefit=benefit, right_date=right_date, iin=iin, stated=data
            ).as_dict()
        except ApplicationError as error:
            context["error"] = error
        else:
            if iin:
                access_log_record(request=request, subject=AccessedData.CALCULATION, iin=iin)
            language = (get_language() or "ru")[:2]
            context["result"] = result
            context["term"] = payment_term(benefit, result, days=data.get("days"))
            context["trace"] = trace_rows(result)
            if result["refusal_message"]:
                context["refusal_text"] = result["refusal_message"].get(language)
    return render(request, "benefits/calculator.html", context)
