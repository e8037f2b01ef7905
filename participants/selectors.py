"""Reads of the registry, filtered by what the user may see (gfss.org.access)."""

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from gfss.common.exceptions import NotFoundError
from gfss.org.access import Subject, reach
from gfss.org.actors import Reader
from participants.models import LifeEvent, Payer, Person
from participants.search import spellings


def person_list_for_user(*, user: Reader, subject: Subject = Subject.PERSON) -> QuerySet[Person]:
    """The persons the user may read as ``subject``: the registry card (``PERSON``), or their
    contributions (``LEDGER``: statements and calculations)."""
    queryset = Person.objects.select_related("region").order_by("iin")
    return reach(user, subject).apply(queryset, region="region_id")


def person_get_for_user(*, user: Reader, iin: str, subject: Subject = Subject.PERSON) -> Person:
    person = person_list_for_user(user=user, subject=subject).filter(iin=iin).first()
    if person is None:
        raise NotFoundError(
            _("No person with IIN %(iin)s is visible to you.") % {"iin": iin[:12]},
            code="person_not_found",
        )
    return person


def payer_list_for_user(*, user: Reader) -> QuerySet[Payer]:
    queryset = Payer.objects.select_related("region").order_by("idn")
    return reach(user, Subject.PAYER).apply(queryset, region="region_id")


def life_events_of_person(*, person_id: int) -> QuerySet[LifeEvent]:
    """The life events registries reported about the person, the latest first (the caller
    has already been allowed to see the person)."""
    return (
        LifeEvent.objects.filter(person_id=person_id)
        .select_related("person", "reported_by__partner_client")
        .order_by("-event_date", "-id")
    )


def _name_matches(fields: tuple[str, ...], words: tuple[str, ...]) -> Q:
    """Every word in one of ``fields``, as the registry writes it (participants.search); on
    PostgreSQL each column's trigram index serves the LIKE (migration 0003)."""
    condition = Q()
    for word in words:
        any_field = Q()
        for field in fields:
            for spelling in spellings(word):
                any_field |= Q(**{f"{field}__contains": spelling})
        condition &= any_field
    return condition


def person_search_for_user(*, user: Reader, words: tuple[str, ...]) -> QuerySet[Person]:
    """The persons in the user's reach whose name holds every word, by name."""
    return (
        person_list_for_user(user=user)
        .filter(_name_matches(("surname", "first_name", "patronymic"), words))
        .order_by("surname", "first_name", "patronymic", "iin")
    )


def payer_search_for_user(*, user: Reader, words: tuple[str, ...]) -> QuerySet[Payer]:
    """The payers in the user's reach whose name holds every word, by name."""
    return (
        payer_list_for_user(user=user)
        .filter(_name_matches(("name",), words))
        .order_by("name", "idn")
    )
