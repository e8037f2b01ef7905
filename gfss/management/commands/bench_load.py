"""`make bench-load`: gunicorn with the production settings on this database and Redis, driven
by locust from a second process on loopback, with the mixed traffic of deploy/load/locustfile.py.

Prints, for the main run (RATE requests/s offered for DURATION seconds) and for each step of the
knee search (rates raised until the p95 passes 300 ms), the client-side p50/p95/p99 by request
kind and the errors, the server-side time of the same requests from gunicorn's access log, and
the CPU each side used: where the time goes.
"""

import csv
import json
import os
import random
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import psutil
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction
from django.utils import timezone

from benefits.demo import _documents
from benefits.models import Application, BenefitType, Channel
from benefits.services.applications import application_create
from contributions.models import ContributionLine
from contributions.mt102.build import build_document
from gfss.common.exceptions import ApplicationError
from gfss.common.identifiers import make_bin
from gfss.org.access import Scope
from gfss.org.models import Branch, Role
from gfss.org.services import partner_client_create, staff_user_create
from participants.models import Person

ROOT = Path(settings.BASE_DIR)
BIN = Path(sys.executable).parent
LOCUSTFILE = ROOT / "deploy" / "load" / "locustfile.py"
P95_LIMIT_MS = 300
KINDS = {  # the access log's path, to the locustfile's request name
    "/api/v1/persons/": "api statement",
    "/api/v1/applications/": "api application status",
    "/api/v1/benefits/calculate": "api calculate",
    "/api/v1/payments/mt102/": "api mt102 upload",
    "/ru/cases/": "page e-case",
    "/ru/contributions/statement/": "page person statement",
}


def _kind(path: str) -> str:
    if path.split("?", maxsplit=1)[0] == "/ru/cases/":
        return "page queue"
    return next((name for prefix, name in KINDS.items() if path.startswith(prefix)), "other")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _machine_cpu() -> float:
    """CPU seconds the whole machine has used, every core and process."""
    times = psutil.cpu_times()
    return times.user + times.nice + times.system


def _wait_idle(processes: list[psutil.Process], *, limit: float = 60.0) -> None:
    """Until the server is idle (under a tenth of a core for a second): the requests an
    overloaded step left queued would otherwise be served during the next one."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        before = _cpu(processes)
        time.sleep(1)
        if _cpu(processes) - before < 0.1:
            return


def _cpu(processes: list[psutil.Process]) -> float:
    total = 0.0
    for process in processes:
        try:
            times = process.cpu_times()
            total += times.user + times.system
        except psutil.Error:
            continue
    return total


def _tree(pid: int) -> list[psutil.Process]:
    try:
        parent = psutil.Process(pid)
        return [parent, *parent.children(recursive=True)]
    except psutil.Error:
        return []


class Command(BaseCommand):
    help = "Drive gunicorn with locust (mixed partner and staff traffic) and print the figures."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--rate", type=int, default=100, help="requests/s offered")
        parser.add_argument("--duration", type=int, default=120, help="seconds of the main run")
        parser.add_argument(
            "--knee-rates",
            default="150,200,300,400",
            help="rates tried after the main run until the p95 passes 300 ms ('' for none)",
        )
        parser.add_argument("--knee-duration", type=int, default=30)
        parser.add_argument("--web-workers", type=int, default=5)
        parser.add_argument(
            "--threads", type=int, default=4, help="threads per web worker (gthread)"
        )
        parser.add_argument("--documents", type=int, default=5000)

    def handle(self, *args: Any, **options: Any) -> None:
        if connection.vendor != "postgresql":
            raise CommandError("bench_load needs PostgreSQL: set DATABASE_URL.")
        if not settings.REDIS_URL:
            raise CommandError("bench_load needs Redis: set REDIS_URL.")
        if not Application.objects.exists():
            raise CommandError("No e-cases: load the demo first (make bench-load does).")
        work = Path(tempfile.mkdtemp(prefix="gfss-load-"))
        try:
            plan = self._plan(work, documents=options["documents"])
            self._collectstatic()
            port = _free_port()
            web, access_log = self._gunicorn(
                work, port, workers=options["web_workers"], threads=options["threads"]
            )
            try:
                self._wait_healthy(port)
                self._check_session(port, json.loads(plan.read_text(encoding="utf-8")))
                self.stdout.write(
                    f"gunicorn: {options['web_workers']} workers x {options['threads']} threads, "
                    "production settings, "
                    f"{connection.settings_dict['NAME']}, Redis {settings.REDIS_URL}"
                )
                first_document = 0

                def run(rate: int, duration: int, label: str) -> float:
                    nonlocal first_document
                    p95 = self._run(
                        work,
                        plan,
                        port,
                        web,
                        access_log,
                        rate=rate,
                        duration=duration,
                        label=label,
                        first_document=first_document,
                    )
                    first_document += rate * duration
                    return p95

                main = run(options["rate"], options["duration"], "main run")
                if main <= P95_LIMIT_MS:
                    # Up until the p95 passes the limit.
                    knee = None
                    for rate in (int(r) for r in options["knee_rates"].split(",") if r.strip()):
                        if run(rate, options["knee_duration"], "knee step") > P95_LIMIT_MS:
                            knee = rate
                            break
                    self.stdout.write(
                        f"knee: the p95 passes {P95_LIMIT_MS} ms at {knee} requests/s offered"
                        if knee
                        else f"knee: not reached at the rates tried ({options['knee_rates']})"
                    )
                else:
                    # Already past it: down, halving, until the p95 is within the limit.
                    rate, below = options["rate"], None
                    while rate > 10 and below is None:
                        rate //= 2
                        if run(rate, options["knee_duration"], "knee step") <= P95_LIMIT_MS:
                            below = rate
                    self.stdout.write(
                        f"knee: the p95 is past {P95_LIMIT_MS} ms at {options['rate']} "
                        f"requests/s offered; within it at {below} requests/s"
                        if below
                        else f"knee: the p95 is past {P95_LIMIT_MS} ms even at {rate} requests/s"
                    )
            finally:
                os.killpg(web.pid, signal.SIGTERM)
                web.wait(timeout=30)
        finally:
            shutil.rmtree(work, ignore_errors=True)

    # --- the data the traffic needs ------------------------------------------------------

    @transaction.atomic
    def _plan(self, work: Path, *, documents: int) -> Path:
        rng = random.Random(14)
        suffix = secrets.token_hex(3)
        tokens = {
            scope: partner_client_create(name=f"load {scope} {suffix}", scopes=[scope]).token
            for scope in (Scope.STATEMENTS, Scope.CALCULATE, Scope.PAYMENTS)
        }
        applicant = partner_client_create(
            name=f"load applications {suffix}", scopes=[Scope.APPLICATIONS]
        )
        tokens[Scope.APPLICATIONS] = applicant.token
        branch_id = (
            Application.objects.exclude(status__in=["assigned", "refused", "returned"])
            .values_list("branch_id", flat=True)
            .first()
        )
        if branch_id is None:
            raise CommandError("The demo has no open e-case for the staff pages.")
        branch = Branch.objects.get(pk=branch_id)
        specialist = staff_user_create(
            username=f"load-{suffix}",
            password=secrets.token_urlsafe(16),
            branch=branch,
            role=Role.SPECIALIST,
        )
        session = SessionStore()
        session[SESSION_KEY] = str(specialist.pk)
        # The backend a password login records (settings.AUTHENTICATION_BACKENDS).
        session[BACKEND_SESSION_KEY] = "gfss.org.backends.PolicyBackend"
        session[HASH_SESSION_KEY] = specialist.get_session_auth_hash()
        session.create()
        persons = list(
            Person.objects.filter(
                pk__in=ContributionLine.objects.values("person_id").distinct()[:2000]
            )
            .filter(region=branch.region)
            .order_by("pk")[:600]
        ) or list(Person.objects.order_by("pk")[:600])
        cases = list(Application.objects.filter(branch=branch).values_list("uuid", flat=True)[:300])
        # e-cases the applications partner sent itself: it follows only those
        applications = []
        today = timezone.localdate()
        for person in persons[:200]:
            right = today - timedelta(days=rng.randrange(5, 30))
            try:
                with transaction.atomic():
                    made = application_create(
                        actor=applicant.client.user,
                        iin=person.iin,
                        benefit=BenefitType.JOB_LOSS,
                        channel=Channel.PORTAL,
                        received_on=today,
                        right_date=right,
                        documents=_documents(
                            BenefitType.JOB_LOSS, right=right, rng=rng, other=person
                        ),
                        today=today,
                    )
            except ApplicationError:
                continue
            applications.append(str(made.uuid))
            if len(applications) >= 100:
                break
        folder = work / "documents"
        folder.mkdir()
        payer = make_bin(registered=date(2015, 5, 1), rng=rng)
        month = today.replace(day=1)
        period = (month - timedelta(days=1)).replace(day=1)
        for n in range(documents):
            lines = [
                {
                    "iin": p.iin,
                    "surname": p.surname,
                    "first_name": p.first_name,
                    "birth_date": p.birth_date,
                    "amount": Decimal(rng.randrange(3000, 40000)) + Decimal("0.50"),
                    "period": period,
                }
                for p in rng.sample(persons, 5)
            ]
            (folder / f"load-{n:05d}.mt102").write_bytes(
                build_document(
                    reference=f"L{suffix}{n:06d}",
                    payer_idn=payer,
                    knp="012",
                    value_date=month + timedelta(days=rng.randrange(0, 20)),
                    lines=lines,
                )
            )
        plan = work / "plan.json"
        plan.write_text(
            json.dumps(
                {
                    "tokens": {str(k): v for k, v in tokens.items()},
                    "session": session.session_key,
                    "iins": [p.iin for p in persons],
                    "cases": [str(u) for u in cases],
                    "applications": applications,
                    "documents": str(folder),
                }
            ),
            encoding="utf-8",
        )
        self.stdout.write(
            f"plan: {len(persons)} persons, {len(cases)} e-cases, {len(applications)} "
            f"applications sent by the partner, {documents} MT-102 documents of 5 lines"
        )
        return plan

    # --- the server --------------------------------------------------------------------------

    def _server_env(self) -> dict[str, str]:
        return {
            **os.environ,
            "DATABASE_URL": os.environ["DATABASE_URL"],
            "REDIS_URL": settings.REDIS_URL,
            # This process's key: the staff session it made is signed with it.
            "SECRET_KEY": settings.SECRET_KEY,
            "DEBUG": "false",
            "ALLOWED_HOSTS": "127.0.0.1",
            # Plain HTTP on loopback: the secure cookie flags would keep locust's session out.
            "SESSION_COOKIE_SECURE": "false",
            "CSRF_COOKIE_SECURE": "false",
            "SECURE_HSTS_SECONDS": "0",
            # Explicit for the run: the load is many calls from one partner and one user.
            "THROTTLE_PARTNER": "1000000/min",
            "THROTTLE_STAFF": "1000000/min",
            "THROTTLE_BAD_TOKEN": "10/min",
            "THROTTLE_REFUSED_WRITE": "1000000/hour",
            "LOG_LEVEL": "WARNING",
        }

    def _collectstatic(self) -> None:
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
            cwd=ROOT,
            env=self._server_env(),
            check=True,
        )

    def _gunicorn(self, work: Path, port: int, *, workers: int, threads: int) -> tuple[Any, Path]:
        access_log = work / "access.log"
        process = subprocess.Popen(  # noqa: S603
            [
                str(BIN / "gunicorn"),
                "gfss.wsgi",
                "-c",
                str(ROOT / "gunicorn.conf.py"),
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(workers),
                "--threads",
                str(threads),
                # Longer than a simulated user's second between requests: a connection closed
                # by the server as the client reuses it would fail a POST (nginx, in front in
                # production, keeps its upstream connections as long).
                "--keep-alive",
                "75",
                "--access-logfile",
                str(access_log),
                "--access-logformat",
                '"%(r)s" %(s)s %(D)s',
            ],
            cwd=ROOT,
            env=self._server_env(),
            start_new_session=True,
            stdout=subprocess.DEVNULL,
            stderr=(work / "gunicorn.err").open("ab"),
        )
        return process, access_log

    def _wait_healthy(self, port: int) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                    if json.loads(r.read())["status"] == "ok":
                        return
            except OSError:
                time.sleep(0.5)
        raise CommandError("gunicorn did not answer /healthz within 60 s")

    def _check_session(self, port: int, plan: dict[str, Any]) -> None:
        """The staff pages' session is accepted before any load is offered: a refused one
        would make every page a redirect to the login, fast and counted as an error."""
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/ru/cases/", headers={"Cookie": f"sessionid={plan['session']}"}
        )

        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args: Any, **kwargs: Any) -> None:
                return None

        try:
            with urllib.request.build_opener(NoRedirect).open(request, timeout=30) as response:
                status = response.status
        except urllib.error.HTTPError as error:
            status = error.code
        if status != 200:
            raise CommandError(f"The staff session was refused: the queue answered {status}.")

    # --- one run ---------------------------------------------------------------------------

    def _run(
        self,
        work: Path,
        plan: Path,
        port: int,
        web: Any,
        access_log: Path,
        *,
        rate: int,
        duration: int,
        label: str,
        first_document: int,
    ) -> float:
        prefix = work / f"run-{rate}"
        web_tree = _tree(web.pid)
        _wait_idle(web_tree)
        log_start = access_log.stat().st_size if access_log.exists() else 0
        web_cpu = _cpu(web_tree)
        machine_cpu = _machine_cpu()
        started = time.monotonic()
        locust = subprocess.Popen(  # noqa: S603
            [
                str(BIN / "locust"),
                "-f",
                str(LOCUSTFILE),
                "--headless",
                "--users",
                str(rate),
                "--spawn-rate",
                str(max(rate // 2, 1)),
                "--run-time",
                f"{duration}s",
                "--host",
                f"http://127.0.0.1:{port}",
                "--csv",
                str(prefix),
                "--only-summary",
                "--loglevel",
                "WARNING",
            ],
            cwd=ROOT,
            env={
                **os.environ,
                "LOAD_PLAN": str(plan),
                "LOAD_FIRST_DOCUMENT": str(first_document),
            },
            stdout=subprocess.DEVNULL,
            stderr=(work / "locust.err").open("ab"),
        )
        locust_process = psutil.Process(locust.pid)
        locust_cpu = 0.0
        while locust.poll() is None:
            locust_cpu = max(locust_cpu, _cpu([locust_process]))
            time.sleep(1)
        wall = time.monotonic() - started
        web_used = _cpu(web_tree) - web_cpu
        # What neither gunicorn nor locust used is mostly PostgreSQL's (and Redis's) work for
        # the same requests: their server processes come and go with the connections.
        rest = max(_machine_cpu() - machine_cpu - web_used - locust_cpu, 0.0)
        load = os.getloadavg()
        rows = list(csv.DictReader((work / f"run-{rate}_stats.csv").open(encoding="utf-8")))
        server = self._server_times(access_log, log_start)
        self.stdout.write(
            f"{label}: {rate} requests/s offered for {duration} s; load average "
            f"{load[0]:.2f} {load[1]:.2f} {load[2]:.2f} (a shared machine)"
        )
        self.stdout.write(
            f"  {'request':<24}{'count':>7}{'req/s':>8}{'p50':>7}{'p95':>7}{'p99':>7}"
            f"{'errors':>8}{'server p50':>12}{'server p95':>12}"
        )
        aggregated = 0.0
        served = sum(int(row["Request Count"]) for row in rows if row["Name"] != "Aggregated")
        for row in rows:
            name = row["Name"]
            times = server.get(name, [])
            times.sort()
            server_p50 = times[len(times) // 2] if times else 0
            server_p95 = times[int(len(times) * 0.95)] if times else 0
            if name == "Aggregated":
                everything = sorted(t for ts in server.values() for t in ts)
                server_p50 = everything[len(everything) // 2] if everything else 0
                server_p95 = everything[int(len(everything) * 0.95)] if everything else 0
                aggregated = float(row["95%"])
            self.stdout.write(
                f"  {name:<24}{row['Request Count']:>7}{float(row['Requests/s']):>8.1f}"
                f"{row['50%']:>7}{row['95%']:>7}{row['99%']:>7}{row['Failure Count']:>8}"
                f"{server_p50:>12.0f}{server_p95:>12.0f}"
            )
        failures = work / f"run-{rate}_failures.csv"
        if failures.exists():
            for row in list(csv.DictReader(failures.open(encoding="utf-8")))[:5]:
                self.stdout.write(
                    f"  error: {row['Name']}: {row['Error'][:120]} x{row['Occurrences']}"
                )
        self.stdout.write(
            f"  CPU over {wall:.0f} s: gunicorn {web_used:.0f} s ({web_used / wall:.2f} cores), "
            f"locust {locust_cpu:.0f} s ({locust_cpu / wall:.2f} cores), the rest of the "
            f"machine (PostgreSQL, Redis) {rest:.0f} s ({rest / wall:.2f} cores), of "
            f"{psutil.cpu_count()} cores; per request served: gunicorn "
            f"{web_used / max(served, 1) * 1000:.1f} ms, the rest {rest / max(served, 1) * 1000:.1f}"
            f" ms of CPU (times in ms; server = gunicorn's own time per request, the rest of the client's "
            f"is queueing for a worker and the client)"
        )
        return aggregated

    def _server_times(self, access_log: Path, start: int) -> dict[str, list[float]]:
        times: dict[str, list[float]] = defaultdict(list)
        with access_log.open(encoding="utf-8", errors="replace") as log:
            log.seek(start)
            for line in log:
                try:
                    request, rest = line.rsplit('" ', 1)
                    path = request.strip('"').split(" ")[1]
                    micros = float(rest.split()[1])
                except (ValueError, IndexError):
                    continue
                times[_kind(path)].append(micros / 1000)
        return times
