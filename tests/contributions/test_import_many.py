from datetime import date

import pytest
from django.db import transaction

from contributions.models import ContributionLine, PaymentDocument, QuarantinedLine, ReceivedFile
from contributions.services import mt102_import_many
from participants.models import Payer, Person
from tests.contributions.documents import TODAY, document, line_for, load, sample
from tests.factories import PayerFactory, PersonFactory

pytestmark = pytest.mark.django_db


def _state() -> dict:
    return {
        "documents": sorted(
            PaymentDocument.objects.values_list(
                "reference", "payer_idn", "status", "lines_accepted", "amount_accepted"
            )
        ),
        "lines": sorted(
            ContributionLine.objects.values_list(
                "document__reference", "line_no", "person__iin", "payer__idn", "period", "amount"
            )
        ),
        "quarantine": sorted(
            QuarantinedLine.objects.values_list("document__reference", "line_no", "code", "amount")
        ),
        "receipts": sorted(ReceivedFile.objects.values_list("filename", "outcome", "error_code")),
        "persons": sorted(Person.objects.values_list("iin", "region_id")),
        "payers": sorted(Payer.objects.values_list("idn", "kind")),
    }


def test_files_loaded_together_end_as_each_would_alone():
    # given a payer, a person it pays for and a person the registry does not know yet
    payer = PayerFactory()
    known, newcomer = PersonFactory(), PersonFactory.build()
    before = document(payer_idn=payer.idn, lines=[line_for(known, "10.00", date(2024, 4, 1))])
    load(before, filename="before.mt102")
    lines = [line_for(known, "100.00", date(2024, 5, 1)), line_for(newcomer, "200.00")]
    fresh = document(payer_idn=payer.idn, lines=lines, default_period=date(2024, 5, 1))
    files = [
        ("fresh.mt102", fresh),
        ("valid.txt", sample("valid-3-lines.txt")),
        ("bad-lines.txt", sample("bad-lines.txt")),
        ("bad-total.txt", sample("bad-total.txt")),
        ("unreadable.txt", b"%PDF-1.4 not a payment order"),
        ("again.txt", sample("valid-3-lines.txt")),
        ("before-again.mt102", before),
    ]

    # when they are loaded one by one, then, instead, together
    with transaction.atomic():
        alone = [load(data, filename=name).as_json() for name, data in files]
        alone_state = _state()
        transaction.set_rollback(True)
    together = [
        report.as_json()
        for report in mt102_import_many(
            files=files, actor=None, source=ReceivedFile.Source.COMMAND, today=TODAY
        )
    ]

    # then each file has the same report and the ledger the same lines, quarantine and persons
    assert [r["status"] for r in together] == [
        "accepted",
        "accepted",
        "partially_accepted",
        "rejected",
        "rejected",
        "duplicate",
        "duplicate",
    ]
    assert together == alone
    assert _state() == alone_state
    assert Person.objects.get(iin=newcomer.iin).region_id == payer.region_id
