"""The beat scheduler: django-celery-beat's, sending each entry at most once per slot.

django-celery-beat writes an entry's ``last_run_at`` to the database only every few minutes
(``beat_sync_every``); a beat killed in between comes back with the old value, finds the entry
due again and sends it a second time. Here each send first claims the entry's slot (its
scheduled time) in ``ScheduleSlot``, in the same transaction as the send: a restarted or a
second beat finds the slot taken and sends nothing.
"""

import logging
from datetime import datetime, timedelta
from typing import Any

from celery.utils.time import maybe_make_aware
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_celery_beat.schedulers import DatabaseScheduler

from gfss.jobs.models import ScheduleSlot

logger = logging.getLogger(__name__)


def schedule_slot(entry: Any, *, now: datetime | None = None) -> datetime:
    """The time the entry is due at, counted from its last run (to the minute: a crontab
    fires on minutes, and two beats computing it a moment apart must agree)."""
    now = now or timezone.now()
    last = maybe_make_aware(entry.last_run_at or now)
    due = now + entry.schedule.remaining_estimate(last)
    return (due + timedelta(seconds=30)).replace(second=0, microsecond=0)


class OncePerSlotScheduler(DatabaseScheduler):
    def apply_entry(self, entry: Any, producer: Any = None) -> None:
        slot = schedule_slot(entry)
        try:
            with transaction.atomic():
                ScheduleSlot.objects.create(name=entry.name, slot=slot)
                self.apply_async(entry, producer=producer, advance=False)
        except IntegrityError:
            logger.warning("beat: %s was already sent for %s; not sent again", entry.name, slot)
        except Exception:  # the send failed: the slot stays free, as celery's own beat logs it
            logger.exception("beat: %s could not be sent for %s", entry.name, slot)
        else:
            logger.info("beat: sent %s for %s", entry.name, slot)
