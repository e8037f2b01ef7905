"""Celery wrappers of the benefits services."""

from celery import shared_task


@shared_task(acks_late=True, reject_on_worker_lost=True, soft_time_limit=60, time_limit=90)
def offers_lapse_task() -> int:
    from benefits.services.offers import offers_lapse

    return offers_lapse()
