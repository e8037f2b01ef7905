import random
from datetime import date

import factory
from factory.django import DjangoModelFactory

from gfss.common.identifiers import make_bin, make_iin
from gfss.org.models import Branch, Region
from participants.models import Payer, Person

_rng = random.Random(20220101)


class PersonFactory(DjangoModelFactory[Person]):
    class Meta:
        model = Person

    birth_date = factory.LazyFunction(
        lambda: date(_rng.randint(1962, 2003), _rng.randint(1, 12), _rng.randint(1, 28))
    )
    sex = factory.LazyFunction(lambda: _rng.choice("MF"))
    iin = factory.LazyAttribute(lambda o: make_iin(birth_date=o.birth_date, sex=o.sex, rng=_rng))
    surname = factory.Faker("last_name")
    first_name = factory.Faker("first_name")
    region = factory.LazyFunction(lambda: Region.objects.get(code="75"))


class PayerFactory(DjangoModelFactory[Payer]):
    class Meta:
        model = Payer

    idn = factory.LazyFunction(lambda: make_bin(registered=date(2015, 5, 1), rng=_rng))
    name = factory.Faker("company")
    kind = Payer.Kind.EMPLOYER
    region = factory.LazyFunction(lambda: Region.objects.get(code="75"))


def branch(code: str = "75") -> Branch:
    return Branch.objects.get(region__code=code)


def central_office() -> Branch:
    return Branch.objects.get(code="HQ")
