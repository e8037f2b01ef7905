"""/healthz: the database answers, and Redis when it is configured.

Without the database nothing works: 503. Without Redis the pages and the API still answer (a
cache per process, batch jobs kept in the database until the queue is back): 200 with
``"status": "degraded"`` and what is degraded, so a load balancer keeps the server in and
monitoring still sees the fault.
"""

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import HttpRequest, JsonResponse

DEGRADED_WITHOUT_REDIS = {
    "cache": "local to each process; API rate limits count per process",
    "jobs": "batch jobs are kept in the database and sent when the queue is back",
    "summaries": "rebuilt by the nightly schedule instead of soon after a change",
}


def healthz(request: HttpRequest) -> JsonResponse:
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except DatabaseError as error:
        checks["database"] = f"error: {error.__class__.__name__}"
    if settings.REDIS_URL:
        import redis

        try:
            redis.Redis.from_url(
                settings.REDIS_URL, socket_timeout=1, socket_connect_timeout=1
            ).ping()
            checks["redis"] = "ok"
        except redis.RedisError as error:
            checks["redis"] = f"error: {error.__class__.__name__}"
    body: dict[str, object] = {"checks": checks}
    if checks["database"] != "ok":
        body["status"] = "error"
        return JsonResponse(body, status=503)
    if checks.get("redis", "ok") != "ok":
        body["status"] = "degraded"
        body["degraded"] = DEGRADED_WITHOUT_REDIS
        return JsonResponse(body, status=200)
    body["status"] = "ok"
    return JsonResponse(body, status=200)
