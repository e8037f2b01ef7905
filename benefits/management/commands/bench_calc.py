"""make bench-calc: 10,000 benefit calculations from database facts (PostgreSQL), timed
against fetching the same facts alone.

The floor is the three grouped statements the calculation reads its facts with (each payer's
contributions per month of the window, the months of participation, earlier job-loss awards),
run through a plain cursor with every row fetched. The calculation at most as slow as that
fetch means a ratio of at most 2.
"""

import random
import time
from collections.abc import Callable
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction
from django.utils import timezone

from benefits.calculation import Request, benefit_calculate_many, histories
from benefits.models import Award
from contributions.models import ContributionLine, PaymentDocument, ReceivedFile
from gfss.common.identifiers import make_bin, make_iin
from gfss.common.periods import add_months
from gfss.legal.selectors import parameter_set
from participants.models import Payer, Person

RIGHT_DATE = date(2025, 3, 3)
HISTORY_MONTHS = 36  # 24+ months of contributions before the right
WINDOW_MONTHS = 24
BENEFITS = ("job_loss", "disability", "childcare", "maternity", "breadwinner", "adoption")
STATED: dict[str, dict[str, Any]] = {
    "job_loss": {},
    "disability": {"degree": "0.6"},
    "childcare": {"birth_order": 1},
    "maternity": {"days": 126},
    "breadwinner": {"dependents": 2},
    "adoption": {"days": 56},
}
TARGET_SECONDS = 3.0
TARGET_RATIO = 2.0


class Command(BaseCommand):
    help = "Time benefit calculations whose facts come from the contribution ledger."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--persons", type=int, default=10_000)
        parser.add_argument("--seed", type=int, default=7)
        parser.add_argument("--repeat", type=int, default=3, help="best of this many runs")

    def handle(self, *args: Any, **options: Any) -> None:
        if connection.vendor != "postgresql":
            raise CommandError(
                "bench_calc measures PostgreSQL: set DATABASE_URL to a PostgreSQL database."
            )
        count = options["persons"]
        started = time.monotonic()
        person_ids = self._population(count, random.Random(options["seed"]))
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {ContributionLine._meta.db_table}")
        self.stdout.write(
            f"prepared {count} persons with {HISTORY_MONTHS} months from one or two payers "
            f"in {time.monotonic() - started:.1f} s"
        )
        requests = [
            Request(
                person_id=person_id,
                benefit=BENEFITS[i % len(BENEFITS)],
                right_date=RIGHT_DATE,
                stated=STATED[BENEFITS[i % len(BENEFITS)]],
            )
            for i, person_id in enumerate(person_ids)
        ]
        params = parameter_set()
        repeat = options["repeat"]
        (floor, floor_cpu), rows = _best(repeat, lambda: _fetch_alone(person_ids))
        (orm_fetch, _), _ = _best(repeat, lambda: histories(requests))
        (whole, whole_cpu), results = _best(
            repeat, lambda: benefit_calculate_many(requests, params=params)
        )
        eligible = sum(r.eligible for r in results)
        ratio = whole / floor
        self.stdout.write(
            f"bench-calc: {len(results)} calculations from database facts in {whole:.2f} s "
            f"({len(results) / whole:,.0f}/s; aim < {TARGET_SECONDS:.0f} s); {eligible} eligible\n"
            f"  the same facts fetched alone (3 statements, {rows:,} rows): {floor:.2f} s\n"
            f"  ratio {ratio:.2f} (aim <= {TARGET_RATIO:.0f}: the calculation at most as slow "
            f"as the fetch); of the {whole:.2f} s, reading the facts through the ORM takes "
            f"{orm_fetch:.2f} s and the calculators {whole - orm_fetch:.2f} s (best of {repeat})\n"
            f"  this process's own CPU time, which a busy machine inflates less: calculations "
            f"{whole_cpu:.2f} s, fetch alone {floor_cpu:.2f} s (the rest is the database's "
            f"and the wait for a core)"
        )

    @transaction.atomic
    def _population(self, count: int, rng: random.Random) -> list[int]:
        now = timezone.now()
        iins: set[str] = set(Person.objects.values_list("iin", flat=True))
        persons: list[Person] = []
        while len(persons) < count:
            sex = rng.choice("MF")
            birth = date(rng.randint(1965, 2000), rng.randint(1, 12), rng.randint(1, 28))
            iin = make_iin(birth_date=birth, sex=sex, rng=rng)
            if iin not in iins:
                iins.add(iin)
                persons.append(Person(iin=iin, surname="BENCH", birth_date=birth, sex=sex))
        Person.objects.bulk_create(persons, batch_size=5_000)
        ids = list(
            Person.objects.filter(iin__in=[p.iin for p in persons]).values_list("id", flat=True)
        )

        documents = []
        for index in range(2):
            idn = make_bin(registered=date(2010, 1, 1), rng=rng)
            payer = Payer.objects.create(idn=idn, name=f"BENCH {index}")
            received = ReceivedFile.objects.create(
                filename=f"bench-calc-{now:%Y%m%d%H%M%S}-{index}",
                content=b"",
                size=0,
                sha256=f"bench-calc-{now.timestamp()}-{index}",
                source=ReceivedFile.Source.COMMAND,
                outcome=ReceivedFile.Outcome.ACCEPTED,
            )
            documents.append(
                PaymentDocument.objects.create(
                    file=received,
                    sha256=received.sha256,
                    reference=f"BENCH{index}",
                    payer=payer,
                    payer_idn=idn,
                    knp="012",
                    value_date=RIGHT_DATE.replace(day=1),
                    total=1,
                    lines_total=0,
                    lines_accepted=0,
                    lines_rejected=0,
                    amount_accepted=0,
                    status=PaymentDocument.Status.ACCEPTED,
                )
            )
        table = ContributionLine._meta.db_table
        with connection.cursor() as cursor:
            for index, doc in enumerate(documents):
                # Every person has the first payer; every third also a second one.
                cursor.execute(
                    f"""
                    INSERT INTO {table} (created_at, updated_at, document_id, person_id, payer_id,
                                         period, amount, kind, value_date, line_no)
                    SELECT now(), now(), %s, p.id, %s,
                           (date %s - make_interval(months => m))::date,
                           round((5000 + (p.id * 7919 + m * 104729) %% 30000)::numeric, 2),
                           'contribution',
                           (date %s - make_interval(months => m) + interval '1 month 9 days')::date,
                           row_number() OVER ()
                    FROM unnest(%s::bigint[]) AS p(id), generate_series(1, %s) AS m
                    WHERE %s = 0 OR p.id %% 3 = 0
                    """,
                    [
                        doc.pk,
                        doc.payer_id,
                        RIGHT_DATE.replace(day=1),
                        RIGHT_DATE.replace(day=1),
                        ids,
                        HISTORY_MONTHS,
                        index,
                    ],
                )
        return ids


def _best(repeat: int, run: Callable[[], Any]) -> tuple[tuple[float, float], Any]:
    """The shortest of ``repeat`` runs: its wall time and this process's CPU time."""
    best = (float("inf"), float("inf"))
    for _ in range(repeat):
        started, cpu = time.monotonic(), time.process_time()
        result = run()
        best = min(best, (time.monotonic() - started, time.process_time() - cpu))
    return best, result


def _fetch_alone(person_ids: list[int]) -> int:
    """The facts of the calculations, read with plain SQL: the floor. Returns the rows read."""
    lines = ContributionLine._meta.db_table
    end = RIGHT_DATE.replace(day=1)
    statements: list[tuple[str, list[Any]]] = [
        (
            f"""SELECT person_id, payer_id, period, SUM(amount) FROM {lines}
                WHERE person_id = ANY(%s) AND kind = 'contribution'
                  AND period >= %s AND period < %s
                GROUP BY person_id, payer_id, period""",
            [person_ids, add_months(end, -WINDOW_MONTHS), end],
        ),
        (
            f"""SELECT person_id, COUNT(*) FROM (
                    SELECT person_id, period FROM {lines}
                    WHERE person_id = ANY(%s) AND kind = 'contribution'
                      AND period >= '2005-01-01' AND period < %s
                    GROUP BY person_id, period HAVING SUM(amount) > 0) AS months
                GROUP BY person_id""",
            [person_ids, end],
        ),
        (
            f"""SELECT person_id, start_date, end_date, terminated_on
                FROM {Award._meta.db_table}
                WHERE person_id = ANY(%s) AND benefit = 'job_loss'""",
            [person_ids],
        ),
    ]
    rows = 0
    with connection.cursor() as cursor:
        for sql, sql_params in statements:
            cursor.execute(sql, sql_params)
            rows += len(cursor.fetchall())
    return rows
