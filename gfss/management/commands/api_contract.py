"""``manage.py api_contract``: the API against its own schema, as every partner scope and two
staff roles (``make api-contract``; CI runs it after the suite).

On the database given (the demo data in it):

1. issues a partner token for every scope and opens a session for a branch specialist and for
   the central analyst (with a CSRF pair, so their writes reach the views);
2. starts gunicorn on a free loopback port, in production settings (DEBUG off, a key of the
   run's own), with the API rates off so that a 429 hides nothing;
3. runs schemathesis against ``/api/schema/`` once per caller, with a fixed seed and a bounded
   number of examples per operation, checking that no answer is a server error, and that
   each status code, content type and body is one the schema documents (a refusal the schema
   documents, such as an unknown IIN, conforms);
4. prints the requests sent and the time each caller took, and fails on any finding.
"""

import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.contrib.sessions.backends.db import SessionStore
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.urls import Resolver404, resolve

from gfss.org.access import Scope
from gfss.org.models import Branch, PartnerClient, Role
from gfss.org.services import partner_client_create, partner_token_rotate, staff_user_create

CHECKS = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_schema_conformance",
)
STAFF = (("specialist", Role.SPECIALIST, "B75"), ("analyst", Role.ANALYST, "HQ"))
PREFIX = "contract"


@dataclass(frozen=True)
class ApiCaller:
    name: str
    headers: dict[str, str]
    scope: str | None = None  # a partner's
    role: str | None = None  # a staff user's


def _partner(scope: str) -> ApiCaller:
    name = f"{PREFIX} {scope}"
    # A second run on the same data gives the partner a new key.
    if PartnerClient.objects.filter(name=name).exists():
        issued = partner_token_rotate(name=name)
    else:
        issued = partner_client_create(name=name, scopes=[scope])
    return ApiCaller(
        name=f"partner {scope}", headers={"Authorization": f"Token {issued.token}"}, scope=scope
    )


def _staff(name: str, role: str, branch_code: str) -> ApiCaller:
    username = f"{PREFIX}-{name}"
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        user = staff_user_create(
            username=username,
            password=secrets.token_urlsafe(16),
            branch=Branch.objects.get(code=branch_code),
            role=role,
        )
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    csrf = secrets.token_hex(16)  # a 32-character secret, as Django's CSRF cookie holds
    cookie = f"{settings.SESSION_COOKIE_NAME}={session.session_key}; csrftoken={csrf}"
    return ApiCaller(
        name=f"staff {name}", headers={"Cookie": cookie, "X-CSRFToken": csrf}, role=role
    )


def callers_create() -> list[ApiCaller]:
    return [_partner(scope.value) for scope in Scope] + [_staff(*staff) for staff in STAFF]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for(url: str, server: subprocess.Popen, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise CommandError(f"the server stopped with code {server.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310  # loopback
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise CommandError(f"the server did not answer {url} within {seconds:.0f} s")


def _requests_in(report: Path) -> int:
    """The requests schemathesis sent, from its NDJSON events."""
    sent = 0
    for line in report.read_text().splitlines():
        finished = json.loads(line).get("ScenarioFinished")
        if finished is not None:
            sent += len(finished.get("recorder", {}).get("interactions") or {})
    return sent


def _role_passes(path: str, role: str) -> bool:
    """Whether ``role`` passes the entry check of the view behind ``path`` (its objects are
    checked later, so such an operation may still refuse it for one object)."""
    try:
        view = resolve(re.sub(r"\{[^}]+\}", str(uuid.UUID(int=1)), path)).func
    except Resolver404:  # a number in the path
        view = resolve(re.sub(r"\{[^}]+\}", "1", path)).func
    permissions = getattr(view, "cls", None)
    checks = [getattr(p, "callers", None) for p in getattr(permissions, "permission_classes", [])]
    return all(role in check.roles for check in checks if check is not None)


def _operations(schema: dict[str, Any], caller: ApiCaller) -> list[str]:
    """The operations ``caller`` may call: the others answer it 403 whatever the input (the
    access matrix test holds each such answer). A partner's are those the schema names its
    scope for (``x-scopes``)."""
    return [
        f"{method.upper()} {path}"
        for path, item in schema["paths"].items()
        for method, operation in item.items()
        if (caller.scope is not None and caller.scope in operation.get("x-scopes", ()))
        or (caller.role is not None and _role_passes(path, caller.role))
    ]


@dataclass(frozen=True)
class Job:
    caller: ApiCaller
    phases: str
    names: list[str]
    report: Path


def _plan(schema: dict[str, Any], callers: list[ApiCaller], reports: Path) -> list[Job]:
    """Each operation's boundary values (the coverage phase) once, by the first caller that
    reaches it; random examples (fuzzing) as every caller that reaches it."""
    covered: set[str] = set()
    jobs = []
    for caller in callers:
        names = _operations(schema, caller)
        deep = [name for name in names if name not in covered]
        covered.update(deep)
        stem = caller.name.replace(" ", "-")
        if deep:
            jobs.append(Job(caller, "coverage,fuzzing", deep, reports / f"{stem}-deep.ndjson"))
        light = [name for name in names if name not in deep]
        if light:
            jobs.append(Job(caller, "fuzzing", light, reports / f"{stem}.ndjson"))
    return jobs


def _stop(signum: int, frame: object) -> None:
    raise SystemExit(1)  # the server is stopped on the way out


class Command(BaseCommand):
    help = "Run schemathesis against the API's schema as every partner scope and two staff roles."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--examples", type=int, default=10, help="examples per operation")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--workers", type=int, default=3, help="gunicorn workers")
        parser.add_argument("--parallel", type=int, default=2, help="schemathesis runs at once")
        parser.add_argument("--reports", default="", help="keep the NDJSON reports in this folder")
        parser.add_argument(
            "--only", default="", help="comma-separated caller names (default: every one)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        callers = callers_create()
        if options["only"]:
            wanted = {name.strip() for name in options["only"].split(",")}
            callers = [caller for caller in callers if caller.name in wanted]
        port = _free_port()
        base = f"http://127.0.0.1:{port}"
        environment = {
            **os.environ,
            "DEBUG": "false",
            "SECRET_KEY": secrets.token_urlsafe(48),
            "ALLOWED_HOSTS": "127.0.0.1",
            "LOG_LEVEL": "ERROR",  # a server error's traceback, not every 4xx
            **{f"THROTTLE_{scope}": "none" for scope in ("PARTNER", "STAFF", "REFUSED_WRITE")},
        }
        binary = Path(sys.executable).parent
        server = subprocess.Popen(  # noqa: S603  # our own executables
            [
                str(binary / "gunicorn"),
                "gfss.wsgi",
                "--config",
                "gunicorn.conf.py",
                "--access-logfile",
                "/dev/null",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(options["workers"]),
            ],
            env=environment,
            cwd=settings.BASE_DIR,
            start_new_session=True,
        )
        signal.signal(signal.SIGTERM, _stop)
        failed: list[str] = []
        total_requests = 0
        started = time.monotonic()
        try:
            _wait_for(f"{base}/healthz", server, 60)
            with tempfile.TemporaryDirectory() as scratch:
                with urllib.request.urlopen(f"{base}/api/schema/?format=json") as answer:  # noqa: S310
                    schema = json.load(answer)
                schema_file = Path(scratch) / "schema.json"
                schema_file.write_text(json.dumps(schema))
                reports = Path(options["reports"] or scratch)
                jobs = _plan(schema, callers, reports)
                with ThreadPoolExecutor(max_workers=options["parallel"]) as pool:
                    for job, code, output, took in pool.map(
                        lambda job: self._run(base, schema_file, job, options), jobs
                    ):
                        sent = _requests_in(job.report) if job.report.exists() else 0
                        total_requests += sent
                        self.stdout.write(
                            f"{job.caller.name:32} {job.phases:16} {len(job.names):3} operations "
                            f"{sent:6} requests {took:6.1f} s {'ok' if code == 0 else 'FINDINGS'}"
                        )
                        if code != 0:
                            self.stdout.write(output)
                            failed.append(f"{job.caller.name} ({job.phases})")
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
        self.stdout.write(
            f"api contract: {len(callers)} callers, {total_requests} requests, "
            f"{time.monotonic() - started:.1f} s"
        )
        if failed:
            raise CommandError(f"the API does not keep its schema for: {', '.join(failed)}")

    def _run(
        self, base: str, schema_file: Path, job: "Job", options: dict[str, Any]
    ) -> tuple["Job", int, str, float]:
        binary = Path(sys.executable).parent / "schemathesis"
        command = [
            str(binary),
            "run",
            str(schema_file),
            "--url",
            base,
            "--checks",
            ",".join(CHECKS),
            "--seed",
            str(options["seed"]),
            "--max-examples",
            str(options["examples"]),
            "--phases",
            job.phases,
            # One thread: the coverage phase's generators are not safe across threads.
            "--workers",
            "1",
            "--no-shrink",
            "--suppress-health-check",
            "all",
            "--request-timeout",
            "30",
            "--report",
            "ndjson",
            "--report-ndjson-path",
            str(job.report),
        ]
        for name, value in job.caller.headers.items():
            command += ["--header", f"{name}: {value}"]
        for name in job.names:
            command += ["--include-name", name]
        took = time.monotonic()
        done = subprocess.run(  # noqa: S603
            command,
            check=False,
            cwd=settings.BASE_DIR,
            capture_output=True,
            text=True,
            env={**os.environ, "NO_COLOR": "1"},
        )
        return job, done.returncode, done.stdout + done.stderr, time.monotonic() - took
