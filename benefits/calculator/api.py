from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from benefits.calculator.serializers import (
    EXAMPLES,
    CalculateInputSerializer,
    CalculateOutputSerializer,
)
from benefits.calculator.services import benefit_calculator_run
from gfss.api.permissions import Action, does
from gfss.org.models import AccessedData
from gfss.org.services import access_log_record


class BenefitCalculateApi(APIView):
    permission_classes = [does(Action.CALCULATE)]

    @extend_schema(
        request=CalculateInputSerializer,
        responses={200: CalculateOutputSerializer},
        examples=EXAMPLES,
        summary="Calculate a benefit with its step-by-step trace",
        description=(
            "Either state the facts (avg_monthly_income, stazh_months, …) or give an IIN: the "
            "average income and participation months then come from the contribution ledger. "
            "Input errors answer 400 with a specific code (benefit_unknown, "
            "parameter_not_in_force, degree_out_of_range, days_not_positive, dependents_invalid, "
            "birth_order_invalid, fact_missing, iin_not_registered); a refusal is a 200 with "
            "eligible false and its refusal_reason."
        ),
    )
    def post(self, request: Request) -> Response:
        serializer = CalculateInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        benefit, right_date, iin = (
            data.pop("benefit"),
            data.pop("right_date"),
            data.pop("iin", None),
        )
        result = benefit_calculator_run(
            user=request.user, benefit=benefit, right_date=right_date, iin=iin, stated=data
        )
        if iin:
            access_log_record(request=request, subject=AccessedData.CALCULATION, iin=iin)
        return Response(result.as_dict())
