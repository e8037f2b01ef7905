from rest_framework import serializers
from rest_framework.reverse import reverse

from gfss.api.fields import MonthField
from payouts.models import PayoutFile


class PayoutFileOutputSerializer(serializers.ModelSerializer[PayoutFile]):
    period = serializers.DateField(source="run.period", help_text="The month paid (its 1st day).")
    benefit = serializers.CharField(help_text="The benefit whose payments the file carries.")
    knp = serializers.CharField(help_text="The MT-102 payment purpose code of the benefit.")
    reference = serializers.CharField(help_text="The document reference (:20:).")
    lines = serializers.IntegerField(help_text="Payment lines in the file.")
    total = serializers.DecimalField(
        max_digits=18, decimal_places=2, help_text="The sum of the lines (:32A:)."
    )
    sha256 = serializers.CharField(help_text="SHA-256 of the file's bytes, in hex.")
    document_url = serializers.SerializerMethodField(help_text="The MT-102 file itself.")
    register_url = serializers.SerializerMethodField(help_text="Its register (CSV, UTF-8).")

    class Meta:
        model = PayoutFile
        fields = [
            "uuid",
            "period",
            "benefit",
            "knp",
            "reference",
            "lines",
            "total",
            "sha256",
            "document_url",
            "register_url",
        ]

    def get_document_url(self, obj: PayoutFile) -> str:
        return reverse("payout-file-document", args=[obj.uuid], request=self.context.get("request"))

    def get_register_url(self, obj: PayoutFile) -> str:
        return reverse("payout-file-register", args=[obj.uuid], request=self.context.get("request"))


def _money(help_text: str) -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=18, decimal_places=2, help_text=help_text)


class AwardMonthOutputSerializer(serializers.Serializer):
    period = MonthField(help_text="The month.")
    due = _money("Net due for the month, as the award's entitlement says today.")
    paid = _money("Net of the month's regular payment line.")
    top_up = _money("Net of the top-ups paid for the month since.")
    top_up_pending = _money("Net of the top-ups found for the month and not paid yet.")
    overpaid = _money("Overpayments found for the month (to recover).")
    recovered = _money("Deducted from this month's payment towards an overpayment.")
    balance = _money(
        "Due less paid less top-ups paid: positive, still owed to the person (a month or a "
        "top-up not paid yet); negative, paid too much (an overpayment); 0 once settled."
    )


class AwardMonthsOutputSerializer(serializers.Serializer):
    award = serializers.UUIDField(help_text="The award.")
    through = MonthField(help_text="The current month: no later month is due yet.")
    due = _money("Σ due.")
    paid = _money("Σ paid, regular lines and top-ups.")
    top_ups_pending = _money("Top-ups found and not paid yet.")
    overpaid = _money("Σ overpayments found.")
    recovered = _money("Σ recovered, by deductions and repayments.")
    to_recover = _money("The overpayment balance left to recover.")
    months = AwardMonthOutputSerializer(many=True)
