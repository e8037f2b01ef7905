"""``manage.py import_mt102 FILE [FILE ...] [--json] [--jobs N]``: the API's loading code."""

import json
import multiprocessing
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections
from django.utils import timezone

from contributions.models import ReceivedFile
from contributions.services import mt102_import


def import_file(name: str) -> tuple[str, dict[str, Any] | None, str | None]:
    """One file: its import report as JSON, or why it could not be read."""
    path = Path(name)
    try:
        file = path.open("rb")
    except OSError as error:
        return name, None, str(error.strerror or error)
    # The file is read a chunk at a time as it is stored and parsed, never whole.
    with file:
        report = mt102_import(
            data=file,
            filename=path.name,
            actor=None,
            source=ReceivedFile.Source.COMMAND,
            today=timezone.localdate(),
        )
    return name, report.as_json(), None


class Command(BaseCommand):
    help = (
        "Import MT-102 payment documents (docs/mt102.md). Each file is stored as received, "
        "validated and loaded in one transaction; the same document twice reports 'duplicate'. "
        "With --json, prints one JSON object per file per line (the import contract); otherwise "
        "a one-line summary per file. --jobs N loads N files at a time in separate processes "
        "(each document is still its own transaction; the output keeps the order of the files). "
        "Exit status: 0 when every file was read, whatever its outcome (accepted, "
        "partially_accepted, rejected or duplicate: rejection is a result, reported in the "
        "output); 1 when a file could not be read from disk."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+", metavar="FILE", help="MT-102 files to import")
        parser.add_argument(
            "--json", action="store_true", help="one JSON object per file, one per line"
        )
        parser.add_argument("--jobs", type=int, default=1, help="files loaded at once (default 1)")

    def _results(self, files: list[str], jobs: int) -> Iterator[tuple[str, Any, str | None]]:
        if jobs == 1 or len(files) == 1:
            yield from map(import_file, files)
            return
        # Forked workers must not share the parent's database connection.
        connections.close_all()
        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            yield from pool.imap(import_file, files, chunksize=1)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["jobs"] < 1:
            raise CommandError("--jobs must be at least 1.")
        unreadable = 0
        for name, report, error in self._results(options["files"], options["jobs"]):
            if report is None:
                unreadable += 1
                self.stderr.write(f"{name}: cannot read: {error}")
                continue
            if options["json"]:
                self.stdout.write(json.dumps(report, ensure_ascii=False))
                continue
            self.stdout.write(
                f"{report['file']}: {report['status']} · {report['reference'] or '-'} · payer "
                f"{report['payer'] or '-'} · lines {report['lines_accepted']}/"
                f"{report['lines_total']} · {report['amount_accepted']} of "
                f"{report['amount_total']} KZT"
            )
            for issue in report["errors"]:
                where = f"line {issue['line']}" if issue["line"] is not None else "document"
                self.stdout.write(f"  {where}: {issue['code']}: {issue['message']}")
        if unreadable:
            raise SystemExit(1)
