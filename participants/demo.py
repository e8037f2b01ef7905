"""A synthetic population shaped like the 2022 report (domain.md), deterministic by seed."""

import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db import connection, transaction

from gfss.common.identifiers import make_bin, make_iin
from gfss.org.models import Region
from participants.models import FamilyLink, Payer, Person, Sex

SURNAMES = [
    ("Ахметов", "Ахметова"),
    ("Серікбаев", "Серікбаева"),
    ("Жұмабеков", "Жұмабекова"),
    ("Иванов", "Иванова"),
    ("Нұрланов", "Нұрланова"),
    ("Қасымов", "Қасымова"),
    ("Омаров", "Омарова"),
    ("Ким", "Ким"),
    ("Әбдірахманов", "Әбдірахманова"),
    ("Төлеуов", "Төлеуова"),
    ("Петров", "Петрова"),
    ("Бекмұратов", "Бекмұратова"),
]
MALE_NAMES = ["Ерлан", "Нұрсұлтан", "Дәурен", "Асқар", "Алексей", "Марат", "Айбек", "Ержан"]
FEMALE_NAMES = ["Айгүл", "Динара", "Ұлпан", "Анна", "Гүлнар", "Әсел", "Мадина", "Жанар"]
COMPANY_WORDS = ["Құрылыс", "Агро", "Сервис", "Транс", "Медиа", "Энерго", "Тех", "Сауда"]

# Payers by kind with headcount ranges: a few large employers, many small ones.
PAYER_KINDS = [
    (Payer.Kind.EMPLOYER, Decimal("0.55")),
    (Payer.Kind.ENTREPRENEUR, Decimal("0.30")),
    (Payer.Kind.PRIVATE_PRACTICE, Decimal("0.05")),
    (Payer.Kind.SINGLE_PAYMENT, Decimal("0.10")),
]
CHUNK = 5_000


@dataclass(frozen=True)
class Population:
    persons: int
    payers: int
    family_links: int


def _birth_date(rng: random.Random, today: date) -> date:
    # Working ages 18-62, mean about 40 (domain.md: average age of a participant).
    age_days = int(min(max(rng.gauss(40, 11), 18), 62) * 365.25)
    return today - timedelta(days=age_days + rng.randrange(365))


def _person(
    rng: random.Random, region_ids: list[int], weights: list[float], today: date, iins: set[str]
) -> Person:
    sex = rng.choice((Sex.MALE, Sex.FEMALE))
    birth = _birth_date(rng, today)
    iin = make_iin(birth_date=birth, sex=sex, rng=rng)
    while iin in iins:
        iin = make_iin(birth_date=birth, sex=sex, rng=rng)
    iins.add(iin)
    male, female = rng.choice(SURNAMES)
    return Person(
        iin=iin,
        surname=male if sex == Sex.MALE else female,
        first_name=rng.choice(MALE_NAMES if sex == Sex.MALE else FEMALE_NAMES),
        birth_date=birth,
        sex=sex,
        region_id=rng.choices(region_ids, weights)[0],
    )


@transaction.atomic
def population_generate(*, participants: int, seed: int, today: date) -> Population:
    """Persons, payers and family links, inserted in bulk."""
    rng = random.Random(seed)
    regions = list(Region.objects.order_by("code").values_list("id", "population_share"))
    region_ids = [region_id for region_id, _ in regions]
    weights = [float(share) for _, share in regions]
    iins = set(Person.objects.values_list("iin", flat=True))

    persons = [_person(rng, region_ids, weights, today, iins) for _ in range(participants)]
    Person.objects.bulk_create(persons, batch_size=CHUNK)
    persons = list(Person.objects.filter(iin__in=[p.iin for p in persons]).order_by("id"))

    # About one payer per 12 participants: employers hire many, the self-employed pay for one.
    idns = set(Payer.objects.values_list("idn", flat=True))
    payers = []
    for index in range(max(participants // 12, 3)):
        kind = rng.choices([k for k, _ in PAYER_KINDS], [float(w) for _, w in PAYER_KINDS])[0]
        if kind == Payer.Kind.EMPLOYER:
            idn = make_bin(registered=date(rng.randint(2000, 2020), rng.randint(1, 12), 1), rng=rng)
            name = f'ТОО "{rng.choice(COMPANY_WORDS)}-{rng.choice(COMPANY_WORDS)} {index}"'
        else:
            owner = persons[rng.randrange(len(persons))]
            idn, name = owner.iin, f"ИП {owner.surname} {owner.first_name}"
        if idn in idns:
            continue
        idns.add(idn)
        payers.append(
            Payer(idn=idn, name=name, kind=kind, region_id=rng.choices(region_ids, weights)[0])
        )
    Payer.objects.bulk_create(payers, batch_size=CHUNK)

    links = []
    for parent in persons[: len(persons) // 3]:
        # Children born to a third of the population, some recently (childcare, maternity).
        child_birth = today - timedelta(days=rng.randrange(30, 6 * 365))
        if (child_birth - parent.birth_date).days < 18 * 365:
            continue
        child_sex = rng.choice((Sex.MALE, Sex.FEMALE))
        child = Person(
            iin=make_iin(birth_date=child_birth, sex=child_sex, rng=rng),
            surname=parent.surname,
            first_name=rng.choice(MALE_NAMES if child_sex == Sex.MALE else FEMALE_NAMES),
            birth_date=child_birth,
            sex=child_sex,
            region_id=parent.region_id,
        )
        if child.iin in iins:
            continue
        iins.add(child.iin)
        links.append((parent, child))
    Person.objects.bulk_create([child for _, child in links], batch_size=CHUNK)
    child_ids = dict(
        Person.objects.filter(iin__in=[c.iin for _, c in links]).values_list("iin", "id")
    )
    FamilyLink.objects.bulk_create(
        [
            FamilyLink(
                person_id=parent.id, relative_id=child_ids[child.iin], kind=FamilyLink.Kind.CHILD
            )
            for parent, child in links
        ],
        batch_size=CHUNK,
        ignore_conflicts=True,
    )
    return Population(
        persons=len(persons) + len(links), payers=len(payers), family_links=len(links)
    )


def population_copy(*, participants: int, seed: int, today: date) -> Population:
    """The population at national proportions by COPY (PostgreSQL): ``participants`` persons
    of working age by region share, and one employer per twelve of them. No family links: the
    bulk awards need none."""
    rng = random.Random(seed)
    regions = list(Region.objects.order_by("code").values_list("id", "population_share"))
    region_ids = [region_id for region_id, _ in regions]
    weights = [float(share) for _, share in regions]
    iins = set(Person.objects.values_list("iin", flat=True))
    idns = set(Payer.objects.values_list("idn", flat=True))
    with connection.cursor() as cursor:
        with cursor.copy(
            "COPY participants_person (iin, surname, first_name, patronymic, birth_date, sex,"
            " region_id, created_at, updated_at) FROM STDIN"
        ) as copy:
            for _ in range(participants):
                person = _person(rng, region_ids, weights, today, iins)
                copy.write_row(
                    (
                        person.iin,
                        person.surname,
                        person.first_name,
                        "",
                        person.birth_date,
                        person.sex,
                        person.region_id,
                        "now",
                        "now",
                    )
                )
        payers = 0
        with cursor.copy(
            "COPY participants_payer (idn, name, kind, region_id, created_at, updated_at)"
            " FROM STDIN"
        ) as copy:
            for index in range(max(participants // 12, 3)):
                registered = date(rng.randint(2000, 2020), rng.randint(1, 12), 1)
                idn = make_bin(registered=registered, rng=rng)
                if idn in idns:
                    continue
                idns.add(idn)
                name = f'ТОО "{rng.choice(COMPANY_WORDS)}-{rng.choice(COMPANY_WORDS)} {index}"'
                region = rng.choices(region_ids, weights)[0]
                copy.write_row((idn, name, Payer.Kind.EMPLOYER, region, "now", "now"))
                payers += 1
        cursor.execute("ANALYZE participants_person; ANALYZE participants_payer")
    return Population(persons=participants, payers=payers, family_links=0)
