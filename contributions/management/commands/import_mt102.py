"""``manage.py import_mt102 FILE [FILE ...] [--json] [--jobs N] [--batch N]``: the API's
loading code."""

import json
import multiprocessing
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections
from django.utils import timezone

from contributions.models import ReceivedFile
from contributions.services import MANY_MAX_FILE_BYTES, mt102_import, mt102_import_many

# A batch of small files is read whole before it is loaded: at most this much of them at once.
BATCH_MAX_BYTES = 32 * 1024 * 1024

Result = tuple[str, dict[str, Any] | None, str | None]


def import_file(name: str) -> Result:
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


def import_batch(names: list[str]) -> list[Result]:
    """Small files loaded together (``mt102_import_many``: each ends as it would alone), in
    their order; a file that cannot be read is reported as such and the others still load."""
    if len(names) == 1:
        return [import_file(names[0])]
    results: dict[str, Result] = {}
    readable: list[tuple[str, str, bytes]] = []
    for name in names:
        try:
            readable.append((name, Path(name).name, Path(name).read_bytes()))
        except OSError as error:
            results[name] = (name, None, str(error.strerror or error))
    reports = mt102_import_many(
        files=[(filename, data) for _name, filename, data in readable],
        actor=None,
        source=ReceivedFile.Source.COMMAND,
        today=timezone.localdate(),
    )
    for (name, _filename, _data), report in zip(readable, reports, strict=True):
        results[name] = (name, report.as_json(), None)
    return [results[name] for name in names]


def batches(names: list[str], *, size: int) -> Iterator[list[str]]:
    """The files in their order, consecutive small ones (at most ``MANY_MAX_FILE_BYTES``) in
    groups of at most ``size`` files and ``BATCH_MAX_BYTES``; any other file on its own."""
    batch: list[str] = []
    held = 0
    for name in names:
        try:
            file_bytes = Path(name).stat().st_size
        except OSError:
            file_bytes = None  # reported when it is read
        if size == 1 or file_bytes is None or file_bytes > MANY_MAX_FILE_BYTES:
            if batch:
                yield batch
                batch, held = [], 0
            yield [name]
            continue
        if batch and (len(batch) == size or held + file_bytes > BATCH_MAX_BYTES):
            yield batch
            batch, held = [], 0
        batch.append(name)
        held += file_bytes
    if batch:
        yield batch


class Command(BaseCommand):
    help = (
        "Import MT-102 payment documents (docs/mt102.md). Each file is stored as received, "
        "validated and loaded; the same document twice reports 'duplicate'. Small files (at "
        "most 1 MB) are loaded --batch at a time (default 500) in one transaction, each with "
        "the outcome it would have alone; a larger file is streamed and loaded on its own. "
        "With --json, prints one JSON object per file per line (the import contract); "
        "otherwise a one-line summary per file. --jobs N loads N batches at a time in separate "
        "processes (the output keeps the order of the files). Exit status: 0 when every file "
        "was read, whatever its outcome (accepted, partially_accepted, rejected or duplicate: "
        "rejection is a result, reported in the output); 1 when a file could not be read from "
        "disk."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+", metavar="FILE", help="MT-102 files to import")
        parser.add_argument(
            "--json", action="store_true", help="one JSON object per file, one per line"
        )
        parser.add_argument(
            "--jobs", type=int, default=1, help="batches loaded at once (default 1)"
        )
        parser.add_argument(
            "--batch",
            type=int,
            default=500,
            help="small files loaded together (default 500; 1: each file on its own)",
        )

    def _results(self, files: list[str], *, jobs: int, batch: int) -> Iterator[Result]:
        if jobs > 1:
            # Every process gets a batch, also when all the files would fit in one.
            batch = max(1, min(batch, -(-len(files) // jobs)))
        groups = batches(files, size=batch)
        if jobs == 1 or len(files) == 1:
            for group in groups:
                yield from import_batch(group)
            return
        # Forked workers must not share the parent's database connection.
        connections.close_all()
        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            for results in pool.imap(import_batch, groups, chunksize=1):
                yield from results

    def handle(self, *args: Any, **options: Any) -> None:
        if options["jobs"] < 1:
            raise CommandError("--jobs must be at least 1.")
        if options["batch"] < 1:
            raise CommandError("--batch must be at least 1.")
        unreadable = 0
        results = self._results(options["files"], jobs=options["jobs"], batch=options["batch"])
        for name, report, error in results:
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
