"""The State Corporation reads the payout files and registers of closed months (scope payouts)."""

import hashlib
from datetime import date

import pytest
from rest_framework.test import APIClient

from gfss.org.models import Role
from payouts.models import PayoutFile
from payouts.services.closing import payment_run_close
from payouts.services.payments import payment_run_start
from tests.payouts.conftest import run_to_end

pytestmark = pytest.mark.django_db

MAY = date(2024, 5, 1)


def _closed_month(make_award) -> PayoutFile:
    make_award("disability", start=MAY, gross="100000.00")
    make_award("disability", start=MAY, gross="50000.00")
    run_to_end(payment_run_start(period=MAY, actor=None))
    run_to_end(payment_run_close(period=MAY, actor=None))
    return PayoutFile.objects.get(benefit="disability")


def test_the_state_corporation_lists_and_downloads_a_months_files(make_award, partner_api):
    # given
    payout = _closed_month(make_award)
    client = partner_api("payouts")
    # when
    listing = client.get("/api/v1/payouts/files/?period=2024-05")
    # then
    assert listing.status_code == 200
    [row] = listing.json()["results"]
    assert (row["uuid"], row["knp"], row["lines"], row["total"]) == (
        str(payout.uuid),
        "027",
        2,
        "135000.00",
    )
    document = client.get(row["document_url"])
    data = b"".join(document.streaming_content)
    assert hashlib.sha256(data).hexdigest() == row["sha256"]
    assert document["Content-Disposition"] == f'attachment; filename="{payout.reference}.txt"'
    register = client.get(row["register_url"])
    lines = b"".join(register.streaming_content).decode("utf-8-sig").strip().splitlines()
    assert len(lines) == 1 + 2 + 1  # the header, two lines, the total
    assert lines[-1].endswith(",135000.00")
    assert client.get(f"/api/v1/payouts/files/{payout.uuid}/").json()["reference"] == (
        payout.reference
    )


def test_without_the_payouts_scope_nothing_is_shown(make_award, partner_api, staff_api):
    payout = _closed_month(make_award)
    for client in (partner_api("payments", "statements"), staff_api):
        for url in (
            "/api/v1/payouts/files/",
            f"/api/v1/payouts/files/{payout.uuid}/",
            f"/api/v1/payouts/files/{payout.uuid}/document",
            f"/api/v1/payouts/files/{payout.uuid}/register",
        ):
            response = client.get(url)
            assert response.status_code == 403, url
            assert response.json()["code"] in {"permission_denied", "not_authenticated"}


def test_staff_with_the_payout_file_permission_read_them(make_award, make_staff):
    payout = _closed_month(make_award)
    client = APIClient()
    client.force_authenticate(make_staff(Role.ADMINISTRATOR))
    response = client.get(f"/api/v1/payouts/files/{payout.uuid}/document")
    assert response.status_code == 200


def test_a_file_still_being_built_is_not_offered(make_award, partner_api):
    # given: the month is closed, its file job not run yet
    make_award("disability", start=MAY)
    run_to_end(payment_run_start(period=MAY, actor=None))
    payment_run_close(period=MAY, actor=None)
    payout = PayoutFile.objects.get()
    client = partner_api("payouts")
    # when / then
    assert client.get("/api/v1/payouts/files/").json()["results"] == []
    assert client.get(f"/api/v1/payouts/files/{payout.uuid}/document").status_code == 404


def test_a_malformed_month_is_a_clear_400(partner_api):
    response = partner_api("payouts").get("/api/v1/payouts/files/?period=May")
    assert response.status_code == 400
    # in Russian, the partners' default
    assert response.json()["extra"]["fields"]["period"] == ["Месяц записывается как ГГГГ-ММ."]


def test_the_api_description_has_the_payout_endpoints(admin_client):
    schema = admin_client.get("/api/schema/").content.decode()
    for path in (
        "/api/v1/payouts/files/",
        "/api/v1/payouts/files/{uuid}/document",
        "/api/v1/payouts/files/{uuid}/register",
    ):
        assert path in schema
