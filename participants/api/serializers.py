from rest_framework import serializers

from participants.models import Payer, Person


class PersonOutputSerializer(serializers.ModelSerializer):
    region = serializers.CharField(source="region.code", default=None)

    class Meta:
        model = Person
        fields = [
            "iin",
            "surname",
            "first_name",
            "patronymic",
            "birth_date",
            "sex",
            "death_date",
            "region",
        ]


class PayerOutputSerializer(serializers.ModelSerializer):
    region = serializers.CharField(source="region.code", default=None)

    class Meta:
        model = Payer
        fields = ["idn", "name", "kind", "region"]
