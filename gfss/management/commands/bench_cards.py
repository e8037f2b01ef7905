"""Benchmark of the header's search and the person card: a person with 20 years of history
(240 months from three payers, five awards) and the search by name over a million persons,
each timed server-side (test Client) with its query count and beside a floor measured in the
same run: one SQL statement reading the same rows (the card's contribution lines; the first
page of the name's matches), so that the ratio says what the page adds to the database's work.

PostgreSQL only (the trigram indexes of participants' migration 0003 serve the search).
Run it on its own database: `make bench-ui` runs it after the queue and e-case figures.
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

from benefits.amounts import split_gross
from benefits.models import Award
from benefits.services.awards import award_create
from contributions.benchmarks import person_lines_floor
from contributions.models import ContributionLine, ReceivedFile
from contributions.mt102.build import build_document
from contributions.services.imports import mt102_import
from gfss.common.benchmarks import STORAGES, bench_staff_user, floor_ms, page_timings
from gfss.common.identifiers import make_bin, make_iin
from gfss.common.periods import add_months
from gfss.legal.selectors import parameter_value
from gfss.org.models import Branch, Region
from participants.demo import FEMALE_NAMES, MALE_NAMES
from participants.models import Person
from reporting.summaries import summaries_paused

BRANCH = "B75"
BENCH_USER = "bench-cards-specialist"
# Generated IINs start with "0001": month 00 is never issued, so no clash with real ones.
IIN_PREFIX = "0001"
CARD_TARGET_MS = 150
SEARCH_TARGET_MS = 200
HISTORY_MONTHS = 240
LAST_MONTH = date(2025, 12, 1)
AWARDS = [  # benefit, start, months (None: open-ended), gross
    ("job_loss", date(2009, 3, 1), 6, "38000.00"),
    ("maternity", date(2012, 5, 1), 1, "410000.00"),
    ("childcare", date(2012, 9, 1), 18, "29000.00"),
    ("job_loss", date(2019, 2, 1), 4, "61000.00"),
    ("disability", date(2023, 6, 1), None, "74000.00"),
]


class Command(BaseCommand):
    help = "Time the person card (20 years of history) and the search by name (1M persons)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--persons", type=int, default=1_000_000)

    def handle(self, *args: Any, **options: Any) -> None:
        if connection.vendor != "postgresql":
            raise CommandError("bench_cards needs PostgreSQL (make bench-ui).")
        branch = Branch.objects.select_related("region").get(code=BRANCH)
        user = bench_staff_user(branch, BENCH_USER)
        persons = options["persons"]
        # Inline tasks would refresh the reporting summaries after each of its documents.
        with summaries_paused():
            person = _long_history(branch)
        if Person.objects.filter(iin__startswith=IIN_PREFIX).count() < persons:
            started = time.monotonic()
            _persons_generate(persons)
            self.stdout.write(
                f"{persons:,} persons generated in {time.monotonic() - started:.1f} s"
            )
        self.stdout.write(
            f"{Person.objects.count():,} persons; the card's person has "
            f"{ContributionLine.objects.filter(person=person).count():,} contribution lines "
            f"from {ContributionLine.objects.filter(person=person).values('payer').distinct().count()}"
            f" payers and {Award.objects.filter(person=person).count()} awards"
        )
        common, rare = _name_of(0).split()[0], _name_of(12_345)
        client = Client()
        client.force_login(user)
        pages = [
            (
                "person card, 20 years",
                f"/ru/persons/{person.iin}/",
                CARD_TARGET_MS,
                person_lines_floor(person.pk),
            ),
            (
                f"search «{common}»",
                f"/ru/search/?q={common}",
                SEARCH_TARGET_MS,
                _search_floor(common),
            ),
            (f"search «{rare}»", f"/ru/search/?q={rare}", SEARCH_TARGET_MS, _search_floor(rare)),
            (
                f"search «{common.split()[0][1:5]}», page 3",
                f"/ru/search/?q={common.split()[0][1:5]}&page=3",
                SEARCH_TARGET_MS,
                _search_floor(common.split()[0][1:5]),
            ),
        ]
        with override_settings(STORAGES=STORAGES):
            for name, url, target, floor_sql in pages:
                timings, queries = page_timings(client, url)
                floor = floor_ms(*floor_sql)
                median = statistics.median(timings)
                verdict = "OK" if median < target else "SLOW"
                self.stdout.write(
                    f"{name:<34} median {median:7.1f} ms  (min {min(timings):.1f}, max "
                    f"{max(timings):.1f})  {queries} queries  floor {floor:.1f} ms  ratio "
                    f"{median / floor:.1f}  target < {target} ms  {verdict}"
                )


# Surnames are built from two stems and a family ending, so that the million persons bear
# about a thousand surnames (a population's variety, not the demo's dozen).
STEMS = [
    "Ах",
    "Сер",
    "Жұм",
    "Нұр",
    "Қас",
    "Ом",
    "Әбд",
    "Төл",
    "Бек",
    "Ер",
    "Ай",
    "Дос",
    "Сұл",
    "Тұр",
    "Қай",
    "Мұх",
    "Ис",
    "Шал",
    "Бай",
    "Жак",
    "Сей",
    "Кен",
    "Мақ",
    "Ес",
]
TAILS = [
    "метов",
    "ікбаев",
    "абеков",
    "ланов",
    "ымов",
    "аров",
    "ірахманов",
    "еуов",
    "мұратов",
    "жанов",
    "келдиев",
    "танов",
    "тұров",
    "сынов",
    "ғалиев",
    "бергенов",
    "ақов",
    "пейісов",
    "ниязов",
    "иманов",
    "даулетов",
    "жігітов",
    "ахметов",
    "аманов",
]


def _name_of(i: int) -> str:
    """The name generated for number ``i`` (surname, then first name), as the SQL does."""
    stem, tail = STEMS[i % len(STEMS)], TAILS[(i // len(STEMS)) % len(TAILS)]
    female = (i // 7) % 2 == 1
    names = FEMALE_NAMES if female else MALE_NAMES
    first = names[(i // 11) % len(names)]
    return f"{stem}{tail}{'а' if female else ''} {first}"


def _persons_generate(count: int) -> None:
    """``count`` persons in one statement, spread over every region (a branch's search reaches
    its own region only)."""
    regions = list(Region.objects.order_by("code").values_list("pk", flat=True))
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO participants_person
                (iin, surname, first_name, patronymic, birth_date, sex, region_id,
                 created_at, updated_at)
            SELECT %s || lpad(i::text, 8, '0'),
                   (%s::text[])[1 + i %% %s] || (%s::text[])[1 + (i / %s) %% %s]
                       || CASE WHEN (i / 7) %% 2 = 1 THEN 'а' ELSE '' END,
                   CASE WHEN (i / 7) %% 2 = 1 THEN (%s::text[])[1 + (i / 11) %% %s]
                        ELSE (%s::text[])[1 + (i / 11) %% %s] END,
                   '', DATE '1960-01-01' + (i %% 15000),
                   CASE WHEN (i / 7) %% 2 = 1 THEN 'F' ELSE 'M' END,
                   (%s::bigint[])[1 + (i / 13) %% %s], now(), now()
            FROM generate_series(0, %s - 1) AS i
            ON CONFLICT (iin) DO NOTHING
            """,
            [
                IIN_PREFIX,
                STEMS, len(STEMS), TAILS, len(STEMS), len(TAILS),
                FEMALE_NAMES, len(FEMALE_NAMES), MALE_NAMES, len(MALE_NAMES),
                regions, len(regions),
                count,
            ],
        )  # fmt: skip
        cursor.execute("VACUUM ANALYZE participants_person")


def _long_history(branch: Branch) -> Person:
    """A person of the branch with 240 months of contributions from three payers (through the
    importer: one document per payer) and five awards made by the service."""
    rng = random.Random(2005)
    iin = make_iin(birth_date=date(1978, 6, 15), sex="F", rng=rng)
    person = Person.objects.filter(iin=iin).first()
    if person is not None and Award.objects.filter(person=person).count() >= len(AWARDS):
        return person
    periods = [add_months(LAST_MONTH, -i) for i in reversed(range(HISTORY_MONTHS))]
    # three employers: the first 100 months, the next 100, and a second job over the last 80
    spans = [periods[:100], periods[100:200], periods[160:]]
    for number, span in enumerate(spans):
        report = mt102_import(
            data=build_document(
                reference=f"BENCH-CARD-{number}",
                payer_idn=make_bin(registered=date(2004, 1 + number, 1), rng=rng),
                knp="012",
                value_date=date(2026, 1, 5),
                lines=[
                    {
                        "iin": iin,
                        "surname": "Долгова",
                        "first_name": "История",
                        "birth_date": date(1978, 6, 15),
                        "amount": Decimal(4000 + 700 * number),
                        "period": period,
                    }
                    for period in span
                ],
            ),
            filename=f"bench-card-{number}.mt102",
            actor=None,
            source=ReceivedFile.Source.COMMAND,
            today=date(2026, 1, 31),
        )
        if report.lines_accepted != len(span):
            raise CommandError(f"bench document {number}: {report.errors}")
    person = Person.objects.get(iin=iin)
    Person.objects.filter(pk=person.pk).update(region_id=branch.region_id)
    for benefit, start, months, gross in AWARDS:
        amount = Decimal(gross)
        opv, _ = split_gross(
            amount, benefit=benefit, opv_rate=parameter_value("benefit.opv_rate", on=start)
        )
        end = None if months is None else add_months(start, months)
        award_create(
            person=person,
            benefit=benefit,
            branch=branch,
            right_date=start,
            assigned_on=start,
            start_date=start,
            end_date=end,
            gross=amount,
            opv=opv,
            actor=None,
        )
    return person


def _search_floor(name: str) -> tuple[str, list[Any]]:
    """The first page of the matches of ``name``'s words as they are stored, one statement."""
    words = name.split()
    where = " AND ".join("(surname LIKE %s OR first_name LIKE %s)" for _ in words)
    params: list[Any] = []
    for word in words:
        params += [f"%{word}%", f"%{word}%"]
    return (
        f"SELECT id, iin, surname, first_name FROM participants_person WHERE {where} "
        "ORDER BY surname, first_name, patronymic, iin LIMIT 51",
        params,
    )
