import os
from typing import Any

from celery import Celery, signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gfss.settings")

app = Celery("gfss")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@signals.worker_init.connect
@signals.beat_init.connect
def _require_secret_key(**kwargs: Any) -> None:
    from gfss.startup import require_secret_key

    require_secret_key()


@signals.worker_ready.connect
def _send_the_outbox(**kwargs: Any) -> None:
    """Batch runs started while the queue was unreachable are sent by the first worker up."""
    from gfss.jobs.services import batchrun_outbox_send

    batchrun_outbox_send()
