from decimal import Decimal
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from benefits.models import BenefitType
from benefits.rules import CLAIM_FACTS, OPTIONAL_FACTS, Benefit, limits
from gfss.common.display import day
from participants.validators import validate_iin

# The degree is typed as the expertise writes it, in per cent; the calculators take a share.
DEGREE_PERCENT_MIN = int(limits.DEGREE_MIN * 100)
DEGREE_PERCENT_MAX = int(limits.DEGREE_MAX * 100)
# Facts the ledger supplies when an IIN is given.
LEDGER_FACTS = frozenset({"stazh_months"})
# Fields every benefit needs; the others are the benefit's own (``CLAIM_FACTS``).
COMMON_FIELDS = ("right_date", "iin", "avg_monthly_income")
# The unit and range of each count, written in the page's language with the field's bounds.
RANGE_HELP = {
    "stazh_months": _(
        "Months with social contributions, from %(min)s to %(max)s; with an IIN they come from "
        "the ledger."
    ),
    "degree": _(
        "In per cent, from %(min)s to %(max)s, as the medical and social expertise set it."
    ),
    "dependents": _("Family members the breadwinner supported, from %(min)s to %(max)s."),
    "previous_job_loss_months": _(
        "Months of job-loss benefit received before, from %(min)s to %(max)s; empty is none."
    ),
    "days": _("Calendar days of leave on the certificate, from %(min)s to %(max)s."),
    "birth_order": _("1 for the first child, 2 for the second, up to %(max)s."),
}


class CalculatorForm(forms.Form):
    benefit = forms.ChoiceField(
        label=_("Benefit"), choices=[("", _("Choose the benefit")), *BenefitType.choices]
    )
    right_date = forms.DateField(
        label=_("Date the right arises"),
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=[limits.RIGHT_DATES],
    )
    iin = forms.CharField(
        label=_("IIN"),
        required=False,
        max_length=12,
        validators=[validate_iin],
        help_text=_(
            "12 digits. The average income and the participation months then come from the "
            "contribution ledger."
        ),
    )
    avg_monthly_income = forms.DecimalField(
        label=_("Average monthly income, ₸"),
        required=False,
        min_value=0,
        max_digits=18,
        decimal_places=2,
        localize=True,
        help_text=_(
            "In tenge, for example 300 000,00: the monthly average of the months before the "
            "month of the right. Without an IIN it is needed."
        ),
    )
    stazh_months = forms.IntegerField(
        label=_("Participation, months"),
        required=False,
        min_value=0,
        max_value=limits.STAZH_MONTHS_MAX,
    )
    degree = forms.IntegerField(
        label=_("Degree of loss of working capacity, %"),
        required=False,
        min_value=DEGREE_PERCENT_MIN,
        max_value=DEGREE_PERCENT_MAX,
    )
    dependents = forms.IntegerField(
        label=_("Dependents"),
        required=False,
        min_value=1,
        max_value=limits.DEPENDENTS_MAX,
    )
    previous_job_loss_months = forms.IntegerField(
        label=_("Earlier job-loss benefit, months"),
        required=False,
        min_value=0,
        max_value=limits.PREVIOUS_JOB_LOSS_MONTHS_MAX,
    )
    days = forms.IntegerField(
        label=_("Days of leave"),
        required=False,
        min_value=1,
        max_value=limits.DAYS_MAX,
    )
    birth_order = forms.IntegerField(
        label=_("Birth order of the child"),
        required=False,
        min_value=1,
        max_value=limits.BIRTH_ORDER_MAX,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, text in RANGE_HELP.items():
            field = cast(forms.IntegerField, self.fields[name])
            field.help_text = text % {"min": field.min_value, "max": field.max_value}
        window = limits.RIGHT_DATES
        self.fields["right_date"].help_text = _("A day from %(first)s to %(last)s.") % {
            "first": day(window.earliest),
            "last": day(window.latest()),
        }

    @property
    def chosen(self) -> str:
        """The benefit chosen, bound or not; "" before a choice."""
        value = self.data.get("benefit") if self.is_bound else self.initial.get("benefit")
        return value if isinstance(value, str) and value in Benefit._value2member_map_ else ""

    def rows(self) -> list[tuple[forms.BoundField, str, bool]]:
        """Each field with the benefits it belongs to and whether it shows for the choice."""
        chosen, rows = self.chosen, []
        for bound in self:
            if bound.name == "benefit":
                rows.append((bound, "", True))
                continue
            benefits = (
                list(Benefit)
                if bound.name in COMMON_FIELDS
                else [b for b, facts in CLAIM_FACTS.items() if bound.name in facts]
            )
            rows.append((bound, " ".join(benefits), chosen in benefits))
        return rows

    def clean(self) -> dict:
        data = super().clean() or {}
        benefit = data.get("benefit")
        if not benefit:
            return data
        facts = CLAIM_FACTS[Benefit(benefit)]
        # Facts of another benefit typed before switching are not this benefit's.
        for name in list(self.fields):
            if name not in ("benefit", *COMMON_FIELDS, *facts):
                data.pop(name, None)
                self.errors.pop(name, None)
        with_iin = bool(data.get("iin"))
        if not with_iin and data.get("avg_monthly_income") is None and "iin" not in self.errors:
            self.add_error(
                "avg_monthly_income", _("Give the average monthly income, or an IIN instead.")
            )
        for name in facts:
            needed = name not in OPTIONAL_FACTS and not (with_iin and name in LEDGER_FACTS)
            if needed and data.get(name) is None and name not in self.errors:
                self.add_error(name, _("This benefit is calculated from this fact: give it."))
        if data.get("degree") is not None:
            data["degree"] = Decimal(data["degree"]) / 100
        return data
