"""``manage.py import_mt102 FILE [FILE ...] [--json]``: the same loading code as the API."""

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from contributions.models import ReceivedFile
from contributions.services import mt102_import


class Command(BaseCommand):
    help = (
        "Import MT-102 payment documents (docs/mt102.md). Each file is stored as received, "
        "validated and loaded in one transaction; the same document twice reports 'duplicate'. "
        "With --json, prints one JSON object per file per line (the import contract); otherwise "
        "a one-line summary per file. Exit status: 0 when every file was read, whatever its "
        "outcome (accepted, partially_accepted, rejected or duplicate: rejection is a result, "
        "reported in the output); 1 when a file could not be read from disk."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+", metavar="FILE", help="MT-102 files to import")
        parser.add_argument(
            "--json", action="store_true", help="one JSON object per file, one per line"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        unreadable = 0
        for name in options["files"]:
            path = Path(name)
            try:
                data = path.read_bytes()
            except OSError as error:
                unreadable += 1
                self.stderr.write(f"{name}: cannot read: {error.strerror or error}")
                continue
            report = mt102_import(
                data=data,
                filename=path.name,
                actor=None,
                source=ReceivedFile.Source.COMMAND,
                today=timezone.localdate(),
            )
            if options["json"]:
                self.stdout.write(json.dumps(report.as_json(), ensure_ascii=False))
                continue
            self.stdout.write(
                f"{path.name}: {report.status} · {report.reference or '-'} · payer "
                f"{report.payer or '-'} · lines {report.lines_accepted}/{report.lines_total} · "
                f"{report.amount_accepted} of {report.amount_total} KZT"
            )
            for error in report.errors:
                where = f"line {error.line}" if error.line is not None else "document"
                self.stdout.write(f"  {where}: {error.code}: {error.message}")
        if unreadable:
            raise SystemExit(1)
