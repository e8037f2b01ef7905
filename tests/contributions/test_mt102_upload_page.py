"""A specialist uploads an MT-102 file on the staff pages: the import report as a table, in the
user's language; a refused file says why on the form and appears on the received files list."""

from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from contributions.models import ContributionLine, PaymentDocument, QuarantinedLine, ReceivedFile
from gfss.org.models import Role
from participants.models import Person
from tests.contributions.documents import sample
from tests.factories import PayerFactory

pytestmark = pytest.mark.django_db

PAYER = "150540012348"  # the samples' payer


@pytest.fixture
def payer() -> Any:
    return PayerFactory(idn=PAYER)  # of Almaty city (75), the specialist's region


@pytest.fixture
def staff_client(make_staff: Callable[..., Any]) -> Callable[..., Client]:
    def make(role: str = Role.SPECIALIST, region: str = "75") -> Client:
        client = Client()
        client.force_login(make_staff(role, region=region))
        return client

    return make


def _upload(client: Client, data: bytes, name: str, language: str = "ru") -> Any:
    return client.post(
        f"/{language}/contributions/upload/", {"file": SimpleUploadedFile(name, data)}
    )


def _text(response: Any) -> str:
    return response.content.decode()


def test_a_good_file_shows_its_report_and_its_lines_are_on_the_ledger(
    payer: Any, staff_client: Callable[..., Client]
) -> None:
    response = _upload(staff_client(), sample("valid-3-lines.txt"), "good.txt")
    assert response.status_code == 200
    page = _text(response)
    document = PaymentDocument.objects.get()
    assert ContributionLine.objects.filter(document=document).count() == 3
    assert 'id="import-report"' in page
    assert "Принято" in page
    assert document.reference in page
    # the totals as money, the Russian way: digits grouped, a comma, the tenge sign
    total = f"{document.total:,.2f}".replace(",", "\u00a0").replace(".", ",")
    assert f"{total}\u00a0₸" in page
    assert ReceivedFile.objects.get().source == ReceivedFile.Source.STAFF


@pytest.mark.parametrize(
    ("language", "rejected_as", "reason"),
    [
        ("ru", "Неверный ИИН", "ИИН 710814430429 не проходит проверку контрольной цифры"),
        ("kk", "ЖСН қате", "ЖСН 710814430429: бақылау цифры сәйкес келмейді"),
    ],
)
def test_a_bad_line_is_shown_quarantined_with_its_reason_in_the_language(
    payer: Any, staff_client: Callable[..., Client], language: str, rejected_as: str, reason: str
) -> None:
    response = _upload(staff_client(), sample("bad-lines.txt"), "bad-lines.txt", language)
    assert response.status_code == 200
    page = _text(response)
    quarantined = page.split('id="report-quarantined"')[1]
    assert rejected_as in quarantined
    assert reason in quarantined
    assert QuarantinedLine.objects.filter(code="iin_invalid", line_no=1).exists()


def _nothing_but_receipts_written(receipts: int) -> None:
    assert ReceivedFile.objects.count() == receipts
    assert PaymentDocument.objects.count() <= 1
    assert QuarantinedLine.objects.filter(document__file__outcome="rejected").count() == 0


def test_a_duplicate_is_refused_with_its_reason_and_listed(
    payer: Any, staff_client: Callable[..., Client]
) -> None:
    client = staff_client()
    _upload(client, sample("valid-3-lines.txt"), "first.txt")
    lines, persons = ContributionLine.objects.count(), Person.objects.count()
    response = _upload(client, sample("valid-3-lines.txt"), "again.txt", "kk")
    assert response.status_code == 200
    error = _text(response).split('id="upload-error"')[1].split("</p>")[0]
    assert "Ештеңе жүктелмеді" in error
    assert "бұрын жүктелген" in error
    assert (ContributionLine.objects.count(), Person.objects.count()) == (lines, persons)
    _nothing_but_receipts_written(2)
    listed = _text(client.get("/kk/contributions/files/?outcome=duplicate"))
    table = listed.split('id="received-files"')[1]
    assert "again.txt" in table
    assert "first.txt" not in table
    assert "Қайталанған" in table
    assert "бұрын жүктелген" in table


def test_a_wrong_total_is_refused_with_its_reason_and_listed(
    payer: Any, staff_client: Callable[..., Client]
) -> None:
    client = staff_client()
    response = _upload(client, sample("bad-total.txt"), "bad-total.txt", "ru")
    assert response.status_code == 422
    error = _text(response).split('id="upload-error"')[1].split("</p>")[0]
    assert "Ничего не загружено" in error
    assert "Строки в сумме дают" in error
    assert "₸" in error  # the sums written as money
    assert not PaymentDocument.objects.exists()
    assert not ContributionLine.objects.exists()
    _nothing_but_receipts_written(1)
    listed = _text(client.get("/ru/contributions/files/?outcome=rejected&source=staff"))
    table = listed.split('id="received-files"')[1]
    assert "bad-total.txt" in table
    assert "Строки не сходятся с итогом" in table


@pytest.mark.parametrize(
    ("data", "name", "said"),
    [
        (None, None, "Выберите файл MT-102"),
        (b"", "empty.txt", "пуст"),
    ],
)
def test_no_file_or_an_empty_one_is_answered_on_the_form_and_nothing_is_kept(
    staff_client: Callable[..., Client], data: bytes | None, name: str | None, said: str
) -> None:
    client = staff_client()
    if data is None:
        response = client.post("/ru/contributions/upload/", {})
    else:
        response = _upload(client, data, name or "")
    assert response.status_code == 400
    assert said in _text(response).split('id="upload-error"')[1]
    assert not ReceivedFile.objects.exists()


def test_a_file_that_is_not_mt102_is_refused_and_kept_for_audit(
    staff_client: Callable[..., Client],
) -> None:
    client = staff_client()
    response = _upload(client, b"%PDF-1.4 not a payment order", "scan.pdf", "kk")
    assert response.status_code == 422
    assert "MT-102" in _text(response).split('id="upload-error"')[1]
    assert ReceivedFile.objects.get().outcome == ReceivedFile.Outcome.REJECTED
    listed = _text(client.get("/kk/contributions/files/"))
    assert "scan.pdf" in listed
    assert "Оқылатын MT-102 файлы емес" in listed


def test_a_file_above_the_size_limit_is_refused_on_the_form(
    payer: Any, staff_client: Callable[..., Client], settings: Any
) -> None:
    settings.CONTRIBUTIONS_MAX_FILE_BYTES = 500
    client = staff_client()
    response = _upload(client, sample("valid-3-lines.txt"), "big.txt")
    assert response.status_code == 422
    error = _text(response).split('id="upload-error"')[1].split("</p>")[0]
    assert "500" in error
    assert "байт" in error
    assert not PaymentDocument.objects.exists()
    assert ReceivedFile.objects.get().outcome == ReceivedFile.Outcome.REJECTED
    assert "Файл слишком большой" in _text(client.get("/ru/contributions/files/"))


def test_a_payer_of_another_region_is_refused(
    payer: Any, staff_client: Callable[..., Client]
) -> None:
    response = _upload(staff_client(region="71"), sample("valid-3-lines.txt"), "other.txt")
    assert response.status_code == 422
    assert PAYER in _text(response).split('id="upload-error"')[1]
    assert not PaymentDocument.objects.exists()


def test_the_analyst_cannot_upload_and_has_no_link(
    payer: Any, staff_client: Callable[..., Client]
) -> None:
    analyst = staff_client(Role.ANALYST)
    assert analyst.get("/ru/contributions/upload/").status_code == 403
    response = _upload(analyst, sample("valid-3-lines.txt"), "good.txt")
    assert response.status_code == 403
    assert not ReceivedFile.objects.exists()
    listed = analyst.get("/ru/contributions/files/")
    assert listed.status_code == 200
    assert "/contributions/upload/" not in _text(listed)
    assert "/contributions/upload/" in _text(staff_client().get("/ru/contributions/files/"))


def test_the_document_list_leads_to_the_rejected_files(staff_client: Callable[..., Client]) -> None:
    response = staff_client().get("/ru/contributions/documents/?status=rejected")
    assert response.status_code == 302
    assert response["Location"] == "/ru/contributions/files/?outcome=rejected"


def test_the_form_states_its_size_limit_in_megabytes(staff_client: Callable[..., Client]) -> None:
    from contributions.services.imports import max_file_bytes

    megabytes = f"{max_file_bytes() / 1024 / 1024:.1f}".replace(".", ",")
    page = _text(staff_client().get("/ru/contributions/upload/"))
    assert f"не более {megabytes}\xa0МБ" in page or f"не более {megabytes} МБ" in page
