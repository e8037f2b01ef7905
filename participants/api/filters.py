import django_filters
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from rest_framework.exceptions import ValidationError as ApiValidationError

from participants.models import Payer, Person
from participants.validators import validate_bin_or_iin, validate_iin


def _valid_or_400(validator: object, value: str, field: str) -> None:
    try:
        validator(value)  # type: ignore[operator]
    except ValidationError as error:
        raise ApiValidationError({field: error.messages}) from None


class PersonFilter(django_filters.FilterSet):
    iin = django_filters.CharFilter(method="filter_iin")
    name = django_filters.CharFilter(method="filter_name")
    region = django_filters.CharFilter(field_name="region__code")
    sex = django_filters.ChoiceFilter(choices=Person._meta.get_field("sex").choices)
    born_after = django_filters.DateFilter(field_name="birth_date", lookup_expr="gte")
    born_before = django_filters.DateFilter(field_name="birth_date", lookup_expr="lte")

    class Meta:
        model = Person
        fields = ["iin", "name", "region", "sex"]

    def filter_iin(self, queryset: QuerySet[Person], name: str, value: str) -> QuerySet[Person]:
        _valid_or_400(validate_iin, value, "iin")
        return queryset.filter(iin=value)

    def filter_name(self, queryset: QuerySet[Person], name: str, value: str) -> QuerySet[Person]:
        return queryset.filter(Q(surname__istartswith=value) | Q(first_name__istartswith=value))


class PayerFilter(django_filters.FilterSet):
    idn = django_filters.CharFilter(method="filter_idn")
    name = django_filters.CharFilter(field_name="name", lookup_expr="icontains")
    kind = django_filters.ChoiceFilter(choices=Payer.Kind.choices)
    region = django_filters.CharFilter(field_name="region__code")

    class Meta:
        model = Payer
        fields = ["idn", "name", "kind", "region"]

    def filter_idn(self, queryset: QuerySet[Payer], name: str, value: str) -> QuerySet[Payer]:
        _valid_or_400(validate_bin_or_iin, value, "idn")
        return queryset.filter(idn=value)
