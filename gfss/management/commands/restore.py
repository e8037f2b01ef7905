"""``manage.py restore FILE``: a ``backup`` archive back into the database and storage
(``make restore FILE=…``).

Restores into an empty database (``createdb``): a database that already has tables, or a
storage folder that already has files, is refused, as restoring over them would mix two sets of
books. ``--force`` replaces them: the database's ``public`` schema is dropped first, and the
archive's files overwrite those of the same name. Run ``manage.py ledger_check`` afterwards.
"""

import tarfile
import tempfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from gfss.management.commands.backup import DUMP_NAME, MEDIA_NAME, pg_command


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="an archive made by manage.py backup")
        parser.add_argument(
            "--force", action="store_true", help="replace a database or storage not empty"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if connection.vendor != "postgresql":
            raise CommandError("Backups are of the PostgreSQL database: set DATABASE_URL.")
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No backup file {path}.")
        if not tarfile.is_tarfile(path):
            raise CommandError(f"{path} is not a backup archive (a tar file from backup).")
        with tarfile.open(path) as archive, tempfile.TemporaryDirectory() as folder:
            names = archive.getnames()
            if DUMP_NAME not in names:
                raise CommandError(f"{path} holds no {DUMP_NAME}: it is not a backup archive.")
            self._refuse_unless_empty(force=options["force"])
            archive.extract(DUMP_NAME, folder, filter="data")
            if options["force"]:
                with connection.cursor() as cursor:
                    cursor.execute("DROP SCHEMA public CASCADE")
                    cursor.execute("CREATE SCHEMA public")
            connection.close()
            pg_command(
                "pg_restore",
                "--no-owner",
                "--exit-on-error",
                "--single-transaction",
                f"--dbname={connection.settings_dict['NAME']}",
                str(Path(folder) / DUMP_NAME),
            )
            media = [m for m in archive.getmembers() if m.name.startswith(MEDIA_NAME + "/")]
            target = Path(settings.MEDIA_ROOT)
            for member in media:
                member.name = member.name[len(MEDIA_NAME) + 1 :]
            target.mkdir(parents=True, exist_ok=True)
            archive.extractall(target, members=media, filter="data")
        self.stdout.write(
            f"restore: {path} into database {connection.settings_dict['NAME']} and "
            f"{len([m for m in media if m.isfile()])} files into {target}. "
            "Run manage.py ledger_check."
        )

    @staticmethod
    def _refuse_unless_empty(*, force: bool) -> None:
        tables = connection.introspection.table_names()
        media = Path(settings.MEDIA_ROOT)
        files = [p for p in media.rglob("*") if p.is_file()] if media.is_dir() else []
        if force or not (tables or files):
            return
        where = []
        if tables:
            where.append(f"database {connection.settings_dict['NAME']} has {len(tables)} tables")
        if files:
            where.append(f"{media} has {len(files)} files")
        raise CommandError(
            f"Refused: {' and '.join(where)}; restoring over them would mix two sets of books. "
            "Restore into a new database (createdb) and an empty folder, or pass --force "
            "(FORCE=1 with make) to replace them."
        )
