"""The staff form of a refund application: the same fields as the State Corporation's API."""

from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from gfss.common.periods import parse_period
from refunds.models import Reason
from refunds.services import Applicant, LineRequest


class RefundApplicationForm(forms.Form):
    request_number = forms.CharField(
        label=_("Request number"),
        max_length=40,
        required=False,
        help_text=_("The State Corporation's number, if the application came on paper from it."),
    )
    payer = forms.RegexField(label=_("Payer BIN/IIN"), regex=r"^\d{12}$")
    document_reference = forms.CharField(label=_("Payment order reference (:20:)"), max_length=16)
    document_value_date = forms.DateField(
        label=_("Value date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    reason = forms.ChoiceField(label=_("Reason"), choices=Reason.choices)
    reason_text = forms.CharField(
        label=_("Explanation"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    applicant_name = forms.CharField(label=_("Applicant"), max_length=200)
    applicant_idn = forms.RegexField(label=_("Applicant BIN/IIN"), regex=r"^\d{12}$")
    bank_bic = forms.RegexField(label=_("Bank BIC"), regex=r"^[A-Z0-9]{8}([A-Z0-9]{3})?$")
    bank_account = forms.RegexField(label=_("Account (IBAN)"), regex=r"^KZ[0-9A-Z]{18}$")
    document_refs = forms.CharField(
        label=_("Documents"),
        required=False,
        help_text=_("One document reference a line."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    lines = forms.CharField(
        label=_("Lines"),
        help_text=_(
            "One line a person and month: IIN, period (YYYY-MM) and amount, as in the "
            "example below."
        ),
        widget=forms.Textarea(attrs={"rows": 6}),
    )

    def clean_lines(self) -> list[LineRequest]:
        result = []
        for number, text in enumerate(self.cleaned_data["lines"].splitlines(), start=1):
            parts = text.replace(";", " ").split()
            if not parts:
                continue
            try:
                iin, period, amount = parts
                result.append(
                    LineRequest(
                        iin=iin,
                        period=parse_period(period),
                        amount=Decimal(amount.replace(",", ".")),
                    )
                )
            except (ValueError, InvalidOperation):
                raise forms.ValidationError(
                    _("Line %(line)s is not “IIN YYYY-MM amount”: %(text)s"),
                    code="line_invalid",
                    params={"line": number, "text": text},
                ) from None
        return result

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "request_number": data["request_number"].strip(),
            "payer_idn": data["payer"],
            "document_reference": data["document_reference"].strip(),
            "document_value_date": data["document_value_date"],
            "reason": data["reason"],
            "reason_text": data["reason_text"],
            "applicant": Applicant(
                name=data["applicant_name"],
                idn=data["applicant_idn"],
                bank_bic=data["bank_bic"],
                bank_account=data["bank_account"],
            ),
            "document_refs": [r.strip() for r in data["document_refs"].splitlines() if r.strip()],
            "lines": data["lines"],
        }
