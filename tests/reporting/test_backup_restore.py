"""``backup`` then ``restore`` into a new database gives books ``ledger_check`` finds nothing
wrong with; a restore over a database that is not empty is refused unless forced."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from contributions.models import ContributionLine
from reporting.tasks import payer_monitoring_task
from tests.reporting.books import books_make

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs PostgreSQL: set DATABASE_URL"
    ),
]


def _url(name: str) -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT'] or 5432}/{name}"


def _manage(*arguments: str, database: str, media: Path) -> subprocess.CompletedProcess:
    environment = {**os.environ, "DATABASE_URL": _url(database), "MEDIA_ROOT": str(media)}
    return subprocess.run(  # noqa: S603 - our own manage.py
        [sys.executable, "manage.py", *arguments],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


@pytest.fixture
def new_database():
    name = f"{connection.settings_dict['NAME']}_restored"
    with connection.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {name}")
        cursor.execute(f"CREATE DATABASE {name}")
    yield name
    with connection.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def test_a_backup_restored_into_a_new_database_passes_ledger_check(
    settings, tmp_path, new_database
):
    # given books with a document, a quarantined line, a reversal, runs and a recovery, and a
    # monitoring list in storage
    settings.MEDIA_ROOT = str(tmp_path / "media")
    books_make()
    payer_monitoring_task(month="2024-05")
    stored = sorted(p.relative_to(tmp_path / "media") for p in (tmp_path / "media").rglob("*.*"))
    assert stored
    # when they are backed up and restored into a new database and an empty folder
    archive = tmp_path / "gfss.tar"
    call_command("backup", output=str(archive))
    restored_media = tmp_path / "restored-media"
    restore = _manage("restore", str(archive), database=new_database, media=restored_media)
    assert restore.returncode == 0, restore.stderr
    # then ledger_check finds nothing, and the lines and the files are all there
    check = _manage("ledger_check", database=new_database, media=restored_media)
    assert (check.returncode, check.stdout.strip()) == (0, "ledger_check: no finding."), (
        check.stdout + check.stderr
    )
    assert sorted(p.relative_to(restored_media) for p in restored_media.rglob("*.*")) == stored
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {ContributionLine._meta.db_table}")
        here = cursor.fetchone()[0]
    counted = _manage(
        "shell",
        "--no-imports",
        "-c",
        "from contributions.models import ContributionLine as L; print(L.objects.count())",
        database=new_database,
        media=restored_media,
    )
    assert counted.stdout.strip().splitlines()[-1] == str(here)
    # and restoring again over the now full database is refused, with the reason
    again = _manage("restore", str(archive), database=new_database, media=tmp_path / "empty")
    assert again.returncode == 1
    assert "Refused" in again.stderr
    assert "--force" in again.stderr
    # unless forced
    forced = _manage(
        "restore", str(archive), "--force", database=new_database, media=tmp_path / "empty"
    )
    assert forced.returncode == 0, forced.stderr
