"""bench_scale: the national dataset at a scale, step by step and resumable, refused before it
starts when the disk would not fit (PostgreSQL)."""

import re
from collections.abc import Iterator
from importlib import import_module
from io import StringIO
from types import SimpleNamespace
from typing import Any

import pytest
from django.apps import apps as django_apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone

from contributions.demo import LARGE_PAYERS, demo_contributions_bulk
from contributions.models import ContributionLine
from gfss.common.benchmarks import NATIONAL_PARTICIPANTS
from gfss.common.periods import add_months, month_start
from gfss.management.commands.bench_scale import STATE_TABLE, disk_estimate
from participants.demo import population_copy
from participants.models import Payer, Person

pytestmark = pytest.mark.django_db
needs_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="set-based on PostgreSQL"
)
STEPS = [
    "persons and payers",
    "contributions, 11 months",
    "awards and their payments",
    "IMPORT of the month",
    "PAYMENT RUN",
    "INDEXATION, back-dated",
    "STATEMENT, 20 years",
    "QUEUE and E-CASE",
    "DASHBOARDS and NIGHTLY SUMMARIES",
]


def _bench_scale(*args: str) -> str:
    out = StringIO()
    call_command("bench_scale", *args, stdout=out)
    return out.getvalue()


def _steps_done() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT name FROM {STATE_TABLE} ORDER BY name")
        return [name for (name,) in cursor.fetchall()]


@pytest.mark.skipif(connection.vendor == "postgresql", reason="the refusal is for SQLite")
def test_bench_scale_needs_postgresql() -> None:
    with pytest.raises(CommandError, match="PostgreSQL"):
        _bench_scale("--scale", "0.0005")
    assert not Person.objects.exists()


@pytest.fixture
def forecast_scenarios() -> None:
    """The scenarios a data migration ships, which a committed test before may have flushed:
    the reports step shows the forecast."""
    migration = import_module("reporting.migrations.0003_forecast_scenario_defaults")
    migration.create(django_apps, None)


@pytest.fixture
def steps_table() -> Iterator[None]:
    """The steps table is no model: the flush after a committed test leaves it behind."""
    yield
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {STATE_TABLE}")


@needs_postgres
# Committed: the steps VACUUM their tables, and the import's processes read what was built.
@pytest.mark.django_db(transaction=True)
def test_the_dataset_is_built_timed_and_resumed(
    forecast_scenarios: None, steps_table: None
) -> None:
    # when: 1/2000 of national size, every step, a sample of 50 of the month's documents
    # through the importer
    output = _bench_scale("--scale", "0.0005", "--import-documents", "50")
    # then: each step is begun, and prints its figures beside its floor
    for step in STEPS:
        assert f"{step}: ...\n" in output
    imported = add_months(month_start(timezone.localdate()), -1)
    assert re.search(
        rf"IMPORT of 50 documents, [\d,]+ lines of {imported:%Y-%m} through import_mt102 .* "
        r"floor: a plain COPY of the same rows",
        output,
    )
    assert re.search(r"\n  50 of the month's [\d,]+ documents loaded in all\n", output)
    assert re.search(
        r"PAYMENT RUN \d{4}-\d\d: [\d,]+ payment lines .* floor: one statement", output
    )
    assert re.search(
        r"INDEXATION \+5 % from .* [1-9][\d,]* top-ups: .* floor: two statements", output
    )
    assert "STATEMENT of 240 lines over 240 months" in output
    assert re.search(r"\n  queue .* floor .*\n  queue, page 500.*\n  e-case .* floor", output)
    assert "summary refresh" in output
    assert "/en/reporting/" in output
    assert re.search(r"DATABASE SIZE: .* 3,[\d]{3} persons, [\d,]+ contribution lines", output)
    assert "TOTAL TIME:" in output
    previous = ContributionLine.objects.filter(period=add_months(imported, -1), kind="contribution")
    assert 0 < ContributionLine.objects.filter(period=imported).count() < previous.count()
    lines = ContributionLine.objects.count()

    # when: run again, every step done
    again = _bench_scale("--scale", "0.0005")
    # then: nothing is built twice
    for step in STEPS:
        assert f"{step}: done in an earlier run\n" in again
    assert ContributionLine.objects.count() == lines

    # when: the import step again, with no sample
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {STATE_TABLE} WHERE name = 'IMPORT of the month'")
    resumed = _bench_scale("--scale", "0.0005")
    # then: the rest of the month is imported, with no document loaded twice; the other
    # steps are kept
    assert re.search(r"\n  ([\d,]+) of the month's \1 documents loaded in all\n", resumed)
    assert "PAYMENT RUN: done in an earlier run" in resumed
    # the month through the importer holds the staff of the month before, one line each
    assert ContributionLine.objects.filter(period=imported).count() == previous.count() > 0
    lines = ContributionLine.objects.count()

    # when: as if the run had stopped in the import, its documents all loaded
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {STATE_TABLE} WHERE name = 'IMPORT of the month'")
    resumed = _bench_scale("--scale", "0.0005")
    # then: nothing is imported again
    assert "\n  IMPORT of 0 documents, 0 lines" in resumed
    assert ContributionLine.objects.count() == lines

    # when: another scale on the same database
    with pytest.raises(CommandError, match=r"begun at scale 0\.0005, not 0\.001: rerun with"):
        _bench_scale("--scale", "0.001")
    # then
    assert ContributionLine.objects.count() == lines


@needs_postgres
def test_a_scale_the_disk_cannot_hold_is_refused_before_anything_is_built(
    monkeypatch: Any,
) -> None:
    # given: 1 GB free on the database's disk
    free = 10**9
    monkeypatch.setattr(
        "gfss.management.commands.bench_scale.shutil.disk_usage",
        lambda path: SimpleNamespace(total=10 * free, used=9 * free, free=free),
    )
    # when: a tenth of national size, about 3 GB
    with pytest.raises(CommandError) as refused:
        _bench_scale("--scale", "0.1")
    # then: the message says what it needs and a scale that would fit
    message = str(refused.value)
    assert f"needs about {disk_estimate(0.1) / 1e9:,.1f} GB" in message
    assert "only 1.0 GB are free" in message
    smaller = float(re.search(r"about ([\d.]+) would fit", message).group(1))
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_database_size(current_database())")
        used = cursor.fetchone()[0]
    assert 0 < smaller < 0.1
    assert disk_estimate(smaller) - used <= free < disk_estimate(smaller + 0.005) - used
    # and nothing was built: only the plan is kept
    assert not Person.objects.exists()
    assert not Payer.objects.exists()
    assert _steps_done() == ["plan"]


@needs_postgres
def test_the_large_employers_are_there_at_scale() -> None:
    # when: the persons, payers and contributions steps at 1/500 of national size
    today = timezone.localdate()
    population_copy(participants=round(NATIONAL_PARTICIPANTS * 0.002), seed=1, today=today)
    demo_contributions_bulk(today=month_start(today), months=12)
    # then: in a month, the employers with a staff of 50 or more are the 2022 share of them
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(*) FROM (SELECT payer_id FROM contributions_contributionline"
            " WHERE period = %s GROUP BY payer_id HAVING COUNT(*) >= 50) s",
            [add_months(month_start(today), -2)],
        )
        large = cursor.fetchone()[0]
    expected = LARGE_PAYERS * Payer.objects.count()
    assert expected > 20
    assert large == pytest.approx(expected, rel=0.15)
