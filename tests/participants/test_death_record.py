from datetime import date, timedelta

import pytest
from django.utils import timezone, translation

from gfss.common.exceptions import ApplicationError
from participants.models import Person
from participants.services import person_death_record
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def test_a_death_is_recorded_and_the_same_date_again_changes_nothing():
    person = PersonFactory(birth_date=date(1980, 5, 1))
    person_death_record(person_id=person.pk, death_date=date(2025, 4, 15))
    person_death_record(person_id=person.pk, death_date=date(2025, 4, 15))
    assert Person.objects.get(pk=person.pk).death_date == date(2025, 4, 15)
    assert person.history.filter(death_date__isnull=False).count() == 1


@pytest.mark.parametrize(
    ("first", "second", "code"),
    [
        (None, "tomorrow", "event_date_in_future"),
        (None, date(1979, 1, 1), "death_date_before_birth"),
        (date(2025, 4, 15), date(2025, 4, 16), "death_date_conflict"),
    ],
)
def test_a_bad_death_date_is_refused_and_nothing_changes(first, second, code):
    person = PersonFactory(birth_date=date(1980, 5, 1), death_date=first)
    if second == "tomorrow":
        second = timezone.localdate() + timedelta(days=1)
    with pytest.raises(ApplicationError) as refused:
        person_death_record(person_id=person.pk, death_date=second)
    assert refused.value.code == code
    assert Person.objects.get(pk=person.pk).death_date == first


def test_the_conflict_is_told_in_the_callers_language():
    person = PersonFactory(birth_date=date(1980, 5, 1), death_date=date(2025, 4, 15))
    with translation.override("kk"), pytest.raises(ApplicationError) as refused:
        person_death_record(person_id=person.pk, death_date=date(2025, 4, 16))
    assert refused.value.message == (
        "Адам 16.04.2025 емес, 15.04.2025 күні қайтыс болған деп тіркелген."
    )
