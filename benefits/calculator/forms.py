from django import forms
from django.utils.translation import gettext_lazy as _

from benefits.models import BenefitType
from benefits.rules import limits


class CalculatorForm(forms.Form):
    benefit = forms.ChoiceField(label=_("Benefit"), choices=BenefitType.choices)
    right_date = forms.DateField(
        label=_("Date the right arises"),
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=[limits.RIGHT_DATES],
    )
    iin = forms.CharField(
        label=_("IIN"),
        required=False,
        max_length=12,
        help_text=_("Income and participation come from the contribution ledger."),
    )
    avg_monthly_income = forms.DecimalField(
        label=_("Average monthly income"), required=False, max_digits=18, decimal_places=2
    )
    stazh_months = forms.IntegerField(
        label=_("Participation, months"), required=False, max_value=limits.STAZH_MONTHS_MAX
    )
    degree = forms.DecimalField(
        label=_("Degree of loss of working capacity"),
        required=False,
        max_digits=4,
        decimal_places=2,
    )
    dependents = forms.IntegerField(
        label=_("Dependents"), required=False, max_value=limits.DEPENDENTS_MAX
    )
    days = forms.IntegerField(label=_("Days of leave"), required=False, max_value=limits.DAYS_MAX)
    birth_order = forms.IntegerField(
        label=_("Birth order of the child"), required=False, max_value=limits.BIRTH_ORDER_MAX
    )

    def clean(self) -> dict:
        data = super().clean() or {}
        if not data.get("iin") and data.get("avg_monthly_income") is None:
            raise forms.ValidationError(_("Give an IIN or the average monthly income."))
        return data
