from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample
from rest_framework import serializers

from benefits.rules import BENEFIT_CODES, limits


class CalculateInputSerializer(serializers.Serializer):
    # A plain string so that an unknown benefit is answered by the calculator's own
    # "benefit_unknown" error rather than a generic field error.
    benefit = serializers.CharField(help_text="One of: " + ", ".join(BENEFIT_CODES))
    right_date = serializers.DateField(
        help_text="The date the right arises.", validators=[limits.RIGHT_DATES]
    )
    iin = serializers.CharField(
        required=False,
        max_length=12,
        help_text="Derive income and participation from the fund's contribution ledger.",
    )
    avg_monthly_income = serializers.DecimalField(
        max_digits=18, decimal_places=2, required=False, help_text="СМД given directly."
    )
    # Lower bounds are the calculators' own, answered with their specific codes.
    stazh_months = serializers.IntegerField(required=False, max_value=limits.STAZH_MONTHS_MAX)
    degree = serializers.DecimalField(
        max_digits=4, decimal_places=2, required=False, help_text="Disability: 0.30-1.00."
    )
    dependents = serializers.IntegerField(
        required=False, max_value=limits.DEPENDENTS_MAX, help_text="Breadwinner."
    )
    days = serializers.IntegerField(
        required=False, max_value=limits.DAYS_MAX, help_text="Maternity, adoption."
    )
    birth_order = serializers.IntegerField(
        required=False, max_value=limits.BIRTH_ORDER_MAX, help_text="Childcare."
    )
    child_iin = serializers.CharField(required=False, max_length=12, help_text="Childcare.")
    previous_job_loss_months = serializers.IntegerField(
        required=False, max_value=limits.PREVIOUS_JOB_LOSS_MONTHS_MAX, help_text="Job loss."
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if "iin" not in attrs and "avg_monthly_income" not in attrs:
            raise serializers.ValidationError(
                _("Give either an IIN or the average monthly income (avg_monthly_income).")
            )
        return attrs


class TraceStepSerializer(serializers.Serializer):
    key = serializers.CharField()
    # DRF takes declared fields off the class: this does not replace the field's own label.
    label = serializers.DictField(child=serializers.CharField())  # type: ignore[assignment]
    formula = serializers.CharField()
    values = serializers.DictField()
    parameters = serializers.ListField(child=serializers.DictField())
    result = serializers.CharField(allow_null=True)


class CalculateOutputSerializer(serializers.Serializer):
    benefit = serializers.CharField()
    right_date = serializers.DateField()
    eligible = serializers.BooleanField()
    refusal_reason = serializers.CharField(allow_null=True)
    refusal_message = serializers.DictField(allow_null=True)
    avg_monthly_income = serializers.CharField()
    stazh_months = serializers.IntegerField(allow_null=True)
    ksu = serializers.CharField(allow_null=True)
    months = serializers.IntegerField(allow_null=True)
    gross = serializers.CharField()
    opv = serializers.CharField()
    net = serializers.CharField()
    lump_sum = serializers.BooleanField()
    trace = TraceStepSerializer(many=True)


EXAMPLES = [
    OpenApiExample(
        "Job loss from stated facts",
        value={
            "benefit": "job_loss",
            "right_date": "2025-05-12",
            "avg_monthly_income": "300000.00",
            "stazh_months": 40,
        },
        request_only=True,
    ),
    OpenApiExample(
        "Childcare from the ledger",
        value={
            "benefit": "childcare",
            "right_date": "2025-02-10",
            "iin": "850712300017",
            "birth_order": 1,
        },
        request_only=True,
    ),
    OpenApiExample(
        "Job loss result",
        value={
            "benefit": "job_loss",
            "right_date": "2025-05-12",
            "eligible": True,
            "refusal_reason": None,
            "avg_monthly_income": "300000.00",
            "stazh_months": 40,
            "ksu": "0.9",
            "months": 4,
            "gross": "121500.00",
            "opv": "12150.00",
            "net": "109350.00",
            "lump_sum": False,
            "trace": ["…"],
        },
        response_only=True,
    ),
]
