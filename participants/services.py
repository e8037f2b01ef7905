"""Writes to the registry's own tables that other apps ask for (a death a registry reported)."""

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gfss.common.exceptions import ApplicationError, ConflictError
from participants.models import Person


class DeathDateInFutureError(ApplicationError):
    def __init__(self, *, death_date: date, today: date) -> None:
        super().__init__(
            _("The date of death %(date)s is after today (%(today)s).")
            % {"date": death_date.isoformat(), "today": today.isoformat()},
            code="event_date_in_future",
            extra={"date": death_date.isoformat(), "today": today.isoformat()},
        )


class DeathDateBeforeBirthError(ApplicationError):
    def __init__(self, *, death_date: date, birth_date: date) -> None:
        super().__init__(
            _("The date of death %(date)s is before the person's birth (%(birth)s).")
            % {"date": death_date.isoformat(), "birth": birth_date.isoformat()},
            code="death_date_before_birth",
            extra={"date": death_date.isoformat(), "birth_date": birth_date.isoformat()},
        )


class DeathDateConflictError(ConflictError):
    def __init__(self, *, death_date: date, recorded: date) -> None:
        super().__init__(
            _("The person is already recorded as deceased on %(recorded)s, not %(date)s.")
            % {"date": death_date.isoformat(), "recorded": recorded.isoformat()},
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
