"""The ledger's part of the benchmarks: the MT-102 import timed through its command, the
plain COPY it is compared to, the 20-year person of the statement figures and the floor of a
person's lines, shared by bench_import, the page benches and bench_scale."""

import io
import json
import tempfile
import time
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

from contributions.models import ContributionLine, PaymentDocument, ReceivedFile
from gfss.common.periods import add_months
from gfss.common.signals import data_changed_muted
from participants.models import Payer, Person

LINE_COLUMNS = (
    "document_id, person_id, payer_id, period, amount, kind, value_date, line_no, "
    "created_at, updated_at"
)


def import_rate(
    files: list[Path], *, jobs: int, write: Callable[[str], Any], batch: int = 500
) -> float:
    """The import command itself on ``files``, ``jobs`` at a time and small ones ``batch`` at
    a time; lines/s end to end. Writes one line of what was imported."""
    output = io.StringIO()
    started = time.monotonic()
    # The summaries' refresh an import asks for runs on a worker in production; without Redis
    # it would run inline here, after every batch, and be timed as the import.
    with data_changed_muted():
        call_command(
            "import_mt102", *map(str, files), json=True, jobs=jobs, batch=batch, stdout=output
        )
    elapsed = time.monotonic() - started
    reports = [json.loads(row) for row in output.getvalue().splitlines()]
    lines = sum(report["lines_accepted"] for report in reports)
    outcomes: dict[str, int] = {}
    for report in reports:
        outcomes[report["status"]] = outcomes.get(report["status"], 0) + 1
    write(f"  imported {lines:,} lines in {len(files)} documents in {elapsed:.1f} s {outcomes}")
    return lines / elapsed


def plain_copy_where(where: str, params: list[Any]) -> tuple[float, int]:
    """COPY of the ledger's rows matching ``where`` again, in one process, rolled back; rows/s
    and rows. The rows go through a file on disk, not memory, so that millions of them cost
    no more memory than a thousand."""
    with tempfile.TemporaryFile() as spool, connection.cursor() as cursor:
        # The same rows again, with line numbers moved past the originals (unique per
        # document).
        columns = LINE_COLUMNS.replace("line_no", "line_no + 10000000")
        # psycopg's own cursor: Django's wrapper passes no parameters to COPY.
        with cursor.cursor.copy(
            f"COPY (SELECT {columns} FROM contributions_contributionline WHERE {where}) TO STDOUT",
            params,
        ) as out:
            rows = 0
            for data in out:
                spool.write(data)
                rows += bytes(data).count(b"\n")
        spool.seek(0)
        with transaction.atomic():
            started = time.monotonic()
            with cursor.copy(
                f"COPY contributions_contributionline ({LINE_COLUMNS}) FROM STDIN"
            ) as copy:
                while data := spool.read(1 << 20):
                    copy.write(data)
            elapsed = time.monotonic() - started
            transaction.set_rollback(True)
    return rows / elapsed if elapsed else 0.0, rows


def person_lines_floor(person_id: int) -> tuple[str, list[Any]]:
    """One SELECT of a person's contribution lines: the floor of the pages that show them."""
    return (
        f"SELECT period, payer_id, amount FROM {ContributionLine._meta.db_table} "
        "WHERE person_id = %s ORDER BY period",
        [person_id],
    )


def twenty_year_person() -> Person:
    """A person paid for every month of 2005-2024 by two employers in turn."""
    iin = "850712300017"
    person, created = Person.objects.get_or_create(
        iin=iin,
        defaults={
            "surname": "ОМАРОВ",
            "first_name": "ЕРЛАН",
            "birth_date": date(1985, 7, 12),
            "sex": "M",
        },
    )
    if not created and ContributionLine.objects.filter(person=person).exists():
        return person
    document = bench_document()
    payers = [bench_payer(idn) for idn in ("970740001013", "940140000385")]
    now = timezone.now()
    ContributionLine.objects.bulk_create(
        ContributionLine(
            document=document,
            person=person,
            payer=payers[month // 120],
            period=add_months(date(2005, 1, 1), month),
            amount=Decimal("12345.67"),
            kind=ContributionLine.Kind.CONTRIBUTION,
            value_date=add_months(date(2005, 2, 10), month),
            line_no=month + 1,
            created_at=now,
            updated_at=now,
        )
        for month in range(240)
    )
    return person


def bench_payer(idn: str) -> Payer:
    return Payer.objects.get_or_create(idn=idn, defaults={"name": f"BENCH {idn}"})[0]


def bench_document() -> PaymentDocument:
    """The document that the lines a bench writes directly (not through MT-102) hang on."""
    existing = PaymentDocument.objects.filter(reference="BENCHFILL").first()
    if existing:
        return existing
    received = ReceivedFile.objects.create(
        filename="bench-fill",
        content=b"",
        size=0,
        sha256="0" * 64,
        source=ReceivedFile.Source.COMMAND,
        outcome=ReceivedFile.Outcome.ACCEPTED,
    )
    return PaymentDocument.objects.create(
        file=received,
        sha256="0" * 64,
        reference="BENCHFILL",
        payer=bench_payer("970740001013"),
        payer_idn="970740001013",
        knp="012",
        value_date=date(2025, 1, 10),
        total=Decimal("1.00"),
        lines_total=0,
        lines_accepted=0,
        lines_rejected=0,
        amount_accepted=Decimal("0.00"),
        status=PaymentDocument.Status.ACCEPTED,
    )
