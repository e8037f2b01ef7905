"""Writes to the registry."""

from datetime import date

from django.db import transaction

from participants.models import Person
from participants.validators import iin_birth_date, iin_sex


@transaction.atomic
def person_create(
    *,
    iin: str,
    surname: str = "",
    first_name: str = "",
    patronymic: str = "",
    birth_date: date | None = None,
    region_id: int | None = None,
) -> Person:
    """A new person; the IIN's own birth date and sex are used when none is given."""
    person = Person(
        iin=iin,
        surname=surname,
        first_name=first_name,
        patronymic=patronymic,
        birth_date=birth_date or iin_birth_date(iin),
        sex=iin_sex(iin),
        region_id=region_id,
    )
    person.full_clean()
    person.save()
    return person
