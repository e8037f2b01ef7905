"""``manage.py backup``: the database and the stored files in one archive (``make backup``).

The archive is a tar file holding ``database.dump``, ``pg_dump``'s custom format (compressed,
restored table by table with ``pg_restore``), and ``media/``, the files the system keeps in
storage (MEDIA_ROOT: payout files, monitoring lists). The received MT-102 files are in the
database itself (``ReceivedFile.content``, byte for byte), so the dump carries them. The dump
is one consistent snapshot; files written while it runs may or may not be in ``media/``.
"""

import os
import subprocess
import tarfile
import tempfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.utils import timezone

DUMP_NAME = "database.dump"
MEDIA_NAME = "media"


def pg_environment() -> dict[str, str]:
    """The PostgreSQL client's environment for the default database (libpq's variables)."""
    database = connection.settings_dict
    values = {
        "PGHOST": database.get("HOST") or "",
        "PGPORT": str(database.get("PORT") or ""),
        "PGUSER": database.get("USER") or "",
        "PGPASSWORD": database.get("PASSWORD") or "",
        "PGDATABASE": database["NAME"],
    }
    return {**os.environ, **{key: value for key, value in values.items() if value}}


def pg_command(*arguments: str) -> None:
    """Run a PostgreSQL client program; its own message when it fails."""
    result = subprocess.run(  # noqa: S603 - the client programs, with arguments we built
        arguments, env=pg_environment(), capture_output=True, text=True, check=False
    )
    if result.returncode:
        raise CommandError(f"{arguments[0]} failed: {result.stderr.strip()}")


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--output", help="the archive to write (default: var/backups/gfss-<time>.tar)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if connection.vendor != "postgresql":
            raise CommandError("Backups are of the PostgreSQL database: set DATABASE_URL.")
        output = Path(
            options["output"]
            or Path(settings.BASE_DIR)
            / "var"
            / "backups"
            / f"gfss-{timezone.now():%Y%m%d-%H%M%S}.tar"
        )
        output.parent.mkdir(parents=True, exist_ok=True)
        media = Path(settings.MEDIA_ROOT)
        with tempfile.TemporaryDirectory(prefix="gfss-backup-") as folder:
            dump = Path(folder) / DUMP_NAME
            pg_command(
                "pg_dump",
                "--format=custom",
                "--no-owner",
                f"--file={dump}",
            )
            partial = output.with_suffix(output.suffix + ".partial")
            with tarfile.open(partial, "w") as archive:
                archive.add(dump, arcname=DUMP_NAME)
                if media.is_dir():
                    archive.add(media, arcname=MEDIA_NAME)
            # A crash half way leaves a .partial file, never an archive that looks whole.
            partial.replace(output)
        size = output.stat().st_size
        self.stdout.write(f"backup: {output} ({size / 1024 / 1024:.1f} MB)")
