"""Shapes of the contributions API: plain output serializers, no business rules."""

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from contributions.models import PaymentDocument, QuarantinedLine
from contributions.selectors import document_lines_summary
from gfss.api.fields import MonthField


class Mt102ImportOutputSerializer(serializers.Serializer):
    """mt102.md's import contract (documentation only: the view returns ``as_json()``)."""

    file = serializers.CharField()
    status = serializers.ChoiceField(
        choices=["accepted", "partially_accepted", "rejected", "duplicate"]
    )
    reference = serializers.CharField(allow_null=True)
    payer = serializers.CharField(allow_null=True)
    knp = serializers.CharField(allow_null=True)
    value_date = serializers.DateField(allow_null=True)
    lines_total = serializers.IntegerField()
    lines_accepted = serializers.IntegerField()
    lines_rejected = serializers.IntegerField()
    amount_total = serializers.DecimalField(max_digits=18, decimal_places=2)
    amount_accepted = serializers.DecimalField(max_digits=18, decimal_places=2)
    # A field may be called ``errors``: DRF takes declared fields off the class, so the
    # serializer's own ``errors`` stays (the stubs do not know).
    errors = serializers.ListField(child=serializers.DictField())  # type: ignore[assignment]


class Mt102ImportInputSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="The MT-102 file as the bank produced it.")


class PaymentDocumentOutputSerializer(serializers.ModelSerializer):
    payer_name = serializers.CharField(source="payer.name")
    region = serializers.CharField(source="payer.region.code", default=None)
    file = serializers.CharField(source="file.filename")
    received_at = serializers.DateTimeField(source="file.received_at")

    class Meta:
        model = PaymentDocument
        fields = [
            "uuid",
            "reference",
            "payer_idn",
            "payer_name",
            "region",
            "knp",
            "value_date",
            "order_date",
            "total",
            "lines_total",
            "lines_accepted",
            "lines_rejected",
            "amount_accepted",
            "status",
            "file",
            "received_at",
        ]


class QuarantinedLineOutputSerializer(serializers.ModelSerializer):
    line = serializers.IntegerField(source="line_no")

    class Meta:
        model = QuarantinedLine
        fields = [
            "id",
            "line",
            "code",
            "message",
            "iin_text",
            "surname",
            "first_name",
            "patronymic",
            "birth_date_text",
            "period_text",
            "amount",
            "amount_text",
            "status",
            "resolved_at",
        ]


class QuarantinedLineCorrectInputSerializer(serializers.Serializer):
    iin = serializers.CharField(max_length=12, help_text="The participant's IIN, corrected.")
    period = serializers.CharField(help_text="The month the contribution is for, YYYY-MM.")


class PeriodSummarySerializer(serializers.Serializer):
    period = MonthField()
    lines = serializers.IntegerField()
    amount = serializers.DecimalField(max_digits=18, decimal_places=2)


class PaymentDocumentDetailOutputSerializer(PaymentDocumentOutputSerializer):
    errors = QuarantinedLineOutputSerializer(source="quarantined_lines", many=True)  # type: ignore[assignment]
    lines_by_period = serializers.SerializerMethodField()

    class Meta(PaymentDocumentOutputSerializer.Meta):
        fields = [*PaymentDocumentOutputSerializer.Meta.fields, "errors", "lines_by_period"]

    @extend_schema_field(PeriodSummarySerializer(many=True))
    def get_lines_by_period(self, document: PaymentDocument) -> list[dict[str, Any]]:
        periods = document_lines_summary(document=document)["periods"]
        return [PeriodSummarySerializer(period).data for period in periods]


class StatementLineSerializer(serializers.Serializer):
    payer_idn = serializers.CharField()
    payer_name = serializers.CharField()
    amount = serializers.DecimalField(max_digits=18, decimal_places=2)
    kind = serializers.CharField()
    value_date = serializers.DateField()
    due_date = serializers.DateField()
    on_time = serializers.BooleanField()
    reference = serializers.CharField()


class StatementMonthSerializer(serializers.Serializer):
    period = MonthField()
    total = serializers.DecimalField(max_digits=18, decimal_places=2)
    lines = StatementLineSerializer(many=True)


class StatementOutputSerializer(serializers.Serializer):
    iin = serializers.CharField(source="person.iin")
    name = serializers.CharField(source="person.full_name")
    period_from = MonthField(source="first")
    period_to = MonthField(source="last")
    months = StatementMonthSerializer(many=True)
    total_contributions = serializers.DecimalField(max_digits=18, decimal_places=2)
    total_penalties = serializers.DecimalField(max_digits=18, decimal_places=2)
    lines_late = serializers.IntegerField()
    participation_months = serializers.IntegerField(
        help_text="Months of the requested range with contributions."
    )
    participation_months_total = serializers.IntegerField(
        help_text="Participation (stazh): months with contributions from 2005-01 to the end "
        "of the range."
    )


class PayerArrearsOutputSerializer(serializers.Serializer):
    idn = serializers.CharField()
    name = serializers.CharField()
    region = serializers.CharField(source="region.code", default=None)
    accrued = serializers.DecimalField(max_digits=18, decimal_places=2)
    paid = serializers.DecimalField(max_digits=18, decimal_places=2)
    owed = serializers.DecimalField(max_digits=18, decimal_places=2)
