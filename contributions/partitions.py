"""The ledger's yearly partitions on PostgreSQL (the decisions: ``contributions.models``).

``contributions_contributionline`` is range-partitioned by ``period``: one partition a year,
``contributions_contributionline_y2024`` holding 2024-01..2024-12, and a default partition
that stays empty as long as the partitions are made ahead. The migration that partitions the
table makes them from 2005 (the first period) through next year; the monthly beat task
``ledger_partitions_ensure_task`` keeps next year's partition ready. Should a line ever land in
the default partition (a year with no partition of its own), making that year's partition
moves it there.

Indexes and triggers declared on the partitioned table apply to every partition, including
those made later. SQLite keeps one table and every function here does nothing there.
"""

from datetime import date

from django.db import connection, transaction

LEDGER = "contributions_contributionline"
DEFAULT_PARTITION = f"{LEDGER}_default"
FIRST_YEAR = 2005


def partition_name(year: int) -> str:
    return f"{LEDGER}_y{year}"


def is_partitioned() -> bool:
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM pg_partitioned_table WHERE partrelid = %s::regclass", [LEDGER]
        )
        return cursor.fetchone() is not None


def partition_years() -> list[int]:
    """The years that have a partition of their own, in order."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT child.relname FROM pg_inherits"
            " JOIN pg_class child ON child.oid = pg_inherits.inhrelid"
            " WHERE pg_inherits.inhparent = %s::regclass",
            [LEDGER],
        )
        names = [row[0] for row in cursor.fetchall()]
    prefix = f"{LEDGER}_y"
    return sorted(int(name[len(prefix) :]) for name in names if name.startswith(prefix))


def partition_create(year: int) -> bool:
    """Make ``year``'s partition unless it exists; ``True`` when made.

    Lines of that year in the default partition move into it, in the same transaction: the
    ledger's append-only trigger lets them go only with ``gfss.ledger_maintenance`` on.
    """
    if year in partition_years():
        return False
    name = partition_name(year)
    low, high = date(year, 1, 1).isoformat(), date(year + 1, 1, 1).isoformat()
    with transaction.atomic(), connection.cursor() as cursor:
        # No other import may write a line of that year into the default meanwhile.
        cursor.execute(f"LOCK TABLE {LEDGER} IN SHARE ROW EXCLUSIVE MODE")
        cursor.execute(
            f"CREATE TABLE {name} (LIKE {LEDGER} INCLUDING DEFAULTS INCLUDING CONSTRAINTS)"
        )
        cursor.execute("SET LOCAL gfss.ledger_maintenance TO 'on'")
        cursor.execute(
            f"WITH moved AS (DELETE FROM {DEFAULT_PARTITION}"
            "  WHERE period >= %s AND period < %s RETURNING *)"
            f" INSERT INTO {name} SELECT * FROM moved",
            [low, high],
        )
        cursor.execute(
            f"ALTER TABLE {LEDGER} ATTACH PARTITION {name} FOR VALUES FROM (%s) TO (%s)",
            [low, high],
        )
    return True


def partitions_ensure(*, through_year: int) -> list[int]:
    """Every year's partition from 2005 through ``through_year``; returns the years made."""
    if not is_partitioned():
        return []
    return [year for year in range(FIRST_YEAR, through_year + 1) if partition_create(year)]
