"""The partitioned ledger on PostgreSQL: where lines land, what the triggers refuse, the
partitions made ahead, and the plans of the queries that read it (partitions pruned, each
partition read through an index)."""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from contributions.models import ContributionLine, QuarantinedLine
from contributions.partitions import DEFAULT_PARTITION, partition_name, partition_years
from contributions.selectors import (
    contribution_payer_months,
    contribution_periods,
    statement_get,
)
from contributions.services import contribution_lines_reverse
from contributions.tasks import ledger_partitions_ensure_task
from gfss.common.periods import add_months
from tests.contributions.documents import document, line_for, load
from tests.factories import PersonFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs PostgreSQL: set DATABASE_URL"
    ),
]
PAYER = "150540012348"


def _pay(person, periods, *, amount="5000.00"):
    for period in periods:
        load(
            document(
                payer_idn=PAYER,
                value_date=add_months(period, 1).replace(day=10),
                lines=[line_for(person, amount, period)],
            )
        )


def _partition_of(line_id: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tableoid::regclass::text FROM contributions_contributionline WHERE id = %s",
            [line_id],
        )
        return cursor.fetchone()[0]


def test_each_line_lands_in_the_partition_of_its_year():
    # given payments for December 2023 and January 2024
    person = PersonFactory()
    _pay(person, [date(2023, 12, 1), date(2024, 1, 1)])
    # then each line sits in its year's partition, and the default one holds none
    lines = ContributionLine.objects.filter(person=person).order_by("period")
    assert [_partition_of(line.pk) for line in lines] == [
        partition_name(2023),
        partition_name(2024),
    ]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {DEFAULT_PARTITION}")
        assert cursor.fetchone()[0] == 0


def test_the_ledger_refuses_update_and_delete():
    person = PersonFactory()
    _pay(person, [date(2024, 3, 1)])
    line = ContributionLine.objects.get(person=person)
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        ContributionLine.objects.filter(pk=line.pk).update(amount=Decimal("1.00"))
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        ContributionLine.objects.filter(pk=line.pk).delete()
    assert ContributionLine.objects.get(pk=line.pk).amount == Decimal("5000.00")


def test_a_reversal_names_a_line_of_its_own_period_and_reverses_it_once():
    person = PersonFactory()
    _pay(person, [date(2024, 3, 1)])
    line = ContributionLine.objects.get(person=person)
    # a reversal of a line that does not exist is refused
    ghost = ContributionLine(
        document_id=line.document_id,
        person_id=line.person_id,
        payer_id=line.payer_id,
        period=line.period,
        amount=Decimal("-1.00"),
        kind=line.kind,
        value_date=line.value_date,
        reverses_id=line.pk + 10_000,
    )
    with pytest.raises(IntegrityError, match="no line of period"), transaction.atomic():
        ghost.save()
    # and so is one dated in another period than its line's
    ghost.reverses_id, ghost.period = line.pk, date(2024, 4, 1)
    with pytest.raises(IntegrityError, match="no line of period"), transaction.atomic():
        ghost.save()
    # the real reversal goes in, once
    contribution_lines_reverse(amounts={line.pk: Decimal("4000.00")})
    ghost.period = line.period
    with pytest.raises(IntegrityError, match=r"\(reverses_id, period\)"), transaction.atomic():
        ghost.save()


def test_a_quarantined_line_cannot_point_at_a_missing_line():
    person = PersonFactory()
    load(
        document(
            payer_idn=PAYER,
            lines=[line_for(person, "100.00", date(2024, 5, 1)), {**line_for(person, "1.00")}],
            default_period=date(2024, 5, 1),
        )
    )
    quarantined = QuarantinedLine.objects.get(document__lines__person=person)
    with pytest.raises(IntegrityError, match="names no contribution line"), transaction.atomic():
        QuarantinedLine.objects.filter(pk=quarantined.pk).update(corrected_line_id=987_654_321)


def test_the_monthly_task_makes_next_years_partition_and_moves_strays_into_it():
    # given next year's partition missing and a line of that year already in the default one
    year = max(partition_years())
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE {partition_name(year)}")
    person = PersonFactory()
    _pay(person, [date(2024, 5, 1)])
    line = ContributionLine.objects.get(person=person)
    stray = ContributionLine.objects.create(
        document_id=line.document_id,
        person_id=line.person_id,
        payer_id=line.payer_id,
        period=date(year, 2, 1),
        amount=Decimal("7.00"),
        kind=line.kind,
        value_date=line.value_date,
        line_no=2,
    )
    assert _partition_of(stray.pk) == DEFAULT_PARTITION
    # when the beat task runs (twice: the second run finds nothing to do)
    first = ledger_partitions_ensure_task()
    second = ledger_partitions_ensure_task()
    # then the year has its partition again, holding the line
    assert (first, second) == ({"made": [year]}, {"made": []})
    assert _partition_of(stray.pk) == partition_name(year)
    assert ContributionLine.objects.get(pk=stray.pk).amount == Decimal("7.00")


# --- plans ------------------------------------------------------------------------------------


def _ledger_plans(call) -> list[str]:
    """The plans of the ledger queries ``call`` runs, with sequential scans priced out: a
    ``Seq Scan`` left in a plan means that no index serves the query."""
    with CaptureQueriesContext(connection) as captured:
        call()
    plans = []
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        for query in captured.captured_queries:
            if "contributions_contributionline" in query["sql"]:
                cursor.execute(f"EXPLAIN (COSTS OFF) {query['sql']}")
                plans.append("\n".join(row[0] for row in cursor.fetchall()))
    assert plans
    return plans


# Each partition's copy of contrib_line_person_period is named after its columns.
_PERSON_INDEX = "_person_id_period_idx on contributions_contributionline_y"


def _partitions_read(plan: str) -> set[str]:
    return set(re.findall(r"contributions_contributionline_(y\d{4}|default)", plan))


@pytest.fixture
def twenty_years():
    person = PersonFactory()
    _pay(person, [date(2005, 1, 1), date(2014, 6, 1), date(2023, 12, 1), date(2024, 6, 1)])
    return person


def test_the_statement_reads_only_its_years_through_the_person_index(twenty_years):
    plans = _ledger_plans(
        lambda: statement_get(person=twenty_years, first=date(2023, 1, 1), last=date(2024, 12, 1))
    )
    assert _partitions_read(plans[0]) == {"y2023", "y2024"}
    assert _PERSON_INDEX in plans[0]
    assert "Seq Scan" not in plans[0]


def test_the_income_reads_only_its_years_through_the_person_index(twenty_years):
    plans = _ledger_plans(
        lambda: contribution_payer_months(
            person_ids=[twenty_years.pk], first=date(2024, 1, 1), last=date(2024, 12, 1)
        )
    )
    assert _partitions_read(plans[0]) == {"y2024"}
    assert _PERSON_INDEX in plans[0]
    assert "Seq Scan" not in plans[0]


def test_the_stazh_reads_every_year_each_through_its_person_index(twenty_years):
    plans = _ledger_plans(
        lambda: contribution_periods(person_ids=[twenty_years.pk], before=date(2025, 1, 15))
    )
    assert _partitions_read(plans[0]) == {f"y{year}" for year in range(2005, 2025)}
    assert "Seq Scan" not in plans[0]
