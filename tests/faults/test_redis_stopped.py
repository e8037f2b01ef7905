"""Redis stopped while the web serves: the pages and the API keep answering, /healthz says what
is degraded, and a batch job started meanwhile is kept in the database and sent when Redis is
back. The Redis here is the test's own (a redis-server on a free port), never a shared one."""

from collections.abc import Iterator
from datetime import date

import pytest
import redis
from django.test import Client

from contributions.models import ContributionLine
from gfss.api.permissions import Scope
from gfss.celery import app as celery_app
from gfss.jobs.models import BatchRun
from gfss.jobs.tasks import batchrun_requeue_stale_task
from gfss.org.models import Role
from tests.contributions.documents import document, line_for
from tests.factories import PayerFactory, PersonFactory
from tests.faults.conftest import OwnRedis
from tests.payouts.events import disability_indexation

pytestmark = pytest.mark.django_db

QUEUE = "faults-redis-stopped"


@pytest.fixture
def on_own_redis(own_redis: OwnRedis, settings) -> Iterator[OwnRedis]:
    """The cache, the rate limits, the task queue and /healthz, all on the test's Redis."""
    settings.REDIS_URL = own_redis.url
    settings.CACHES = {
        "default": {
            "BACKEND": "gfss.common.cache.FallbackRedisCache",
            "LOCATION": own_redis.url,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 1},
        }
    }
    settings.API_THROTTLE_RATES = {
        "partner": "1000/min",
        "staff": "1000/min",
        "bad_token": "10/min",
        "refused_write": "100/hour",
    }
    settings.JOBS_QUEUE = QUEUE
    before = (celery_app.conf.broker_url, celery_app.conf.task_always_eager)
    celery_app.conf.broker_url = own_redis.url
    celery_app.conf.task_always_eager = False
    _reset_broker_pool()
    try:
        yield own_redis
    finally:
        celery_app.conf.broker_url, celery_app.conf.task_always_eager = before
        _reset_broker_pool()


def _reset_broker_pool() -> None:
    if celery_app._pool is not None:
        celery_app._pool.force_close_all()
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


def test_with_redis_stopped_the_web_serves_and_a_job_waits_in_the_outbox(
    on_own_redis, make_staff, partner_api, make_award, django_capture_on_commit_callbacks
):
    # given: a person with contributions, a recalculation event ready to apply, an
    # administrator on the pages and a bank and a statement service on the API
    person = PersonFactory()
    payer = PayerFactory()
    make_award("disability", start=date(2021, 6, 1))
    event = disability_indexation()
    staff = Client()
    staff.force_login(make_staff(Role.ADMINISTRATOR))
    bank = partner_api(Scope.PAYMENTS)
    statements = partner_api(Scope.STATEMENTS)
    assert staff.get("/healthz").json()["status"] == "ok"
    # when: Redis stops
    on_own_redis.stop()
    # then: /healthz answers 200 and says what works less well
    health = staff.get("/healthz")
    assert health.status_code == 200
    body = health.json()
    assert body["status"] == "degraded"
    assert body["checks"] == {"database": "ok", "redis": "error: ConnectionError"}
    assert set(body["degraded"]) == {"cache", "jobs", "summaries"}
    # the API answers under its rate limits: a document loads (its summaries' refresh is left
    # to the nightly run), the statement shows it
    with django_capture_on_commit_callbacks(execute=True):
        loaded = bank.generic(
            "POST",
            "/api/v1/payments/mt102/?filename=june.mt102",
            document(payer_idn=payer.idn, lines=[line_for(person, "10500.00", date(2024, 5, 1))]),
            content_type="application/octet-stream",
        )
    assert loaded.status_code == 201, loaded.content
    assert ContributionLine.objects.filter(person=person).count() == 1
    statement = statements.get(f"/api/v1/persons/{person.iin}/statement?from=2024-05&to=2024-05")
    assert statement.status_code == 200
    # the staff pages open
    for url in ["/ru/", "/ru/cases/", "/ru/payouts/", "/ru/jobs/"]:
        assert staff.get(url).status_code == 200, url
    # when: the administrator applies the event
    with django_capture_on_commit_callbacks(execute=True):
        started = staff.post(f"/ru/payouts/events/{event.pk}/apply/")
    # then: the job is recorded, waiting for the queue, and its page says so in Russian
    run = BatchRun.objects.get()
    assert started.status_code == 302
    assert (run.status, run.enqueued_at) == ("queued", None)
    page = staff.get(started["Location"]).content.decode()
    assert 'id="waits-for-queue"' in page
    assert "Очередь задач сейчас недоступна" in page
    # when: Redis is back and the watchdog's next turn comes
    on_own_redis.start()
    batchrun_requeue_stale_task.apply()
    # then: the job's step is in the queue, once, and its page no longer warns
    run.refresh_from_db()
    assert run.enqueued_at is not None
    assert redis.Redis.from_url(on_own_redis.url).llen(QUEUE) == 1
    assert 'id="waits-for-queue"' not in staff.get(started["Location"]).content.decode()
    assert staff.get("/healthz").json()["status"] == "ok"
