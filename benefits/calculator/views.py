from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language

from benefits.calculator.forms import CalculatorForm
from benefits.calculator.services import benefit_calculator_run
from benefits.trace_display import trace_rows
from gfss.common.exceptions import ApplicationError
from gfss.org.access import Action
from gfss.org.decorators import may_required
from gfss.org.models import AccessedData
from gfss.org.services import access_log_record


@may_required(Action.CALCULATE)
def calculator(request: HttpRequest) -> HttpResponse:
    form = CalculatorForm(request.GET or None)
    context: dict = {"form": form}
    if form.is_bound and form.is_valid():
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
            context["trace"] = trace_rows(result)
            if result["refusal_message"]:
                context["refusal_text"] = result["refusal_message"].get(language)
    return render(request, "benefits/calculator.html", context)
