"""Rebuild the django-celery-beat entries from ``gfss.jobs.schedules`` (run at deploy).

An entry whose task is not registered in this code base is left out and reported, so the
schedule never points at a task that does not exist.
"""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django_celery_beat.models import CrontabSchedule, PeriodicTask

from gfss.celery import app
from gfss.jobs.schedules import PREFIX, SCHEDULE


class Command(BaseCommand):
    help = "Rebuild the periodic tasks (beat) from the schedule in code."

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        app.loader.import_default_modules()
        kept = []
        for entry in SCHEDULE:
            if entry.task not in app.tasks:
                self.stdout.write(f"skipped (task not in the code base): {entry.task}")
                continue
            crontab, _ = CrontabSchedule.objects.get_or_create(
                minute=entry.minute,
                hour=entry.hour,
                day_of_month=entry.day_of_month,
                month_of_year=entry.month_of_year,
                day_of_week=entry.day_of_week,
                timezone=settings.TIME_ZONE,
            )
            PeriodicTask.objects.update_or_create(
                name=entry.name,
                defaults={
                    "task": entry.task,
                    "crontab": crontab,
                    "interval": None,
                    "enabled": True,
                },
            )
            kept.append(entry.name)
            self.stdout.write(f"scheduled: {entry.name} -> {entry.task}")
        removed, _ = (
            PeriodicTask.objects.filter(name__startswith=PREFIX).exclude(name__in=kept).delete()
        )
        if removed:
            self.stdout.write(f"removed {removed} stale entries")
