"""Writes to the registry's own tables that other apps ask for: a death a registry reported,
a life event as a partner registry sent it."""

from datetime import date
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gfss.common import display
from gfss.common.exceptions import ApplicationError, ConflictError
from gfss.org.actors import Actor
from participants.models import LifeEvent, Person


class DeathDateInFutureError(ApplicationError):
    def __init__(self, *, death_date: date, today: date) -> None:
        super().__init__(
            _("The date of death %(date)s is after today (%(today)s).")
            % {"date": display.day(death_date), "today": display.day(today)},
            code="event_date_in_future",
            extra={"date": death_date.isoformat(), "today": today.isoformat()},
        )


class DeathDateBeforeBirthError(ApplicationError):
    def __init__(self, *, death_date: date, birth_date: date) -> None:
        super().__init__(
            _("The date of death %(date)s is before the person's birth (%(birth)s).")
            % {"date": display.day(death_date), "birth": display.day(birth_date)},
            code="death_date_before_birth",
            extra={"date": death_date.isoformat(), "birth_date": birth_date.isoformat()},
        )


class DeathDateConflictError(ConflictError):
    def __init__(self, *, death_date: date, recorded: date) -> None:
        super().__init__(
            _("The person is already recorded as deceased on %(recorded)s, not %(date)s.")
            % {"date": display.day(death_date), "recorded": display.day(recorded)},
            code="death_date_conflict",
            extra={"date": death_date.isoformat(), "recorded": recorded.isoformat()},
        )


@transaction.atomic
def person_death_record(*, person_id: int, death_date: date) -> Person:
    """Record a death date on the person; the same date again changes nothing.

    A different date from a second report is refused rather than overwritten: which one is
    right is for the registry to settle, and awards already ended from the first must not move.
    """
    person = Person.objects.select_for_update().get(pk=person_id)
    today = timezone.localdate()
    if death_date > today:
        raise DeathDateInFutureError(death_date=death_date, today=today)
    if death_date < person.birth_date:
        raise DeathDateBeforeBirthError(death_date=death_date, birth_date=person.birth_date)
    if person.death_date is not None:
        if person.death_date != death_date:
            raise DeathDateConflictError(death_date=death_date, recorded=person.death_date)
        return person
    person.death_date = death_date
    person.save(update_fields=["death_date", "updated_at"])
    return person


class PersonNotRegisteredError(ApplicationError):
    def __init__(self, *, iin: str) -> None:
        super().__init__(
            _("No person with IIN %(iin)s is in the registry.") % {"iin": iin},
            code="person_unknown",
            extra={"iin": iin},
        )


class EventDateInFutureError(ApplicationError):
    def __init__(self, *, event_date: date, today: date) -> None:
        super().__init__(
            _("The date of the event %(date)s is after today (%(today)s).")
            % {"date": display.day(event_date), "today": display.day(today)},
            code="event_date_in_future",
            extra={"date": event_date.isoformat(), "today": today.isoformat()},
        )


class DegreeInvalidError(ApplicationError):
    def __init__(self, *, kind: str) -> None:
        super().__init__(
            _(
                "A changed degree of disability needs the new degree (0.01 to 1.00); no other event has one."
            ),
            code="life_event_degree_invalid",
            extra={"kind": kind},
        )


class ReferenceReusedError(ConflictError):
    def __init__(self, *, reference: str, event: LifeEvent) -> None:
        super().__init__(
            _("The reference %(reference)s was already used for a different report on %(day)s.")
            % {"reference": reference, "day": display.day(timezone.localdate(event.created_at))},
            code="life_event_reference_reused",
            extra={"reference": reference, "life_event": str(event.uuid)},
        )


def _payload(
    *, iin: str, kind: str, event_date: date, degree: Decimal | None, document: str
) -> dict[str, Any]:
    return {
        "iin": iin,
        "kind": kind,
        "date": event_date.isoformat(),
        "degree": None if degree is None else str(degree.quantize(Decimal("0.01"))),
        "document": document,
    }


def _reported(*, actor: Actor, reference: str, payload: dict[str, Any]) -> LifeEvent | None:
    """The event already recorded under the reference; a different report under it is refused."""
    event = LifeEvent.objects.filter(reported_by_id=actor.pk, reference=reference).first()
    if event is not None and event.payload != payload:
        raise ReferenceReusedError(reference=reference, event=event)
    return event


@transaction.atomic
def life_event_record(
    *,
    actor: Actor,
    reference: str,
    iin: str,
    kind: str,
    event_date: date,
    degree: Decimal | None = None,
    document: str = "",
) -> tuple[LifeEvent, bool]:
    """Record what a partner registry reported (``created`` False: the same report again).

    The person is locked first, so two deliveries of one report wait for each other and the
    second finds the first. A death is also recorded on the person (``person_death_record``).
    """
    payload = _payload(iin=iin, kind=kind, event_date=event_date, degree=degree, document=document)
    person = Person.objects.select_for_update().filter(iin=iin).first()
    event = _reported(actor=actor, reference=reference, payload=payload)
    if event is not None:
        return event, False
    if person is None:
        raise PersonNotRegisteredError(iin=iin)
    if (degree is not None) != (kind == LifeEvent.Kind.DISABILITY_DEGREE) or (
        degree is not None and not Decimal("0") < degree <= Decimal("1")
    ):
        raise DegreeInvalidError(kind=kind)
    today = timezone.localdate()
    if kind == LifeEvent.Kind.DEATH:
        person_death_record(person_id=person.pk, death_date=event_date)
    elif event_date > today:
        raise EventDateInFutureError(event_date=event_date, today=today)
    event = LifeEvent(
        person=person,
        kind=kind,
        event_date=event_date,
        degree=degree,
        document=document,
        reported_by=actor,
        reference=reference,
        payload=payload,
    )
    event.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            event.save()
    except IntegrityError:
        # The same reference for another person, recorded while this one was checked.
        raise ReferenceReusedError(
            reference=reference,
            event=LifeEvent.objects.get(reported_by_id=actor.pk, reference=reference),
        ) from None
    return event, True
