"""A branch sees the refused and repeated files of its own region's payers on the received files
list, whatever channel brought them (the partner API, the import command, a staff upload): the
file's own payer decides, also when no document was made. A file naming no payer it can be told
from stays with the central office."""

import importlib
from collections.abc import Callable
from typing import Any

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test import Client

from contributions.models import PaymentDocument, ReceivedFile
from gfss.api.permissions import Scope
from gfss.org.models import Role
from tests.contributions.documents import SAMPLES, sample
from tests.factories import PayerFactory

pytestmark = pytest.mark.django_db

PAYER = "150540012348"  # the samples' payer


@pytest.fixture
def almaty_payer() -> Any:
    return PayerFactory(idn=PAYER, name="ТОО «Алатау Курылыс»")  # of Almaty city (75)


@pytest.fixture
def clients(make_staff: Callable[..., Any]) -> dict[str, Client]:
    made = {}
    for name, role, region in (
        ("almaty", Role.SPECIALIST, "75"),
        ("astana", Role.SPECIALIST, "71"),
        ("analyst", Role.ANALYST, "75"),
    ):
        made[name] = Client()
        made[name].force_login(make_staff(role, region=region))
    return made


def _table(client: Client, query: str = "") -> str:
    response = client.get(f"/ru/contributions/files/{query}")
    assert response.status_code == 200
    return response.content.decode().split('id="received-files"')[1].split("</table>")[0]


def _row(table: str, filename: str) -> str:
    return next(row for row in table.split("<tr>") if filename in row)


def test_a_wrong_total_sent_by_a_partner_is_listed_for_the_payers_branch_only(
    almaty_payer: Any, partner_api: Callable[..., Any], clients: dict[str, Client]
) -> None:
    sent = partner_api(Scope.PAYMENTS).generic(
        "POST",
        "/api/v1/payments/mt102/?filename=bank-june.mt102",
        sample("bad-total.txt"),
        content_type="application/octet-stream",
    )
    assert sent.status_code == 422
    assert not PaymentDocument.objects.exists()

    row = _row(_table(clients["almaty"], "?outcome=rejected"), "bank-june.mt102")
    assert "Отклонено" in row
    assert "Строки не сходятся с итогом" in row
    assert "Алатау Курылыс" in row
    assert PAYER in row
    assert "bank-june.mt102" not in _table(clients["astana"], "?outcome=rejected")
    assert "bank-june.mt102" in _table(clients["analyst"], "?outcome=rejected")


def test_a_file_that_cannot_be_read_stays_with_the_central_office(
    almaty_payer: Any, partner_api: Callable[..., Any], clients: dict[str, Client]
) -> None:
    partner_api(Scope.PAYMENTS).generic(
        "POST",
        "/api/v1/payments/mt102/?filename=scan.pdf",
        b"%PDF-1.4 not a payment order",
        content_type="application/octet-stream",
    )
    assert ReceivedFile.objects.get().outcome == ReceivedFile.Outcome.REJECTED

    row = _row(_table(clients["analyst"]), "scan.pdf")
    assert "Нечитаемый файл MT-102" in row
    assert "scan.pdf" not in _table(clients["almaty"])
    assert "scan.pdf" not in _table(clients["astana"])


def test_a_file_refused_to_the_import_command_is_listed_for_the_payers_branch(
    almaty_payer: Any, clients: dict[str, Client]
) -> None:
    call_command("import_mt102", str(SAMPLES / "bad-total.txt"))

    assert "bad-total.txt" in _table(clients["almaty"], "?outcome=rejected&source=command")
    assert "bad-total.txt" not in _table(clients["astana"])


def test_a_file_another_branch_could_not_load_is_listed_for_the_payers_branch_too(
    almaty_payer: Any, clients: dict[str, Client]
) -> None:
    # given: Astana's specialist uploads a document of an Almaty payer, which is refused
    refused = clients["astana"].post(
        "/ru/contributions/upload/",
        {"file": SimpleUploadedFile("almaty-payer.txt", sample("valid-3-lines.txt"))},
    )
    assert refused.status_code == 422
    # then: Almaty sees it, refused as of another region; Astana, who sent it, too
    row = _row(_table(clients["almaty"], "?outcome=rejected&source=staff"), "almaty-payer.txt")
    assert "Плательщик другого региона" in row
    assert "almaty-payer.txt" in _table(clients["astana"], "?outcome=rejected")


def test_a_duplicate_of_a_payer_is_listed_for_its_branch(
    almaty_payer: Any, partner_api: Callable[..., Any], clients: dict[str, Client]
) -> None:
    bank = partner_api(Scope.PAYMENTS)
    for name in ("first.mt102", "again.mt102"):
        bank.generic(
            "POST",
            f"/api/v1/payments/mt102/?filename={name}",
            sample("valid-3-lines.txt"),
            content_type="application/octet-stream",
        )
    assert ReceivedFile.objects.get(filename="again.mt102").payer_idn == PAYER
    assert "again.mt102" in _table(clients["almaty"], "?outcome=duplicate")
    assert "again.mt102" not in _table(clients["astana"], "?outcome=duplicate")


def test_the_migration_gives_the_earlier_receipts_their_documents_payer(
    almaty_payer: Any, partner_api: Callable[..., Any]
) -> None:
    bank = partner_api(Scope.PAYMENTS)
    for name in ("first.mt102", "again.mt102", "bad.mt102"):
        bank.generic(
            "POST",
            f"/api/v1/payments/mt102/?filename={name}",
            sample("bad-total.txt" if name == "bad.mt102" else "valid-3-lines.txt"),
            content_type="application/octet-stream",
        )
    ReceivedFile.objects.update(payer_idn="")  # as before the field was filled in

    backfill = importlib.import_module("contributions.migrations.0008_received_file_payer_idn")
    backfill.payer_idn_from_documents(apps, connection.schema_editor())

    by_name = dict(ReceivedFile.objects.values_list("filename", "payer_idn"))
    assert by_name == {"first.mt102": PAYER, "again.mt102": PAYER, "bad.mt102": ""}
