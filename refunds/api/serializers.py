"""Shapes of the refund API: explicit input serializers (validation only) and outputs."""

from datetime import date
from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from gfss.common.periods import parse_period
from refunds.checks import check_message
from refunds.models import PayoutOrder, Reason, RefundApplication, RefundEvent, RefundLine
from refunds.selectors import refund_events


@extend_schema_field({"type": "string", "pattern": r"^\d{4}-\d{2}$", "example": "2025-01"})
class PeriodField(serializers.Field):
    """A month as ``YYYY-MM``."""

    default_error_messages = {"invalid": _("A month is written YYYY-MM.")}

    def to_internal_value(self, data: Any) -> date:
        try:
            return parse_period(str(data))
        except ValueError:
            self.fail("invalid")

    def to_representation(self, value: date) -> str:
        return f"{value:%Y-%m}"


class _Money(serializers.DecimalField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_digits=18, decimal_places=2, **kwargs)


class RefundLineInputSerializer(serializers.Serializer):
    iin = serializers.RegexField(r"^\d{12}$", help_text="The person's IIN.")
    period = PeriodField(help_text="The month the contribution was paid for, YYYY-MM.")
    amount = _Money(help_text="The amount to refund, tenge.")


class ApplicantInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    idn = serializers.RegexField(r"^\d{12}$", help_text="The applicant's BIN or IIN.")
    bank_bic = serializers.RegexField(r"^[A-Z0-9]{8}([A-Z0-9]{3})?$")
    bank_account = serializers.RegexField(r"^KZ[0-9A-Z]{18}$", help_text="IBAN, 20 characters.")


class DocumentRefInputSerializer(serializers.Serializer):
    reference = serializers.CharField(max_length=16, help_text="The MT-102 :20: reference.")
    value_date = serializers.DateField(help_text="The MT-102 :32A: value date.")


class RefundCreateInputSerializer(serializers.Serializer):
    request_number = serializers.CharField(
        max_length=40, help_text="The State Corporation's own request number (idempotency key)."
    )
    payer = serializers.RegexField(r"^\d{12}$", help_text="The payer's BIN or IIN.")
    document = DocumentRefInputSerializer(required=False)
    document_id = serializers.UUIDField(required=False, help_text="Or the document's id.")
    reason = serializers.ChoiceField(choices=Reason.choices)
    reason_text = serializers.CharField(required=False, allow_blank=True, default="")
    applicant = ApplicantInputSerializer()
    documents = serializers.ListField(
        child=serializers.CharField(max_length=200), required=False, default=list
    )
    lines: serializers.ListSerializer[Any] = serializers.ListSerializer(
        child=RefundLineInputSerializer(), max_length=240
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not attrs.get("document") and not attrs.get("document_id"):
            raise serializers.ValidationError({"document": _("Give the document or its id.")})
        return attrs


class RefundDecideInputSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=RefundApplication.Decision.choices)
    refusal_code = serializers.CharField(required=False, allow_blank=True, default="")
    comment = serializers.CharField(required=False, allow_blank=True, default="")
    line_amounts = serializers.DictField(
        child=_Money(min_value=0),
        required=False,
        help_text="Approve in part: the amount approved per line number.",
    )


class RefundCommentInputSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class OrderPaidInputSerializer(serializers.Serializer):
    paid_on = serializers.DateField()
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class RefundLineOutputSerializer(serializers.ModelSerializer):
    period = PeriodField()
    check_message = serializers.SerializerMethodField()
    counted_award = serializers.UUIDField(source="counted_award.uuid", allow_null=True)

    class Meta:
        model = RefundLine
        fields = [
            "line_no",
            "iin",
            "period",
            "amount",
            "approved_amount",
            "check_code",
            "check_passed",
            "check_message",
            "counted_award",
        ]

    def get_check_message(self, line: RefundLine) -> str:
        return check_message(line.check_code, line.check_data)


class RefundEventOutputSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.username", allow_null=True)

    class Meta:
        model = RefundEvent
        fields = ["kind", "from_status", "to_status", "actor", "created_at", "comment"]


class RefundOutputSerializer(serializers.ModelSerializer):
    payer = serializers.CharField(source="payer.idn")
    document = serializers.CharField(source="document.reference")
    document_value_date = serializers.DateField(source="document.value_date")
    order = serializers.CharField(source="order.reference", allow_null=True)
    lines = RefundLineOutputSerializer(many=True)

    class Meta:
        model = RefundApplication
        fields = [
            "uuid",
            "request_number",
            "source",
            "status",
            "reason",
            "payer",
            "document",
            "document_value_date",
            "received_on",
            "stage_due",
            "amount_requested",
            "amount_approved",
            "people",
            "decision",
            "refusal_code",
            "order",
            "paid_on",
            "lines",
        ]


class RefundListOutputSerializer(serializers.ModelSerializer):
    payer = serializers.CharField(source="payer.idn")

    class Meta:
        model = RefundApplication
        fields = [
            "uuid",
            "request_number",
            "status",
            "reason",
            "payer",
            "received_on",
            "stage_due",
            "amount_requested",
            "amount_approved",
            "people",
        ]


class RefundStatusOutputSerializer(serializers.ModelSerializer):
    events = serializers.SerializerMethodField()

    class Meta:
        model = RefundApplication
        fields = [
            "uuid",
            "request_number",
            "status",
            "decision",
            "refusal_code",
            "received_on",
            "stage_due",
            "amount_approved",
            "paid_on",
            "events",
        ]

    @extend_schema_field(RefundEventOutputSerializer(many=True))
    def get_events(self, application: RefundApplication) -> list[dict[str, Any]]:
        return [RefundEventOutputSerializer(e).data for e in refund_events(application=application)]


class PayoutOrderOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = PayoutOrder
        fields = [
            "uuid",
            "reference",
            "knp",
            "value_date",
            "status",
            "applications_count",
            "lines",
            "total",
            "sha256",
        ]


class ReportRowOutputSerializer(serializers.Serializer):
    key = serializers.CharField()
    applications = serializers.IntegerField()
    people = serializers.IntegerField()
    amount = _Money()
