"""``manage.py bench_import``: the import and statement figures, on PostgreSQL.

1. For documents of 1,000 and of 10,000 lines (``--sizes``): generates ``--lines`` lines of
   employers paying for their staff for one month, all persons new to the registry (the
   first load), and as many for the next month, the same persons (the steady state). Imports
   each month with the import command's code path (``--jobs`` processes) and prints lines/s
   end to end (read, parse, validate, load, commit), beside a plain ``COPY`` of the same rows
   into the same table (its indexes, constraints and triggers in place, one process, rolled
   back so that the next run finds the table as it was) and the ratio against its target:
   at most 4 times the COPY on first load, 3 times in the steady state.
2. Imports one large file (``--big-file-mb``) with ``manage.py import_mt102`` in a child
   process and prints its peak memory, and its lines/s beside a plain ``COPY`` of its rows.
3. Tops the ledger up to ``--statement-rows`` lines with ``INSERT ... SELECT generate_series``
   (not through MT-102: that is step 1's job), times the 20-year statement of one person and
   prints the plans of the statement and of the payer monitoring on that ledger.

Use a database of its own: ``createdb gfss_bench`` and
``DATABASE_URL=postgres://postgres@127.0.0.1:5432/gfss_bench``.
"""

import logging
import random
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from contributions.benchmarks import (
    LINE_COLUMNS,
    bench_document,
    bench_payer,
    import_rate,
    plain_copy_where,
    twenty_year_person,
)
from contributions.exceptions import BenchNeedsPostgres
from contributions.models import ContributionLine, PaymentDocument
from contributions.mt102.build import build_document
from contributions.selectors import statement_get
from gfss.common.benchmarks import bench_superuser
from gfss.common.identifiers import make_bin, make_iin
from gfss.common.periods import add_months

FIRST_PERIOD = date(2024, 1, 1)
# The child's own peak, read by the child as it ends: the kernel's figure for a child
# (getrusage, wait4) also counts the memory of the forked copy of this process before exec.
_PEAK_REPORTING = """
import runpy, sys
sys.argv = sys.argv[1:]
try:
    runpy.run_path("manage.py", run_name="__main__")
finally:
    with open("/proc/self/status") as status:
        sys.stderr.write(next(line for line in status if line.startswith("VmHWM:")))
"""


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--lines", type=int, default=200_000, help="per month and size")
        parser.add_argument(
            "--sizes", default="1000,10000", help="lines per document, comma-separated"
        )
        parser.add_argument("--statement-rows", type=int, default=10_000_000)
        parser.add_argument("--big-file-mb", type=int, default=100, help="0 to skip")
        parser.add_argument("--skip-import", action="store_true")
        parser.add_argument("--jobs", type=int, default=2, help="import processes (2 cores here)")
        parser.add_argument("--seed", type=int, default=2024)

    def handle(self, *args: Any, **options: Any) -> None:
        if connection.vendor != "postgresql":
            raise CommandError(BenchNeedsPostgres().message)
        call_command("migrate", verbosity=0)
        # One log line per document would drown the figures.
        logging.getLogger("contributions.services.imports").setLevel(logging.WARNING)
        with connection.cursor() as cursor:
            # The planner's default assumes spinning disks and turns 1,000 IIN look-ups into a
            # sequential scan of the registry; 1.1 is the usual setting on SSD storage, set for
            # the benchmark database as a deployment would set it (README: deployment).
            cursor.execute(
                f"ALTER DATABASE {connection.ops.quote_name(connection.settings_dict['NAME'])}"
                " SET random_page_cost = 1.1"
            )
            cursor.execute("SET random_page_cost = 1.1")
        run = secrets.token_hex(2).upper()
        if not options["skip_import"]:
            with tempfile.TemporaryDirectory(prefix="gfss-bench-") as folder:
                for size in (int(text) for text in options["sizes"].split(",")):
                    self._first_and_steady(Path(folder), run=run, size=size, **options)
                if options["big_file_mb"]:
                    self._big_file(Path(folder), run=run, megabytes=options["big_file_mb"])
        self._statement(rows=options["statement_rows"])

    # --- 1. generate, import, and COPY the same rows ---------------------------------------

    def _first_and_steady(self, folder: Path, *, run: str, size: int, **options: Any) -> None:
        rng = random.Random(options["seed"] + size)
        employers = max(options["lines"] // size, 1)
        staff = [[self._person(rng) for _ in range(size)] for _ in range(employers)]
        for month, phase, target in ((0, "first load", 4), (1, "steady state", 3)):
            files = self._generate(folder, run=f"{run}{size}", staff=staff, month=month)
            rate = import_rate(files, jobs=options["jobs"], write=self.stdout.write)
            floor = self._plain_copy(files)
            self.stdout.write(
                f"IMPORT {phase}, documents of {size:,} lines: {rate:,.0f} lines/s end to end "
                f"with --jobs {options['jobs']}; plain COPY {floor:,.0f} rows/s; "
                f"COPY / import = {floor / rate:.2f} (target at most {target})"
            )

    def _generate(
        self,
        folder: Path,
        *,
        run: str,
        staff: list[list[tuple[dict[str, Any], Decimal]]],
        month: int,
    ) -> list[Path]:
        started = time.monotonic()
        period = add_months(FIRST_PERIOD, month)
        files = []
        for index, people in enumerate(staff):
            idn = make_bin(registered=date(2010, 1 + index % 12, 1), rng=random.Random(index))
            data = build_document(
                reference=f"B{run}{index:04d}{month:02d}",
                payer_idn=idn,
                payer_name=f'ТОО "БЕНЧ {index}"',
                knp="012",
                value_date=add_months(period, 1).replace(day=10),
                default_period=period,
                lines=[{**person, "amount": amount} for person, amount in people],
                encoding="kz1048",
            )
            path = folder / f"{run}-{index:04d}-{month:02d}.mt102"
            path.write_bytes(data)
            files.append(path)
        lines = sum(len(people) for people in staff)
        self.stdout.write(
            f"  generated {len(files)} documents, {lines:,} lines for {period:%Y-%m} "
            f"in {time.monotonic() - started:.1f} s"
        )
        return files

    @staticmethod
    def _person(rng: random.Random) -> tuple[dict[str, Any], Decimal]:
        birth = date(rng.randint(1965, 2003), rng.randint(1, 12), rng.randint(1, 28))
        sex = rng.choice("MF")
        person = {
            "iin": make_iin(birth_date=birth, sex=sex, rng=rng),
            "surname": "ЖҰМАБЕКОВА" if sex == "F" else "ЖҰМАБЕКОВ",
            "first_name": "ӘСЕЛ" if sex == "F" else "АСҚАР",
            "birth_date": birth,
        }
        return person, Decimal(rng.randint(300_000, 2_000_000)) / 100

    # --- 2. plain COPY of the same rows ----------------------------------------------------

    def _plain_copy(self, files: list[Path]) -> float:
        """COPY of the rows the import just loaded, again, in one process; rows/s."""
        documents = list(
            PaymentDocument.objects.filter(file__filename__in=[f.name for f in files]).values_list(
                "pk", flat=True
            )
        )
        return plain_copy_where("document_id = ANY(%s)", [documents])[0]

    # --- 3. one big file in a child process -------------------------------------------------

    def _big_file(self, folder: Path, *, run: str, megabytes: int) -> None:
        rng = random.Random(7)
        people = [self._person(rng) for _ in range(5_000)]
        probe = build_document(
            reference="PROBE",
            payer_idn="150540012348",
            knp="012",
            value_date=date(2024, 7, 10),
            lines=[{**p, "amount": a, "period": FIRST_PERIOD} for p, a in people[:100]],
        )
        per_line = len(probe) / 100
        count = int(megabytes * 1024 * 1024 / per_line)
        # Distinct (IIN, period) pairs: the same people over as many months as needed.
        lines = [
            {
                **people[i % len(people)][0],
                "amount": people[i % len(people)][1],
                "period": add_months(date(2010, 1, 1), (i // len(people)) % 174),
            }
            for i in range(count)
        ]
        path = folder / f"{run}-big.mt102"
        path.write_bytes(
            build_document(
                reference=f"BIG{run}",
                payer_idn="150540012348",
                knp="012",
                value_date=date(2024, 7, 10),
                lines=lines,
            )
        )
        del lines
        size = path.stat().st_size
        started = time.monotonic()
        result = subprocess.run(  # noqa: S603 - our own manage.py with a path we wrote
            [
                sys.executable,
                "-c",
                _PEAK_REPORTING,
                "manage.py",
                "import_mt102",
                "--json",
                str(path),
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        elapsed = time.monotonic() - started
        report = result.stdout.strip()
        peak_mb = int(result.stderr.rsplit("VmHWM:", 1)[1].split()[0]) / 1024
        # The same rows again through a plain COPY: the machine's speed at this moment, so
        # that the import's rate is read as a ratio (the machine is shared).
        documents = list(
            PaymentDocument.objects.filter(reference=f"BIG{run}").values_list("pk", flat=True)
        )
        floor, _rows = plain_copy_where("document_id = ANY(%s)", [documents])
        rate = count / elapsed
        self.stdout.write(
            f"BIG FILE: {size / 1024 / 1024:.0f} MB, {count:,} lines, imported in "
            f"{elapsed:.1f} s ({rate:,.0f} lines/s; plain COPY {floor:,.0f} rows/s; "
            f"COPY / import = {floor / rate:.2f}) by a child process peaking at "
            f"{peak_mb:,.0f} MB RSS (aim under 300 MB): {report[:160]}"
        )

    # --- 4. statement on a large ledger -----------------------------------------------------

    def _statement(self, *, rows: int) -> None:
        person = twenty_year_person()
        existing = ContributionLine.objects.count()
        if existing < rows:
            self._bulk_fill(rows - existing)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE contributions_contributionline")
        total = ContributionLine.objects.count()
        first, last = date(2005, 1, 1), date(2024, 12, 1)
        timings = []
        for _ in range(21):
            started = time.perf_counter()
            statement = statement_get(person=person, first=first, last=last)
            timings.append(time.perf_counter() - started)
        lines = sum(len(month.lines) for month in statement.months)
        client = APIClient()
        user = bench_superuser()
        client.force_authenticate(user)
        api = []
        for _ in range(11):
            started = time.perf_counter()
            response = client.get(f"/api/v1/persons/{person.iin}/statement?from=2005-01&to=2024-12")
            api.append(time.perf_counter() - started)
            assert response.status_code == 200, response.content[:200]
        self.stdout.write(
            f"STATEMENT: {lines} lines over {len(statement.months)} months on a ledger of "
            f"{total:,} lines: selector median {statistics.median(timings) * 1000:.1f} ms, "
            f"API endpoint median {statistics.median(api) * 1000:.1f} ms"
        )
        self._plan(
            "statement 2023-2024",
            lambda: statement_get(person=person, first=date(2023, 1, 1), last=date(2024, 12, 1)),
        )

    def _plan(self, name: str, call: Any) -> None:
        """The plan PostgreSQL ran for the ledger query of ``call``, with its timings."""
        with CaptureQueriesContext(connection) as captured:
            call()
        sql = next(q["sql"] for q in captured if "contributions_contributionline" in q["sql"])
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN (ANALYZE, COSTS OFF, BUFFERS) {sql}")
            plan = "\n".join(f"    {row[0]}" for row in cursor.fetchall())
        self.stdout.write(f"PLAN of the {name}:\n{plan}")

    def _bulk_fill(self, missing: int) -> None:
        """``missing`` lines for 50,000 synthetic persons over 2005-2024, set-based."""
        persons = 50_000
        started = time.monotonic()
        document = bench_document()
        payer = bench_payer("940140000385")
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO participants_person (iin, surname, first_name, patronymic,"
                " birth_date, sex, created_at, updated_at)"
                " SELECT '99' || lpad(g::text, 10, '0'), 'BENCH', 'BENCH', '', '1980-01-01',"
                " 'M', now(), now() FROM generate_series(1, %s) g ON CONFLICT (iin) DO NOTHING",
                [persons],
            )
            cursor.execute(
                "SELECT array_agg(id ORDER BY iin) FROM participants_person"
                " WHERE iin LIKE '99%%' AND surname = 'BENCH'"
            )
            ids = cursor.fetchone()[0]
            cursor.execute(
                "SELECT coalesce(max(line_no), 0) FROM contributions_contributionline"
                " WHERE document_id = %s",
                [document.pk],
            )
            offset = cursor.fetchone()[0]
            chunk = 1_000_000
            for start in range(0, missing, chunk):
                size = min(chunk, missing - start)
                cursor.execute(
                    f"INSERT INTO contributions_contributionline ({LINE_COLUMNS})"
                    " SELECT %s, (%s::bigint[])[1 + (g %% %s)], %s,"
                    " (date '2005-01-01' + ((g / %s) %% 240) * interval '1 month')::date,"
                    " 1000 + (g %% 50000), 'contribution',"
                    " (date '2005-02-10' + ((g / %s) %% 240) * interval '1 month')::date,"
                    " g, now(), now()"
                    " FROM generate_series(%s, %s) g",
                    [
                        document.pk,
                        ids,
                        len(ids),
                        payer.pk,
                        len(ids),
                        len(ids),
                        offset + start + 1,
                        offset + start + size,
                    ],
                )
                self.stdout.write(
                    f"  filled {start + size:,} of {missing:,} lines "
                    f"({time.monotonic() - started:.0f} s)"
                )
        self.stdout.write(
            f"bulk-filled {missing:,} lines set-based in {time.monotonic() - started:.0f} s"
        )
