"""Thin Celery wrappers for the schedules (the chunks run as gfss.jobs batch steps)."""

from celery import shared_task
from celery.utils.log import get_task_logger

logger = get_task_logger(__name__)


@shared_task(
    name="payouts.tasks.payment_run_monthly_task",
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=60,
    time_limit=90,
)
def payment_run_monthly_task() -> None:
    """Start this month's payment run; a no-op refusal if one is running or the month is closed."""
    from django.utils import timezone

    from gfss.common.exceptions import ApplicationError
    from payouts.services.payments import payment_run_start

    try:
        payment_run_start(period=timezone.localdate(), actor=None)
    except ApplicationError as error:
        # A run in progress or a closed month is an expected answer on a schedule, not a fault.
        logger.warning("monthly payment run not started: %s", error.code)
