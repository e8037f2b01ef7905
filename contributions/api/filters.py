import django_filters
from django.db.models import QuerySet

from contributions.models import PaymentDocument, QuarantinedLine
from contributions.periods import period_from_text


class PaymentDocumentFilter(django_filters.FilterSet):
    payer = django_filters.CharFilter(field_name="payer_idn")
    reference = django_filters.CharFilter(field_name="reference")
    status = django_filters.ChoiceFilter(choices=PaymentDocument.Status.choices)
    knp = django_filters.CharFilter(field_name="knp")
    region = django_filters.CharFilter(field_name="payer__region__code")
    value_date_from = django_filters.DateFilter(field_name="value_date", lookup_expr="gte")
    value_date_to = django_filters.DateFilter(field_name="value_date", lookup_expr="lte")

    class Meta:
        model = PaymentDocument
        fields = ["payer", "reference", "status", "knp", "region"]


class QuarantinedLineFilter(django_filters.FilterSet):
    code = django_filters.CharFilter(field_name="code")
    status = django_filters.ChoiceFilter(choices=QuarantinedLine.Status.choices)
    payer = django_filters.CharFilter(field_name="document__payer_idn")
    period = django_filters.CharFilter(method="filter_period", help_text="YYYY-MM")

    class Meta:
        model = QuarantinedLine
        fields = ["code", "status", "payer", "period"]

    def filter_period(
        self, queryset: QuerySet[QuarantinedLine], name: str, value: str
    ) -> QuerySet[QuarantinedLine]:
        return queryset.filter(period=period_from_text(value, field="period"))
