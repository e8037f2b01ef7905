from rest_framework import serializers
from rest_framework.reverse import reverse

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
