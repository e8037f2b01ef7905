"""Synthetic awards in bulk for the benchmark and the worker test (PostgreSQL only).

Persons, awards and their assignment amounts (and, when asked, months already paid) are made
by ``INSERT … SELECT generate_series`` statements: hundreds of thousands of rows in seconds, where the award
service would take minutes. The rows satisfy every constraint; the IINs carry a tag prefix
and are not valid identifiers (they are never shown or sent anywhere).
"""

from datetime import date
from typing import Any

from django.db import connection
from django.utils.translation import gettext as _

from gfss.common.exceptions import ApplicationError
from gfss.common.periods import add_months
from gfss.org.models import Branch
from payouts.models import PaymentRun

PERSONS_SQL = """
INSERT INTO participants_person
    (created_at, updated_at, iin, surname, first_name, patronymic, birth_date, sex, region_id)
SELECT now(), now(), %(tag)s || lpad(i::text, 8, '0'), 'SYNTHETIC', 'P' || i, '',
       DATE '1975-01-01' + (i %% 9000), CASE WHEN i %% 2 = 0 THEN 'F' ELSE 'M' END, %(region)s
FROM generate_series(1, %(n)s) AS i
"""

AWARDS_SQL = """
INSERT INTO benefits_award
    (created_at, updated_at, uuid, person_id, benefit, branch_id, right_date, assigned_on,
     start_date, end_date, lump_sum, status, termination_reason, calculation, revision)
SELECT now(), now(), gen_random_uuid(), p.id, %(benefit)s, %(branch)s, %(start)s, %(start)s,
       %(start)s, %(end)s, FALSE, 'active', '', '{}'::jsonb, 0
FROM participants_person p
WHERE p.iin LIKE %(tag)s || '%%'
ORDER BY p.id
"""

AMOUNTS_SQL = """
INSERT INTO benefits_awardamount
    (created_at, updated_at, award_id, valid_from, gross, opv, net, reason, comment, base, step)
SELECT now(), now(), a.id, a.start_date, g.gross, g.opv, g.gross - g.opv, 'assignment', '',
       g.gross, '{}'::jsonb
FROM benefits_award a
JOIN participants_person p ON p.id = a.person_id
CROSS JOIN LATERAL (
    SELECT 40000.00 + (a.id %% 7919) * 37.13 AS gross
) base
CROSS JOIN LATERAL (
    SELECT base.gross,
           CASE WHEN a.benefit = 'breadwinner' THEN 0 ELSE ROUND(base.gross * 0.10, 2) END AS opv
) g
WHERE p.iin LIKE %(tag)s || '%%'
"""


def awards_generate(
    *, n: int, benefit: str, start: date, end: date | None = None, tag: str = "9900"
) -> tuple[int, int]:
    """``n`` active awards with one amount each; the (first, last) award id made.

    ``tag`` (4 digits) prefixes the IINs: use a new tag for each batch in one database.
    """
    if connection.vendor != "postgresql":
        raise ApplicationError(
            _("Synthetic awards are generated with PostgreSQL's generate_series."),
            code="postgresql_required",
        )
    branch = Branch.objects.select_related("region").get(code="B75")
    params: dict[str, Any] = {
        "n": n,
        "tag": tag,
        "region": branch.region_id,
        "branch": branch.pk,
        "benefit": benefit,
        "start": start,
        "end": end,
    }
    with connection.cursor() as cursor:
        cursor.execute(PERSONS_SQL, params)
        cursor.execute(AWARDS_SQL, params)
        cursor.execute(AMOUNTS_SQL, params)
        cursor.execute(
            "SELECT min(a.id), max(a.id) FROM benefits_award a "
            "JOIN participants_person p ON p.id = a.person_id WHERE p.iin LIKE %s || '%%'",
            [tag],
        )
        first, last = cursor.fetchone()
    return int(first), int(last)


PAID_SQL = """
INSERT INTO payouts_payment
    (created_at, updated_at, uuid, kind, run_id, award_id, benefit, period,
     gross, opv, net, deduction, payable)
SELECT now(), now(), gen_random_uuid(), 'regular', run.id, a.id, a.benefit, run.period,
       x.gross, x.opv, x.net, 0, x.net
FROM benefits_award a
JOIN participants_person p ON p.id = a.person_id
JOIN benefits_awardamount x ON x.award_id = a.id
JOIN payouts_paymentrun run ON run.period BETWEEN %(first)s AND %(last)s
WHERE p.iin LIKE %(tag)s || '%%'
"""

ACCOUNTS_SQL = """
INSERT INTO payouts_awardaccount
    (created_at, updated_at, award_id, balance, top_ups_pending, settled_revision)
SELECT now(), now(), a.id, 0, 0, a.revision
FROM benefits_award a JOIN participants_person p ON p.id = a.person_id
WHERE p.iin LIKE %(tag)s || '%%'
"""


def payments_generate(*, tag: str, first: date, last: date) -> None:
    """The regular lines of the awards of ``tag`` for every month ``first`` … ``last``, at their
    one amount, as runs would have paid them, and their settled accounts."""
    period = first
    while period <= last:
        PaymentRun.objects.get_or_create(period=period)
        period = add_months(period, 1)
    with connection.cursor() as cursor:
        cursor.execute(PAID_SQL, {"tag": tag, "first": first, "last": last})
        cursor.execute(ACCOUNTS_SQL, {"tag": tag})
