"""A beat restarted: no schedule is sent twice for one of its scheduled times.

django-celery-beat keeps an entry's last run in memory and writes it to the database only
every few minutes; a beat killed in between comes back, reads the old last run and finds the
entry due again. The scheduler of ``gfss.jobs.beat`` claims each slot in the database first.
"""

import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_celery_beat.models import PeriodicTask
from django_celery_beat.schedulers import DatabaseScheduler, ModelEntry

from benefits.tasks import offers_lapse_task
from gfss.celery import app as celery_app
from gfss.jobs.beat import OncePerSlotScheduler, schedule_slot
from gfss.jobs.models import ScheduleSlot

# Committed: the scheduler commits and closes stale connections as a real beat does.
pytestmark = pytest.mark.django_db(transaction=True)

ALMATY = ZoneInfo("Asia/Almaty")
MONTHLY_RUN = "gfss: monthly payment run"
# Hourly: django-celery-beat reads only the crontab entries due within two hours of the
# clock, and the test cannot move the clock to 02:00 on the 5th.
HOURLY = "gfss: proactive offers lapse"


@pytest.fixture
def schedule() -> None:
    call_command("setup_periodic_tasks")


@pytest.fixture
def hourly_due(schedule) -> PeriodicTask:
    """Only the hourly entry on, its last run three hours ago: due now."""
    PeriodicTask.objects.exclude(name=HOURLY).update(enabled=False)
    task = PeriodicTask.objects.get(name=HOURLY)
    task.last_run_at = timezone.now() - timedelta(hours=3)
    task.save()
    return task


_beats: list[DatabaseScheduler] = []


@pytest.fixture(autouse=True)
def _beats_forgotten() -> Iterator[None]:
    # A scheduler writes its pending entries when it is closed at exit: not after the test.
    yield
    for beat in _beats:
        beat._dirty.clear()
    _beats.clear()


def _beat(scheduler_class: type[DatabaseScheduler]) -> DatabaseScheduler:
    beat = scheduler_class(app=celery_app)
    _beats.append(beat)
    beat.__dict__["producer"] = None  # the task's send is recorded below, nothing is sent
    # A beat that has been up a while and wrote its entries a moment ago: the next write is
    # up to beat_sync_every (3 minutes) away.
    beat._last_sync = time.monotonic()
    return beat


def _ticks(beat: DatabaseScheduler, n: int = 1) -> None:
    for _ in range(n):
        beat.tick()


def test_a_restarted_beat_does_not_send_an_entry_again_in_its_period(hourly_due, monkeypatch):
    sent: list[str] = []
    monkeypatch.setattr(offers_lapse_task, "apply_async", lambda *a, **k: sent.append("lapse"))
    last_run_before = hourly_due.last_run_at
    # given: a beat that sends the due entry
    _ticks(_beat(OncePerSlotScheduler))
    assert sent == ["lapse"]
    # and is killed before it wrote the entry's last run to the database
    assert PeriodicTask.objects.get(name=HOURLY).last_run_at == last_run_before
    # when: beat starts again and ticks
    _ticks(_beat(OncePerSlotScheduler))
    # then: the slot was taken; the task was not sent a second time
    assert sent == ["lapse"]
    assert ScheduleSlot.objects.filter(name=HOURLY).count() == 1
    # whereas django-celery-beat's own scheduler, restarted the same way, sends it again
    _ticks(_beat(DatabaseScheduler))
    assert sent == ["lapse", "lapse"]


def test_each_period_has_its_own_slot(schedule) -> None:
    entry = ModelEntry(PeriodicTask.objects.get(name=MONTHLY_RUN), app=celery_app)
    entry.last_run_at = datetime(2026, 3, 5, 2, 0, 4, tzinfo=ALMATY)
    april = schedule_slot(entry)
    # computed a little later, by another beat, the slot is the same
    assert schedule_slot(entry, now=timezone.now() + timedelta(seconds=20)) == april
    entry.last_run_at = datetime(2026, 4, 5, 2, 0, 4, tzinfo=ALMATY)
    may = schedule_slot(entry)
    assert (april.astimezone(ALMATY), may.astimezone(ALMATY)) == (
        datetime(2026, 4, 5, 2, 0, tzinfo=ALMATY),
        datetime(2026, 5, 5, 2, 0, tzinfo=ALMATY),
    )
