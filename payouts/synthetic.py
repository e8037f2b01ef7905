"""Synthetic awards in bulk for the benchmark and the worker test (PostgreSQL only).

Persons, awards and their assignment amounts are made by three ``INSERT … SELECT
generate_series`` statements: hundreds of thousands of rows in seconds, where the award
service would take minutes. The rows satisfy every constraint; the IINs carry a tag prefix
and are not valid identifiers (they are never shown or sent anywhere).
"""

from datetime import date

from django.db import connection

from gfss.common.exceptions import ApplicationError
from gfss.org.models import Branch

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
     start_date, end_date, lump_sum, status, termination_reason, calculation)
SELECT now(), now(), gen_random_uuid(), p.id, %(benefit)s, %(branch)s, %(start)s, %(start)s,
       %(start)s, %(end)s, FALSE, 'active', '', '{}'::jsonb
FROM participants_person p
WHERE p.iin LIKE %(tag)s || '%%'
ORDER BY p.id
"""

AMOUNTS_SQL = """
INSERT INTO benefits_awardamount
    (created_at, updated_at, award_id, valid_from, gross, opv, net, reason, comment)
SELECT now(), now(), a.id, a.start_date, g.gross, g.opv, g.gross - g.opv, 'assignment', ''
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
            "Synthetic awards are generated with PostgreSQL's generate_series.",
            code="postgresql_required",
        )
    branch = Branch.objects.select_related("region").get(code="B75")
    params = {
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
