"""``manage.py bench_scale --scale X`` (``make bench-scale``): the whole country on one machine.

Builds, at ``--scale`` of national size (domain.md), with the generator of ``seed_demo
--scale``: 6.75 M persons and one employer per twelve (a few large ones, many small), one year
of contribution lines (about 61 M), eleven months of it by COPY-shaped set-based SQL and the
twelfth through the real MT-102 import path (``import_mt102``, one document per employer and
month, about 5 M lines), and 1.16 M awards in the 2022 proportions with their year of payments.
Then times, each beside its one-statement floor and the ratio: the month's import, the monthly
payment run, a back-dated indexation of the long-term benefits with its settlement, the
statement of a 20-year person, the work queue and the e-case page, the dashboards and the
nightly summaries. Ends with the database's size and the total time.

Resumable: each finished step is written to the table ``bench_scale_step`` of the benchmark
database with its figures, and a rerun goes on from the first step not done (a step runs in
one transaction, or, for the import, skips the documents already loaded). Before the first
step it estimates the disk the dataset needs and refuses to start when it would not fit.
"""

import io
import json
import math
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction
from django.test.utils import override_settings
from django.utils import timezone, translation
from rest_framework.test import APIClient

from benefits.demo import demo_awards_bulk
from benefits.models import Award
from contributions.benchmarks import (
    import_rate,
    person_lines_floor,
    plain_copy_where,
    twenty_year_person,
)
from contributions.demo import demo_contributions_bulk
from contributions.models import ContributionLine, PaymentDocument
from contributions.mt102.build import build_document
from contributions.selectors import statement_get
from gfss.common.benchmarks import (
    NATIONAL_PARTICIPANTS,
    STORAGES,
    bench_superuser,
    floor_ms,
    rolled_back,
    scale_fraction,
    timed_run,
)
from gfss.common.periods import add_months, month_start
from gfss.jobs.models import BatchRun
from gfss.org.demo import demo_staff_create
from participants.demo import population_copy
from participants.models import Person
from payouts.benchmarks import PAYMENT_FLOOR_SQL, index_floor_sql
from payouts.demo import demo_payments_bulk
from payouts.models import PaymentRun, RecalculationEvent
from payouts.services.events import EVENT_JOB_KIND, event_apply_start, event_create
from payouts.services.payments import PAYMENT_JOB_KIND, payment_run_start
from reporting.demo import demo_employed_population_generate
from reporting.summaries import summaries_paused

NATIONAL_AWARDS = 1_160_000
LONG_TERM = ["disability", "breadwinner"]  # indexed twice in 2022 (domain.md)
INDEXED_2022 = 133_000  # the long-term recipients those indexations raised
MONTHS = 12  # one year of contributions: 11 set-based, the last through the importer
STATE_TABLE = "bench_scale_step"
# Bytes on disk at national scale (1.0), measured on this project's tables with their indexes
# and rounded up: a person, a contribution line, an award with its amount and year of
# payments, and the month's MT-102 documents twice (the files written, the copies kept).
BYTES_PER_PERSON = 420
BYTES_PER_LINE = 260
BYTES_PER_AWARD = 4_200
BYTES_PER_IMPORTED_LINE = 2 * 190
LINES_PER_PERSON_YEAR = 61_000_000 / NATIONAL_PARTICIPANTS
IMPORTED_SHARE = 5_000_000 / 61_000_000
MARGIN = 1.3  # temporary tables of the set-based load, WAL, the benches' own rows


def disk_estimate(scale: float) -> int:
    """Bytes the dataset at ``scale`` needs on disk, margin included."""
    persons = NATIONAL_PARTICIPANTS * scale
    lines = persons * LINES_PER_PERSON_YEAR
    need = (
        persons * BYTES_PER_PERSON
        + lines * BYTES_PER_LINE
        + NATIONAL_AWARDS * scale * BYTES_PER_AWARD
        + lines * IMPORTED_SHARE * BYTES_PER_IMPORTED_LINE
    )
    return int(need * MARGIN)


def _data_dir() -> str:
    """PostgreSQL's data directory when this process can see it (same machine), else /."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SHOW data_directory")
            path = cursor.fetchone()[0]
        shutil.disk_usage(path)
        return str(path)
    except Exception:  # noqa: BLE001 - not superuser, or another machine: the root's disk
        return "/"


def _gb(size: float) -> str:
    return f"{size / 1e9:,.1f} GB"


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scale", type=scale_fraction, default=0.1, help="of national size")
        parser.add_argument("--jobs", type=int, default=2, help="import processes (2 cores here)")
        parser.add_argument(
            "--batch", type=int, default=500, help="small documents loaded together (1: each alone)"
        )
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--import-documents",
            type=int,
            default=0,
            help="import only this many of the month's documents not loaded yet (0: all)",
        )
        parser.add_argument(
            "--files",
            default="",
            help="folder for the month's MT-102 documents (default: a temporary one)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if connection.vendor != "postgresql":
            raise CommandError(
                "bench_scale needs PostgreSQL: make bench-scale runs it on gfss_bench_scale."
            )
        started = time.monotonic()
        self.scale = options["scale"]
        self.options = options
        self._state_table()
        plan = self._plan()
        self.today = date.fromisoformat(plan["today"])
        # The ledger's year: eleven months set-based, the twelfth (the month before this one,
        # paid on the plan's day) through the importer.
        self.import_period = add_months(month_start(self.today), -1)
        self._disk_check()
        steps: list[tuple[str, Callable[[], list[str]]]] = [
            ("persons and payers", self._persons),
            ("contributions, 11 months", self._contributions),
            ("awards and their payments", self._awards),
            ("IMPORT of the month", self._import),
            ("PAYMENT RUN", self._payment_run),
            ("INDEXATION, back-dated", self._indexation),
            ("STATEMENT, 20 years", self._statement),
            ("QUEUE and E-CASE", self._queue_and_case),
            ("DASHBOARDS and NIGHTLY SUMMARIES", self._reports),
        ]
        # Static files from the apps: the benches run without collectstatic's manifest.
        with translation.override("en"), override_settings(STORAGES=STORAGES):
            for name, step in steps:
                self._run(name, step)
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_database_size(current_database())")
            size = cursor.fetchone()[0]
            cursor.execute(f"SELECT COALESCE(SUM(seconds), 0) FROM {STATE_TABLE}")
            steps_total = float(cursor.fetchone()[0])
        self.stdout.write(
            f"DATABASE SIZE: {_gb(size)} on disk (pg_database_size) for scale {self.scale}: "
            f"{Person.objects.count():,} persons, {ContributionLine.objects.count():,} "
            f"contribution lines, {Award.objects.count():,} awards"
        )
        self.stdout.write(
            f"TOTAL TIME: {steps_total:,.0f} s over all steps ({steps_total / 3600:.2f} h), "
            f"{time.monotonic() - started:,.0f} s in this run"
        )

    # --- the steps table: what is done, with its figures -------------------------------------

    def _state_table(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                f"CREATE TABLE IF NOT EXISTS {STATE_TABLE} (name text PRIMARY KEY,"
                " done_at timestamptz NOT NULL DEFAULT now(), seconds double precision"
                " NOT NULL DEFAULT 0, detail jsonb NOT NULL)"
            )

    def _plan(self) -> dict[str, Any]:
        """The scale and the day the dataset was begun at, kept for every rerun."""
        plan = self._done("plan")
        if plan is None:
            plan = {"scale": self.scale, "today": timezone.localdate().isoformat()}
            self._record("plan", 0, plan)
        elif plan["scale"] != self.scale:
            raise CommandError(
                f"{connection.settings_dict['NAME']} holds a dataset begun at scale "
                f"{plan['scale']}, not {self.scale}: rerun with SCALE={plan['scale']}, or drop "
                "the database to start again at another scale."
            )
        return plan

    def _done(self, name: str) -> Any:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT detail FROM {STATE_TABLE} WHERE name = %s", [name])
            row = cursor.fetchone()
        return None if row is None else (json.loads(row[0]) if isinstance(row[0], str) else row[0])

    def _record(self, name: str, seconds: float, detail: Any) -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {STATE_TABLE} (name, seconds, detail) VALUES (%s, %s, %s)"
                " ON CONFLICT (name) DO UPDATE SET seconds = EXCLUDED.seconds,"
                " detail = EXCLUDED.detail, done_at = now()",
                [name, seconds, json.dumps(detail)],
            )

    def _run(self, name: str, step: Callable[[], list[str]]) -> None:
        done = self._done(name)
        if done is not None:
            self.stdout.write(f"{name}: done in an earlier run")
            for line in done:
                self.stdout.write(f"  {line}")
            return
        self.stdout.write(f"{name}: ...")
        started = time.monotonic()
        lines = step()
        seconds = time.monotonic() - started
        lines.append(f"step time {seconds:,.1f} s")
        for line in lines:
            self.stdout.write(f"  {line}")
        self._record(name, seconds, lines)

    # --- the disk --------------------------------------------------------------------------

    def _disk_check(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_database_size(current_database())")
            used = cursor.fetchone()[0]
        estimate = disk_estimate(self.scale)
        path = _data_dir()
        free = shutil.disk_usage(path).free
        still = max(estimate - used, 0)
        self.stdout.write(
            f"DISK: the dataset at scale {self.scale} needs about {_gb(estimate)} "
            f"({_gb(used)} there already); {_gb(free)} free on {path}"
        )
        if still > free:
            # Rounded down: the scale suggested must fit.
            fits = math.floor(self.scale * free / max(still, 1) * 1000) / 1000
            raise CommandError(
                f"Scale {self.scale} would not fit: the dataset needs about {_gb(estimate)} on "
                f"disk, {_gb(still)} more than the {_gb(used)} already there, and only "
                f"{_gb(free)} are free on {path}. Free some disk or choose a smaller SCALE "
                f"(about {fits:.3f} would fit)."
            )

    # --- the dataset: the generator of seed_demo --scale --------------------------------------

    @transaction.atomic
    def _persons(self) -> list[str]:
        count = round(NATIONAL_PARTICIPANTS * self.scale)
        population = population_copy(
            participants=count, seed=self.options["seed"], today=self.today
        )
        demo_staff_create()
        return [f"{population.persons:,} persons, {population.payers:,} payers (COPY)"]

    def _contributions(self) -> list[str]:
        # Periods of the eleven months before the imported one: the bulk skips a month
        # whose contributions are due after its ``today``, the first of the month after the imported one.
        with summaries_paused():
            history = demo_contributions_bulk(today=month_start(self.today), months=MONTHS)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT COUNT(*) FILTER (WHERE n >= 50), COUNT(*) FROM (SELECT payer_id,"
                " COUNT(*) AS n FROM contributions_contributionline WHERE period = %s"
                " GROUP BY payer_id) s",
                [add_months(self.import_period, -1)],
            )
            large, payers = cursor.fetchone()
        return [
            f"{history.lines_accepted:,} lines in {history.documents:,} documents "
            f"(set-based) in {history.seconds:,.0f} s; a month: {payers:,} paying employers, "
            f"{large:,} of them with 50 or more staff (2022: 13.4 thousand)"
        ]

    @transaction.atomic
    def _awards(self) -> list[str]:
        with summaries_paused():
            after = Award.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
            awards = demo_awards_bulk(count=round(NATIONAL_AWARDS * self.scale), today=self.today)
            lines = demo_payments_bulk(after_award=after, today=self.today, months=MONTHS)
            employed = demo_employed_population_generate(seed=self.options["seed"])
        return [
            f"{sum(awards.values()):,} awards {awards}, {lines:,} payment lines, "
            f"{employed.rows} employed-population figures"
        ]

    # --- 1. the month's MT-102 documents through import_mt102 ---------------------------------

    def _import(self) -> list[str]:
        with tempfile.TemporaryDirectory(prefix="gfss-bench-scale-") as temporary:
            folder = Path(self.options["files"] or temporary)
            folder.mkdir(parents=True, exist_ok=True)
            started = time.monotonic()
            files, lines, documents = self._documents_write(folder)
            written = time.monotonic() - started
            if self.options["import_documents"]:
                files = files[: self.options["import_documents"]]
            with summaries_paused():
                rate = (
                    import_rate(
                        files,
                        jobs=self.options["jobs"],
                        batch=self.options["batch"],
                        write=self.stdout.write,
                    )
                    if files
                    else 0.0
                )
            imported = list(
                PaymentDocument.objects.filter(
                    file__filename__in=[path.name for path in files]
                ).values_list("pk", flat=True)
            )
            floor_rate, floor_rows = (
                plain_copy_where("document_id = ANY(%s)", [imported]) if files else (0.0, 0)
            )
        seconds = floor_rows / rate if rate else 0.0
        floor = floor_rows / floor_rate if floor_rate else 0.0
        loaded = PaymentDocument.objects.filter(reference__startswith="BS").count()
        month = (
            f"{documents:,} MT-102 documents of {lines:,} lines (one per employer, "
            f"{lines / max(documents, 1):,.0f} lines on average), those not loaded yet "
            f"written in {written:,.0f} s"
        )
        return [
            month,
            f"IMPORT of {len(files):,} documents, {floor_rows:,} lines of "
            f"{self.import_period:%Y-%m} through import_mt102 --jobs {self.options['jobs']} "
            f"--batch {self.options['batch']}: "
            f"{seconds:,.1f} s ({rate:,.0f} lines/s, {len(files) / seconds if seconds else 0:,.0f}"
            f" documents/s) · floor: a plain COPY of the same rows {floor:,.1f} s "
            f"({floor_rate:,.0f} rows/s) · ratio {seconds / floor if floor else 0:.1f}",
            f"{loaded:,} of the month's {documents:,} documents loaded in all",
        ]

    def _documents_write(self, folder: Path) -> tuple[list[Path], int, int]:
        """One MT-102 document per employer for the imported month: its staff of the month
        before at the same amounts, as an employer pays month after month. Documents loaded
        by an earlier, interrupted run are not written again."""
        loaded = set(
            PaymentDocument.objects.filter(reference__startswith="BS").values_list(
                "reference", flat=True
            )
        )
        previous = add_months(self.import_period, -1)
        value_date = min(self.today, add_months(self.import_period, 1).replace(day=10))
        files: list[Path] = []
        count = documents = 0
        for payer_idn, payer_name, staff in self._staff_by_payer(previous):
            count += len(staff)
            documents += 1
            reference = f"BS{payer_idn}"
            if reference in loaded:
                continue
            path = folder / f"{reference}-{self.import_period:%Y%m}.mt102"
            path.write_bytes(
                build_document(
                    reference=reference,
                    payer_idn=payer_idn,
                    payer_name=payer_name[:60],
                    knp="012",
                    value_date=value_date,
                    default_period=self.import_period,
                    lines=staff,
                    encoding="kz1048",
                )
            )
            files.append(path)
        return files, count, documents

    def _staff_by_payer(self, period: date) -> Iterator[tuple[str, str, list[dict[str, Any]]]]:
        """The month's lines, payer by payer, streamed from a server-side cursor."""
        sql = (
            "SELECT pay.idn, pay.name, p.iin, p.surname, p.first_name, p.birth_date, l.amount"
            " FROM contributions_contributionline l"
            " JOIN participants_person p ON p.id = l.person_id"
            " JOIN participants_payer pay ON pay.id = l.payer_id"
            " WHERE l.period = %s AND l.kind = 'contribution' ORDER BY l.payer_id, l.id"
        )
        with transaction.atomic(), connection.chunked_cursor() as cursor:
            cursor.execute(sql, [period])
            current: tuple[str, str] | None = None
            staff: list[dict[str, Any]] = []
            while rows := cursor.fetchmany(10_000):
                for idn, name, iin, surname, first_name, birth_date, amount in rows:
                    if current is not None and current[0] != idn:
                        yield current[0], current[1], staff
                        staff = []
                    current = (idn, name)
                    staff.append(
                        {
                            "iin": iin,
                            "surname": surname,
                            "first_name": first_name,
                            "birth_date": birth_date,
                            "amount": amount,
                        }
                    )
            if current is not None:
                yield current[0], current[1], staff

    # --- 2. the payment run and 3. the indexation: bench_batch's timing and floors ------------

    def _payment_run(self) -> list[str]:
        period = month_start(self.today)
        run_row, _ = PaymentRun.objects.get_or_create(period=period)
        floor, rows = self._floor_once(
            "PAYMENT RUN",
            lambda: rolled_back(PAYMENT_FLOOR_SQL, {"run": run_row.pk, "period": period}),
        )
        seconds, run = self._job_once(
            lambda: payment_run_start(period=period, actor=None),
            kind=PAYMENT_JOB_KIND,
            params={"period": period.isoformat()},
        )
        return [
            f"PAYMENT RUN {period:%Y-%m}: {run.changed:,} payment lines in {seconds:,.1f} s "
            f"(batch run #{run.pk}, chunks of {run.chunk_size:,}) · floor: one statement of "
            f"{rows:,} lines {floor:,.1f} s · ratio {seconds / floor:.1f}"
        ]

    def _indexation(self) -> list[str]:
        day = self._indexation_day()
        event = RecalculationEvent.objects.filter(
            kind="indexation", effective_date=day, description="bench-scale"
        ).first() or event_create(
            kind="indexation",
            effective_date=day,
            percent=Decimal("5"),
            benefit_types=LONG_TERM,
            selection="active_on",
            actor=None,
            description="bench-scale",
        )
        # The awards the event selects, each with its own OPV (none on a breadwinner benefit).
        restricted = index_floor_sql(own_opv=True, in_force=True)
        floor, rows = self._floor_once(
            "INDEXATION", lambda: rolled_back(restricted, {"day": day, "benefits": LONG_TERM})
        )
        seconds, run = self._job_once(
            lambda: event_apply_start(event_id=event.pk, actor=None),
            kind=EVENT_JOB_KIND,
            params={"event_id": event.pk},
        )
        with connection.cursor() as cursor:
            cursor.execute("SELECT COUNT(*) FROM payouts_underpayment WHERE period >= %s", [day])
            top_ups = cursor.fetchone()[0]
        return [
            f"INDEXATION +5 % from {day:%d.%m.%Y} of {run.changed:,} long-term awards "
            f"in force that day (2022: {INDEXED_2022:,} × scale) with settlement, "
            f"{top_ups:,} top-ups: {seconds:,.1f} s (batch run #{run.pk}) · floor: two "
            f"statements of {rows:,} rows {floor:,.1f} s · ratio {seconds / floor:.1f}"
        ]

    def _indexation_day(self) -> date:
        """The first of the month, six months back or earlier, on which about as many
        long-term awards were in force as 2022's indexation raised, at scale."""
        latest = add_months(month_start(self.today), -6)
        awards = Award.objects.filter(benefit__in=LONG_TERM, lump_sum=False)
        target = round(INDEXED_2022 * self.scale)
        # Awards never end in this dataset: those in force on a day are those begun by then.
        nth = awards.order_by("start_date").values_list("start_date", flat=True)[
            max(target - 1, 0) : target
        ]
        return min([latest, *[month_start(d) for d in nth]])

    def _floor_once(self, name: str, measure: Callable[[], tuple[float, int]]) -> tuple[float, int]:
        """A job's floor, measured before the job and kept: once the job has written its
        rows, the floor's would collide with them, so a rerun after the job finished (and
        before its step was recorded) reads it from the steps table."""
        kept = self._done(f"{name} floor")
        if kept is None:
            kept = list(measure())
            self._record(f"{name} floor", 0, kept)
        return kept[0], kept[1]

    def _job_once(
        self, start: Callable[[], BatchRun], *, kind: str, params: dict[str, Any]
    ) -> tuple[float, BatchRun]:
        """The batch job's time and run: run now, or, when an earlier run of this command
        finished it, as that run took."""
        run = BatchRun.objects.filter(kind=kind, params=params, status="done").first()
        if run is None or run.finished_at is None:
            seconds, run = timed_run(start, in_process=True)
        else:
            seconds = (run.finished_at - run.created_at).total_seconds()
        if run.status != "done":
            raise CommandError(f"{kind} did not finish: {run.error_report}")
        return seconds, run

    # --- 4. the statement of a 20-year person -------------------------------------------------

    def _statement(self) -> list[str]:
        person = twenty_year_person()
        first, last = date(2005, 1, 1), date(2024, 12, 1)
        timings = []
        for _ in range(11):
            started = time.perf_counter()
            statement = statement_get(person=person, first=first, last=last)
            timings.append((time.perf_counter() - started) * 1000)
        client = APIClient()
        client.force_authenticate(bench_superuser())
        api = []
        for _ in range(7):
            started = time.perf_counter()
            response = client.get(f"/api/v1/persons/{person.iin}/statement?from=2005-01&to=2024-12")
            api.append((time.perf_counter() - started) * 1000)
            if response.status_code != 200:
                raise CommandError(f"statement API: {response.status_code}")
        floor = floor_ms(*person_lines_floor(person.pk))
        lines = sum(len(month.lines) for month in statement.months)
        selector, endpoint = statistics.median(timings), statistics.median(api)
        return [
            f"STATEMENT of {lines} lines over {len(statement.months)} months: selector "
            f"{selector:.1f} ms, API {endpoint:.1f} ms · floor: one SELECT of the person's "
            f"lines {floor:.1f} ms · ratio {selector / floor:.1f} (API {endpoint / floor:.1f})"
        ]

    # --- 5. the queue and the e-case; 6. the dashboards and the summaries ----------------------

    def _queue_and_case(self) -> list[str]:
        output = io.StringIO()
        cases = max(200, round(50_000 * self.scale))
        with summaries_paused():
            call_command("bench_ui", cases=cases, months=40, stdout=output)
        return [line for line in output.getvalue().splitlines() if line.strip()]

    def _reports(self) -> list[str]:
        output = io.StringIO()
        call_command("bench_reports", user="analyst", repeat=2, stdout=output)
        return [line for line in output.getvalue().splitlines() if line.strip()]
