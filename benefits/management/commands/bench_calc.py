"""make bench-calc: 10,000 benefit calculations from database facts (PostgreSQL)."""

import random
import time
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction
from django.utils import timezone

from benefits.calculation import Request, benefit_calculate_many
from contributions.models import ContributionLine, PaymentDocument, ReceivedFile
from gfss.common.identifiers import make_bin, make_iin
from gfss.legal.selectors import parameter_set
from participants.models import Payer, Person

RIGHT_DATE = date(2025, 3, 3)
HISTORY_MONTHS = 36  # 24+ months of contributions before the right
BENEFITS = ("job_loss", "disability", "childcare", "maternity", "breadwinner")
STATED = {
    "job_loss": {},
    "disability": {"degree": "0.6"},
    "childcare": {"birth_order": 1},
    "maternity": {"days": 126},
    "breadwinner": {"dependents": 2},
}


class Command(BaseCommand):
    help = "Time benefit calculations whose facts come from the contribution ledger."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--persons", type=int, default=10_000)
        parser.add_argument("--seed", type=int, default=7)

    def handle(self, *args: Any, **options: Any) -> None:
        if connection.vendor != "postgresql":
            raise CommandError(
                "bench_calc measures PostgreSQL: set DATABASE_URL to a PostgreSQL database."
            )
        count = options["persons"]
        started = time.monotonic()
        person_ids = self._population(count, random.Random(options["seed"]))
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
        started = time.monotonic()
        results = benefit_calculate_many(requests, params=parameter_set())
        elapsed = time.monotonic() - started
        eligible = sum(r.eligible for r in results)
        self.stdout.write(
            f"bench-calc: {len(results)} calculations from database facts in {elapsed:.2f} s "
            f"({len(results) / elapsed:,.0f}/s; target < 10 s); {eligible} eligible"
        )

    @transaction.atomic
    def _population(self, count: int, rng: random.Random) -> list[int]:
        now = timezone.now()
        iins: set[str] = set(Person.objects.values_list("iin", flat=True))
        persons = []
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
