"""The import command, the partner API and the staff pages over the same service."""

import json
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client

from contributions.models import ContributionLine, PaymentDocument, ReceivedFile
from contributions.periods import staff_month_example
from gfss.api.permissions import Scope
from gfss.org.models import Role
from tests.contributions.documents import SAMPLES, document, line_for, load, sample
from tests.factories import PayerFactory, PersonFactory

pytestmark = pytest.mark.django_db


def test_command_prints_one_json_object_per_file(capsys):
    # given two sample files
    files = [str(SAMPLES / "valid-3-lines.txt"), str(SAMPLES / "bad-total.txt")]
    # when they are imported with --json
    call_command("import_mt102", *files, "--json")
    # then each file has its line, in the contract's shape
    lines = capsys.readouterr().out.strip().splitlines()
    results = [json.loads(line) for line in lines]
    assert [(r["file"], r["status"]) for r in results] == [
        ("valid-3-lines.txt", "accepted"),
        ("bad-total.txt", "rejected"),
    ]
    assert results[1]["errors"][0]["line"] is None


def test_command_exits_1_when_a_file_cannot_be_read_but_imports_the_others(capsys):
    with pytest.raises(SystemExit) as exited:
        call_command("import_mt102", str(SAMPLES / "valid-3-lines.txt"), "/no/such/file")
    assert exited.value.code == 1
    assert "valid-3-lines.txt: accepted" in capsys.readouterr().out
    assert ContributionLine.objects.count() == 3


def test_api_answers_201_200_and_422_with_the_import_report(partner_api):
    client = partner_api(Scope.PAYMENTS)
    upload = SimpleUploadedFile("valid-3-lines.txt", sample("valid-3-lines.txt"))
    # when a bank posts a file (multipart), then the same bytes raw, then a bad document
    created = client.post("/api/v1/payments/mt102/", {"file": upload}, format="multipart")
    again = client.generic(
        "POST",
        "/api/v1/payments/mt102/?filename=again.txt",
        sample("valid-3-lines.txt"),
        content_type="application/octet-stream",
    )
    rejected = client.generic(
        "POST",
        "/api/v1/payments/mt102/",
        sample("bad-total.txt"),
        content_type="text/plain",
    )
    # then the status codes follow the outcome and the body is the command's JSON
    assert (created.status_code, created.json()["status"]) == (201, "accepted")
    assert created.json()["file"] == "valid-3-lines.txt"
    assert (again.status_code, again.json()["status"]) == (200, "duplicate")
    assert again.json()["file"] == "again.txt"
    assert (rejected.status_code, rejected.json()["errors"][0]["code"]) == (422, "total_mismatch")
    sources = set(ReceivedFile.objects.values_list("source", flat=True))
    assert sources == {ReceivedFile.Source.API}


def test_api_refuses_a_token_without_the_payments_scope(partner_api):
    client = partner_api(Scope.STATEMENTS)
    response = client.generic(
        "POST", "/api/v1/payments/mt102/", b"x", content_type="application/octet-stream"
    )
    assert response.status_code == 403
    assert ReceivedFile.objects.count() == 0


def test_document_list_and_detail_with_errors(partner_api, django_assert_max_num_queries):
    client = partner_api(Scope.PAYMENTS)
    client.generic(
        "POST", "/api/v1/payments/mt102/", sample("bad-lines.txt"), content_type="text/plain"
    )
    client.generic(
        "POST", "/api/v1/payments/mt102/", sample("valid-3-lines.txt"), content_type="text/plain"
    )
    # when the partner lists its documents
    with django_assert_max_num_queries(5):
        listing = client.get("/api/v1/payments/documents/")
    # then both are there; the detail carries the quarantined lines and a summary by period
    assert listing.status_code == 200
    assert listing.json()["count"] == 2
    uuid = PaymentDocument.objects.get(reference="PP240601000003").uuid
    detail = client.get(f"/api/v1/payments/documents/{uuid}/").json()
    assert [(e["line"], e["code"]) for e in detail["errors"]] == [
        (1, "iin_invalid"),
        (5, "period_invalid"),
        (10, "amount_invalid"),
        (17, "iin_invalid"),
    ]
    assert detail["lines_by_period"] == [{"period": "2024-05", "lines": 16, "amount": "206717.86"}]


def test_a_partner_sees_only_the_documents_it_sent(partner_api):
    bank_a, bank_b = partner_api(Scope.PAYMENTS), partner_api(Scope.PAYMENTS, Scope.STATEMENTS)
    bank_a.generic(
        "POST", "/api/v1/payments/mt102/", sample("valid-3-lines.txt"), content_type="text/plain"
    )
    assert bank_a.get("/api/v1/payments/documents/").json()["count"] == 1
    assert bank_b.get("/api/v1/payments/documents/").json()["count"] == 0


def test_staff_list_endpoints_are_branch_filtered_with_bounded_queries(
    make_staff, django_assert_max_num_queries
):
    from rest_framework.test import APIClient

    # given documents of a payer in region 75 (Almaty) and one in 71 (Astana)
    from gfss.org.models import Region

    home, other = PayerFactory(), PayerFactory(region=Region.objects.get(code="71"))
    for payer in (home, other):
        for _ in range(3):
            person = PersonFactory()
            load(
                document(payer_idn=payer.idn, lines=[line_for(person, "100.00", date(2024, 5, 1))])
            )
    client = APIClient()
    client.force_authenticate(make_staff(Role.SPECIALIST, region="75"))
    # when the Almaty specialist lists documents and the quarantine
    with django_assert_max_num_queries(6):
        documents = client.get("/api/v1/payments/documents/").json()
    with django_assert_max_num_queries(6):
        quarantine = client.get("/api/v1/payments/quarantine/")
    # then only Almaty's documents are listed
    assert documents["count"] == 3
    assert {d["payer_idn"] for d in documents["results"]} == {home.idn}
    assert quarantine.status_code == 200


def test_staff_pages_list_documents_show_one_and_filter_the_quarantine(client: Client, make_staff):
    client.force_login(make_staff(Role.ANALYST))
    load(sample("bad-lines.txt"))
    document_uuid = PaymentDocument.objects.get().uuid
    listing = client.get("/en/contributions/documents/?status=partially_accepted")
    detail = client.get(f"/en/contributions/documents/{document_uuid}/")
    quarantine = client.get("/en/contributions/quarantine/?code=iin_invalid&period=2024-05")
    bad_period = client.get("/en/contributions/quarantine/?period=2024-13")
    assert listing.status_code == 200
    assert "PP240601000003" in listing.content.decode()
    assert "<td>Invalid IIN</td>" in detail.content.decode()
    assert "iin_invalid" not in detail.content.decode()
    page = quarantine.content.decode()
    # the rejection by its name, filtered: two bad IINs, the bad period left out
    assert page.count("<td>Invalid IIN</td>") == 2
    assert "<td>Invalid period</td>" not in page
    # the month as the pages write it, with an example of how to write it
    assert "2024-13 is not a month from 01.2005" in bad_period.content.decode()
    assert staff_month_example() in bad_period.content.decode()


def test_staff_pages_need_a_fund_login(client: Client, django_user_model):
    assert client.get("/en/contributions/documents/").status_code == 302
    client.force_login(django_user_model.objects.create_user("outsider", password="x"))
    assert client.get("/en/contributions/documents/").status_code == 403


def test_openapi_schema_documents_the_upload(client: Client, make_staff):
    client.force_login(make_staff(Role.ANALYST))
    schema = client.get("/api/schema/?format=json").json()
    upload = schema["paths"]["/api/v1/payments/mt102/"]["post"]
    assert {"201", "200", "422"} <= set(upload["responses"])
    assert "application/octet-stream" in upload["requestBody"]["content"]
