"""Benchmark of the specialist's pages: 50,000 open e-cases in one branch and 2 million
contribution lines, then the work queue and the e-case page timed server-side (test Client),
with their query counts.

PostgreSQL only: the data is generated set-based (INSERT ... SELECT generate_series), and the
figures mean nothing on the SQLite demo file. Run it on its own database (`make bench-ui`).
"""

import random
import statistics
import time
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.test import Client, override_settings

from benefits.models import Application, BenefitType, Channel
from benefits.services.applications import application_create
from benefits.views import QUEUE_PAGE_SIZE
from contributions.benchmarks import person_lines_floor
from contributions.models import ContributionLine, ReceivedFile
from contributions.mt102.build import build_document
from contributions.services.imports import mt102_import
from gfss.common.benchmarks import STORAGES, bench_staff_user, floor_ms, page_timings
from gfss.common.identifiers import make_bin, make_iin
from gfss.common.periods import add_months
from gfss.org.models import Branch
from participants.models import Person

BRANCH = "B75"
BENCH_USER = "bench-specialist"
# IINs of generated persons start with "0000": month 00 is never issued, so no clash.
IIN_PREFIX = "0000"
RIGHT_DATE = date(2025, 3, 10)
RECEIVED_ON = date(2025, 3, 12)


class Command(BaseCommand):
    help = "Time the work queue and the e-case page on 50,000 cases and 2M contribution lines."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--cases", type=int, default=50_000)
        parser.add_argument("--months", type=int, default=40, help="contribution months a person")

    def handle(self, *args: Any, **options: Any) -> None:
        if connection.vendor != "postgresql":
            raise CommandError(
                "bench_ui needs PostgreSQL: set DATABASE_URL to a database of its own, "
                "e.g. `make bench-ui` (createdb gfss_bench_ui). SQLite figures mean nothing."
            )
        cases, months = options["cases"], options["months"]
        branch = Branch.objects.select_related("region").get(code=BRANCH)
        user = bench_staff_user(branch, BENCH_USER)
        if Application.objects.filter(branch=branch).count() < cases:
            started = time.monotonic()
            _generate(branch=branch, cases=cases, months=months)
            self.stdout.write(f"generated in {time.monotonic() - started:.1f} s")
        open_cases = Application.objects.filter(
            branch=branch, status__in=Application.OPEN_STATUSES
        ).count()
        lines = ContributionLine.objects.count()
        self.stdout.write(f"{open_cases:,} open e-cases in {BRANCH}; {lines:,} contribution lines")

        client = Client()
        client.force_login(user)
        middle = (
            Application.objects.filter(branch=branch, status=Application.Status.IN_REVIEW)
            .order_by("decision_due", "id")
            .values_list("uuid", flat=True)[cases // 4]
        )
        person_id = Application.objects.filter(uuid=middle).values_list("person_id", flat=True)
        pages = {
            "queue": ("/ru/cases/", 100, _queue_floor(branch.pk, offset=0, overdue=False)),
            "queue, page 500, overdue filter": (
                "/ru/cases/?overdue=1&page=500",
                300,
                _queue_floor(branch.pk, offset=499 * QUEUE_PAGE_SIZE, overdue=True),
            ),
            "e-case": (
                f"/ru/cases/{middle}/",
                100,
                person_lines_floor(person_id[0]),
            ),
        }
        with override_settings(STORAGES=STORAGES):
            for name, (url, target, floor_sql) in pages.items():
                timings, queries = page_timings(client, url)
                floor = floor_ms(*floor_sql)
                median = statistics.median(timings)
                verdict = "OK" if median < target else "SLOW"
                self.stdout.write(
                    f"{name:<34} median {median:7.1f} ms  (min {min(timings):.1f}, max "
                    f"{max(timings):.1f})  {queries} queries  floor {floor:.1f} ms  ratio "
                    f"{median / floor:.1f}  target < {target} ms  {verdict}"
                )


def _queue_floor(branch_id: int, *, offset: int, overdue: bool) -> tuple[str, list[Any]]:
    """The queue's page of cases as one statement: its rows in deadline order, no counts."""
    due = "AND decision_due < CURRENT_DATE " if overdue else ""
    return (
        "SELECT id, uuid, person_id, benefit, status, channel, decision_due "
        f"FROM {Application._meta.db_table} WHERE branch_id = %s "
        f"AND status IN ('received', 'in_review', 'awaiting_confirmation') {due}"
        "ORDER BY decision_due, id LIMIT %s OFFSET %s",
        [branch_id, QUEUE_PAGE_SIZE, offset],
    )


def _generate(*, branch: Branch, cases: int, months: int) -> None:
    """Persons, their contribution lines and their e-cases, each in one statement."""
    region_id = branch.region_id
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO participants_person
                (iin, surname, first_name, patronymic, birth_date, sex, region_id,
                 created_at, updated_at)
            SELECT %s || lpad(i::text, 8, '0'), 'Бенчмарк', 'Участник ' || i, '',
                   DATE '1985-01-01' + (i %% 5000), CASE WHEN i %% 2 = 0 THEN 'F' ELSE 'M' END,
                   %s, now(), now()
            FROM generate_series(1, %s) AS i
            ON CONFLICT (iin) DO NOTHING
            """,
            [IIN_PREFIX, region_id, cases],
        )
    # One real document through the importer, for a person with a valid IIN (the importer
    # registers her): the payer and the document the generated lines hang on.
    rng = random.Random(75)
    sample_iin = make_iin(birth_date=date(1990, 4, 2), sex="F", rng=rng)
    report = mt102_import(
        data=build_document(
            reference="BENCH-UI",
            payer_idn=make_bin(registered=date(2015, 5, 1), rng=rng),
            knp="012",
            value_date=date(2025, 3, 3),
            lines=[
                {
                    "iin": sample_iin,
                    "surname": "Бенчмарк",
                    "first_name": "Участник",
                    "birth_date": date(1990, 4, 2),
                    "amount": Decimal("10500.00"),
                    "period": date(2025, 2, 1),
                }
            ],
        ),
        filename="bench-ui.mt102",
        actor=None,
        source=ReceivedFile.Source.COMMAND,
        today=date(2025, 12, 31),
    )
    sample = Person.objects.get(iin=sample_iin)
    Person.objects.filter(pk=sample.pk).update(region_id=region_id)
    if report.document_uuid is None:
        raise CommandError(f"The sample document was not loaded: {report.errors}")
    line = ContributionLine.objects.select_related("document").get(
        document__uuid=report.document_uuid
    )
    first_period = add_months(date(2025, 2, 1), -(months - 1))
    columns = {f.column for f in ContributionLine._meta.concrete_fields}
    stamp = ", updated_at" if "updated_at" in columns else ""
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {ContributionLine._meta.db_table}
                (document_id, person_id, payer_id, period, amount, kind, value_date, line_no,
                 created_at{stamp})
            SELECT %s, p.id, %s, (%s::date + (m || ' month')::interval)::date,
                   5000 + (p.id %% 200) * 50, 'contribution', DATE '2025-03-03',
                   1000 + row_number() OVER (), now(){", now()" if stamp else ""}
            FROM participants_person p CROSS JOIN generate_series(0, %s) AS m
            WHERE p.iin LIKE %s AND p.iin <> %s
            """,
            [
                line.document_id,
                line.payer_id,
                first_period,
                months - 1,
                f"{IIN_PREFIX}%",
                sample.iin,
            ],
        )
    # One real e-case: its calculation, trace and checks are copied to the generated ones.
    model = application_create(
        actor=None,
        iin=sample.iin,
        benefit=BenefitType.JOB_LOSS,
        channel=Channel.STATE_CORPORATION,
        received_on=RECEIVED_ON,
        right_date=RIGHT_DATE,
        documents={"unemployed_registration": {"number": "UR-B", "registered_on": RIGHT_DATE}},
    )
    benefits = [b.value for b in BenefitType]
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO benefits_application
                (uuid, person_id, insured_person_id, benefit, channel, branch_id, received_on,
                 right_date, event_key, documents, facts, calculation, checks, eligible,
                 calculated_gross, decision_due, service_due, status, outcome, refusal_code,
                 decision_comment, language, created_at, updated_at)
            SELECT gen_random_uuid(), p.id, p.id, (%s::text[])[1 + (p.id %% 6)::int], 'state_corporation',
                   %s, d.received, %s, 'bench:' || p.id, m.documents, m.facts, m.calculation,
                   m.checks, true, m.calculated_gross, d.received + 6, d.received + 11,
                   (ARRAY['received', 'in_review', 'in_review', 'awaiting_confirmation'])
                       [1 + (p.id %% 4)::int],
                   '', '', '', m.language, now(), now()
            FROM participants_person p
            CROSS JOIN LATERAL (SELECT DATE '2025-03-01' + (p.id %% 400)::int AS received) d
            CROSS JOIN benefits_application m
            WHERE p.iin LIKE %s AND m.id = %s
            """,
            [benefits, branch.pk, RIGHT_DATE, f"{IIN_PREFIX}%", model.pk],
        )
        # What autovacuum does in production: statistics, and the visibility map that lets the
        # queue's counters be answered from the index alone.
        cursor.execute("VACUUM ANALYZE participants_person")
        cursor.execute(f"VACUUM ANALYZE {ContributionLine._meta.db_table}")
        cursor.execute("VACUUM ANALYZE benefits_application")
