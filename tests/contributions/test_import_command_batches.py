import json
from datetime import date

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from contributions.models import ContributionLine, PaymentDocument, QuarantinedLine, ReceivedFile
from tests.contributions.documents import SAMPLES, document, line_for
from tests.factories import PayerFactory, PersonFactory

pytestmark = pytest.mark.django_db

# What differs between two loads of the same files: the rows' own ids.
_IDS = ("received_file_id", "document_uuid")


def _run(capsys, files, *options) -> tuple[list[dict], int | str | None]:
    code = None
    try:
        call_command("import_mt102", *map(str, files), "--json", *options)
    except SystemExit as exited:
        code = exited.code
    reports = [json.loads(row) for row in capsys.readouterr().out.splitlines()]
    return [{k: v for k, v in r.items() if k not in _IDS} for r in reports], code


def _ledger() -> dict:
    return {
        "documents": sorted(PaymentDocument.objects.values_list("reference", "status")),
        "lines": sorted(
            ContributionLine.objects.values_list("document__reference", "line_no", "amount")
        ),
        "quarantine": sorted(QuarantinedLine.objects.values_list("document__reference", "code")),
        "receipts": sorted(ReceivedFile.objects.values_list("filename", "outcome")),
    }


def test_files_loaded_in_batches_end_as_each_file_alone(capsys, tmp_path, monkeypatch):
    # given a mix of files, one of them larger than a batch takes and one not on the disk
    monkeypatch.setattr(
        "contributions.management.commands.import_mt102.MANY_MAX_FILE_BYTES", 20_000
    )
    files = [SAMPLES / name for name in ("valid-3-lines.txt", "bad-lines.txt", "bad-total.txt")]
    files.append(SAMPLES / "valid-200-lines-utf8.txt")  # above 20,000 bytes: on its own
    unreadable = tmp_path / "scan.mt102"
    unreadable.write_bytes(b"%PDF-1.4 not a payment order")
    again = tmp_path / "again.txt"
    again.write_bytes((SAMPLES / "valid-3-lines.txt").read_bytes())
    files += [unreadable, tmp_path / "missing.mt102", again]

    # when they are imported one by one, then, instead, in batches
    with transaction.atomic():
        alone, alone_code = _run(capsys, files, "--batch", "1")
        alone_ledger = _ledger()
        transaction.set_rollback(True)
    together, together_code = _run(capsys, files)

    # then every file has the same report, in the same order, and the ledger the same rows
    assert [r["status"] for r in together] == [
        "accepted",
        "partially_accepted",
        "rejected",
        "accepted",
        "rejected",
        "duplicate",
    ]
    assert together == alone
    assert _ledger() == alone_ledger
    # the missing file is said, and so is the exit status
    assert together_code == alone_code == 1


def _documents(tmp_path, count: int) -> list:
    paths = []
    for number in range(count):
        payer = PayerFactory.build()  # a payer the registry does not know yet
        people = [PersonFactory() for _ in range(2)]
        data = document(
            payer_idn=payer.idn,
            lines=[line_for(person, "1500.00", date(2024, 5, 1)) for person in people],
        )
        path = tmp_path / f"doc-{count}-{number}.mt102"
        path.write_bytes(data)
        paths.append(path)
    return paths


def _statements(files) -> int:
    with CaptureQueriesContext(connection) as queries:
        call_command("import_mt102", *map(str, files), "--json")
    return len(queries)


def test_a_batch_of_small_documents_costs_a_few_statements_not_a_dozen_each(capsys, tmp_path):
    few = _statements(_documents(tmp_path, 5))
    many = _statements(_documents(tmp_path, 50))
    assert PaymentDocument.objects.count() == 55
    assert ContributionLine.objects.count() == 110
    # ten times the documents, not ten times the statements (one by one: about 15 each)
    assert many < 2 * few
