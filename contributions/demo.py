"""Demo contribution histories for the generated population, loaded through the real importer.

Shaped like domain.md: incomes log-normal with a mean of about 169,000 and a third at most
120,000 (median 149,000, sigma 0.5), about 9 months a year with contributions, some persons
with a second employer, a few late payments and a few bad lines. Every employer pays one MT-102
document a month for its staff; the self-employed pay for themselves.
"""

import math
import random
import time
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import connection, transaction

from contributions.models import ReceivedFile
from contributions.mt102.build import build_document
from contributions.services import mt102_import, mt102_import_many, penalties_accrue
from gfss.common.money import round_kzt
from gfss.common.periods import add_months, month_start
from gfss.legal.selectors import parameter_set
from participants.models import Payer, Person

INCOME_MEDIAN = 149_000
INCOME_SIGMA = 0.5
MONTH_WITH_CONTRIBUTION = 0.75  # about 9 months a year
SECOND_EMPLOYER = 0.10
EMPLOYED = 0.85
# About 13.4 thousand of the some 560 thousand employers have a staff of 50 or more
# (domain.md); they employ a large part of the employed, the rest work for small ones.
LARGE_PAYERS = 13_400 / 562_500
AT_LARGE_PAYERS = 0.45
LATE_DOCUMENT = 0.03
DOCUMENT_WITH_BAD_LINE = 0.02
WORKING_AGE = 18


@dataclass(frozen=True)
class DemoContributions:
    documents: int
    lines_accepted: int
    lines_rejected: int
    penalties: int
    seconds: float


def _income(rng: random.Random) -> Decimal:
    return Decimal(round(INCOME_MEDIAN * math.exp(rng.gauss(0, INCOME_SIGMA))))


def _refused_files_receive(
    *, last: tuple[bytes, str, dict[str, Any], list[dict[str, Any]]], today: date
) -> None:
    """Files the received files list shows refused: the last document sent again (a
    duplicate), the same payment with a total its lines do not add up to, and a file that is
    no MT-102 at all. Each changes nothing but its own receipt."""
    data, filename, header, lines = last
    wrong_total = sum((line["amount"] for line in lines), Decimal(0)) + Decimal(1)
    refused = [
        (data, filename.replace(".mt102", "-again.mt102")),
        (
            build_document(
                lines=lines, total=wrong_total, **{**header, "reference": f"{header['reference']}X"}
            ),
            filename.replace(".mt102", "-total.mt102"),
        ),
        ("Платёжное поручение во вложении.\r\n".encode(), "payment-order-scan.txt"),
    ]
    for content, name in refused:
        mt102_import(
            data=content,
            filename=name,
            actor=None,
            source=ReceivedFile.Source.COMMAND,
            today=today,
        )


@transaction.atomic
def demo_contributions_generate(*, seed: int, today: date, months: int = 24) -> DemoContributions:
    """Contribution documents for the last ``months`` months before this one.

    The documents are built as payers send them and loaded together by
    ``mt102_import_many``: each file read and checked by the importer's own code, the documents
    written in a few statements, in one transaction with the penalties they accrue.
    """
    started = time.monotonic()
    rng = random.Random(seed)
    params = parameter_set()
    adult_before = today.replace(year=today.year - WORKING_AGE)
    persons = list(
        Person.objects.filter(birth_date__lte=adult_before, death_date__isnull=True)
        .order_by("id")
        .values("iin", "surname", "first_name", "patronymic", "birth_date")
    )
    by_iin = {person["iin"]: person for person in persons}
    payers = list(Payer.objects.order_by("id").values("idn", "name", "kind"))
    employers = [p for p in payers if p["kind"] == Payer.Kind.EMPLOYER]
    staff: defaultdict[str, list[tuple[Mapping[str, Any], Decimal]]] = defaultdict(list)
    owners = set()
    for payer in payers:
        if payer["kind"] != Payer.Kind.EMPLOYER and payer["idn"] in by_iin:
            owners.add(payer["idn"])
            staff[payer["idn"]].append((by_iin[payer["idn"]], _income(rng)))
    # A few large employers and many small ones: weights fall with the employer's rank.
    weights = [1 / (rank + 1) ** 0.8 for rank in range(len(employers))]
    for person in persons:
        if person["iin"] in owners or not employers or rng.random() > EMPLOYED:
            continue
        count = 2 if rng.random() < SECOND_EMPLOYER else 1
        # Sorted: a set's order changes between processes, the draws after it would too.
        for employer in sorted({rng.choices(employers, weights)[0]["idn"] for _ in range(count)}):
            staff[employer].append((person, _income(rng)))

    names = {payer["idn"]: payer["name"] for payer in payers}
    this_month = month_start(today)
    files: list[tuple[str, bytes]] = []
    last: tuple[bytes, str, dict[str, Any], list[dict[str, Any]]] | None = None
    for offset in range(months, 0, -1):
        period = add_months(this_month, -offset)
        rate = params.get("so.rate", on=period).decimal
        mzp = params.get("mzp", on=period).decimal
        cap = params.get("so.object_cap_mzp", on=period).decimal * mzp
        for payer_idn, members in sorted(staff.items()):
            lines = [
                {
                    "iin": person["iin"],
                    "surname": person["surname"],
                    "first_name": person["first_name"],
                    "patronymic": person["patronymic"],
                    "birth_date": person["birth_date"],
                    "period": period,
                    "amount": round_kzt(min(max(income, mzp), cap) * rate),
                }
                for person, income in members
                if rng.random() < MONTH_WITH_CONTRIBUTION
            ]
            if not lines:
                continue
            if rng.random() < DOCUMENT_WITH_BAD_LINE:
                bad = dict(lines[0])
                bad["iin"] = bad["iin"][:11] + str((int(bad["iin"][11]) + 1) % 10)
                lines.append(bad)
            value_date = add_months(period, 1) + timedelta(days=rng.randrange(5, 20))
            if rng.random() < LATE_DOCUMENT:
                value_date += timedelta(days=rng.randrange(20, 60))
            if value_date > today:
                continue
            header: dict[str, Any] = {
                "reference": f"D{period:%y%m}{len(files):06d}",
                "payer_idn": payer_idn,
                "payer_name": names[payer_idn],
                "knp": "012",
                "value_date": value_date,
                "default_period": period,
            }
            data = build_document(lines=lines, **header)
            filename = f"demo-{payer_idn}-{period:%Y%m}.mt102"
            files.append((filename, data))
            last = (data, filename, header, lines)
    reports = mt102_import_many(
        files=files, actor=None, source=ReceivedFile.Source.DEMO, today=today
    )
    documents = len(reports)
    accepted = sum(report.lines_accepted for report in reports)
    rejected = sum(report.lines_rejected for report in reports)
    if last is not None:
        _refused_files_receive(last=last, today=today)
    penalties = penalties_accrue().accruals
    return DemoContributions(
        documents=documents,
        lines_accepted=accepted,
        lines_rejected=rejected,
        penalties=penalties,
        seconds=time.monotonic() - started,
    )


# --- at scale: set-based on PostgreSQL ------------------------------------------------------
# A pseudo-random number in (0, 1) from an integer, the same on every run: the bulk history is
# deterministic without a seeded generator in the database.
_U = "((hashint8(({x})::bigint)::float8 + 2147483648.5) / 4294967296.0)"

_STAFF_SQL = """
CREATE TEMP TABLE demo_staff ON COMMIT DROP AS
SELECT p.id AS person_id, pay.id AS payer_id,
       {median} * exp({sigma} * sqrt(-2 * ln({u1})) * cos(2 * pi() * {u2})) AS income
FROM (SELECT id, row_number() OVER (ORDER BY id) AS i FROM participants_person
      WHERE birth_date <= %(adult)s AND death_date IS NULL) p
JOIN (SELECT id, row_number() OVER (ORDER BY id) - 1 AS k FROM participants_payer) pay
  -- the large employers first, the square of a uniform favouring the lowest ranks among
  -- them; then the small ones, a handful of staff each
  ON pay.k = CASE WHEN {u5} < %(at_large)s THEN floor(%(large)s * power({u3}, 2))
                  ELSE %(large)s + floor((%(payers)s - %(large)s) * {u3}) END
WHERE {u4} < %(employed)s;
ANALYZE demo_staff
"""

_LINES_SQL = """
CREATE TEMP TABLE demo_lines ON COMMIT DROP AS
SELECT s.person_id, s.payer_id, m.period, m.value_date,
       ROUND(LEAST(GREATEST(s.income::numeric, m.mzp), m.cap) * m.rate, 2) AS amount
FROM demo_staff s CROSS JOIN demo_months m
WHERE {u} < %(share)s
"""

# Statements run one by one; temporary tables have no statistics until analysed.
_DOCUMENTS_SQL = """
CREATE TEMP TABLE demo_documents ON COMMIT DROP AS
SELECT payer_id, period, value_date, COUNT(*) AS n, SUM(amount) AS total,
       row_number() OVER (ORDER BY period, payer_id) AS k
FROM demo_lines GROUP BY payer_id, period, value_date;
ANALYZE demo_lines;
ANALYZE demo_documents;
INSERT INTO contributions_receivedfile (uuid, filename, content, size, sha256, source,
    received_at, outcome, error_code, error_message, payer_idn, created_at, updated_at)
SELECT gen_random_uuid(), 'scale-' || d.k || '.mt102', '', 0,
       'scale' || lpad(d.k::text, 59, '0'), 'demo', now(), 'accepted', '', '', p.idn, now(), now()
FROM demo_documents d JOIN participants_payer p ON p.id = d.payer_id;
ANALYZE contributions_receivedfile;
INSERT INTO contributions_paymentdocument (uuid, file_id, sha256, reference, payer_id,
    payer_idn, knp, value_date, total, lines_total, lines_accepted, lines_rejected,
    amount_accepted, status, encoding, created_at, updated_at)
SELECT gen_random_uuid(), f.id, f.sha256, 'S' || d.k, d.payer_id, p.idn, '012', d.value_date,
       d.total, d.n, d.n, 0, d.total, 'accepted', 'utf-8', now(), now()
FROM demo_documents d
JOIN contributions_receivedfile f ON f.sha256 = 'scale' || lpad(d.k::text, 59, '0')
JOIN participants_payer p ON p.id = d.payer_id;
ANALYZE contributions_paymentdocument;
INSERT INTO contributions_contributionline (created_at, updated_at, document_id, person_id,
    payer_id, period, amount, kind, value_date)
SELECT now(), now(), doc.id, l.person_id, l.payer_id, l.period, l.amount, 'contribution',
       l.value_date
FROM demo_lines l
JOIN demo_documents d ON d.payer_id = l.payer_id AND d.period = l.period
JOIN contributions_paymentdocument doc ON doc.reference = 'S' || d.k;
ANALYZE contributions_contributionline
"""


@transaction.atomic
def demo_contributions_bulk(*, today: date, months: int) -> DemoContributions:
    """The contribution history of the last ``months`` months for the whole population, set
    based (PostgreSQL): the shape of ``demo_contributions_generate`` (log-normal incomes, 85 %
    employed, about 9 months a year paid, one document per employer and month) without the
    importer, which would take hours at this size."""
    started = time.monotonic()
    params = parameter_set()
    this_month = month_start(today)
    rows = []
    for offset in range(months, 0, -1):
        period = add_months(this_month, -offset)
        value_date = add_months(period, 1) + timedelta(days=9)
        if value_date > today:
            continue
        mzp = params.get("mzp", on=period).decimal
        cap = params.get("so.object_cap_mzp", on=period).decimal * mzp
        rows.append(
            (offset, period, value_date, params.get("so.rate", on=period).decimal, mzp, cap)
        )
    payers = Payer.objects.count()
    with connection.cursor() as cursor:
        # The rows below reference ids read from the same tables in this transaction: the
        # foreign-key triggers, a lookup per key and row, would triple the load's time.
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(
            "CREATE TEMP TABLE demo_months (n int, period date, value_date date, rate numeric,"
            " mzp numeric, cap numeric) ON COMMIT DROP"
        )
        cursor.executemany("INSERT INTO demo_months VALUES (%s, %s, %s, %s, %s, %s)", rows)
        cursor.execute(
            _STAFF_SQL.format(
                median=INCOME_MEDIAN,
                sigma=INCOME_SIGMA,
                u1=_U.format(x="p.i * 8 + 1"),
                u2=_U.format(x="p.i * 8 + 2"),
                u3=_U.format(x="p.i * 8 + 3"),
                u4=_U.format(x="p.i * 8 + 4"),
                u5=_U.format(x="p.i * 8 + 5"),
            ),
            {
                "adult": today.replace(year=today.year - WORKING_AGE),
                "payers": payers,
                "large": max(1, round(payers * LARGE_PAYERS)),
                "at_large": AT_LARGE_PAYERS,
                "employed": EMPLOYED,
            },
        )
        cursor.execute(
            _LINES_SQL.format(u=_U.format(x="s.person_id * 1000 + m.n")),
            {"share": MONTH_WITH_CONTRIBUTION},
        )
        for statement in _DOCUMENTS_SQL.split(";"):
            cursor.execute(statement)
        cursor.execute("SET LOCAL session_replication_role = DEFAULT")
        cursor.execute("SELECT COUNT(*), COALESCE(SUM(n), 0)::int FROM demo_documents")
        documents, lines = cursor.fetchone()
    return DemoContributions(
        documents=documents,
        lines_accepted=lines,
        lines_rejected=0,
        penalties=0,
        seconds=time.monotonic() - started,
    )
