"""The State Corporation's API and the bad input of issue 11, each with its code and a message
in the caller's language; nothing is written by a refused request."""

from datetime import date

import pytest
from rest_framework.test import APIClient

from contributions.models import ContributionLine
from gfss.api.permissions import Scope
from gfss.common.models import RejectedInput
from refunds.models import RefundApplication
from refunds.services import refund_confirm, refund_decide, refund_payout_orders_build
from tests.factories import PayerFactory, PersonFactory
from tests.refunds.conftest import award_for


def _body(paid, lines, *, number="GK-2022-000001", reason="not_contributions", **extra):
    return {
        "request_number": number,
        "payer": paid.payer.idn,
        "document": {
            "reference": paid.document.reference,
            "value_date": paid.document.value_date.isoformat(),
        },
        "reason": reason,
        "applicant": {
            "name": 'ТОО "ПРИМЕР"',
            "idn": paid.payer.idn,
            "bank_bic": "CASPKZKA",
            "bank_account": "KZ18722S000012345678",
        },
        "documents": ["letter 45"],
        "lines": [
            {"iin": iin, "period": period, "amount": amount} for iin, period, amount in lines
        ],
        **extra,
    }


@pytest.fixture
def corp(partner_api) -> APIClient:
    return partner_api(Scope.REFUNDS)


def _staff(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_create_checks_on_arrival_and_is_idempotent_on_the_request_number(pay, corp):
    paid = pay("10000.00")
    body = _body(paid, [(paid.persons[0].iin, "2024-05", "4000.00")])
    first = corp.post("/api/v1/refunds/", body, format="json")
    assert first.status_code == 201, first.json()
    assert first.json()["status"] == "checked"
    assert first.json()["lines"][0]["check_code"] == "ok"
    again = corp.post("/api/v1/refunds/", body, format="json")
    assert again.status_code == 200
    assert again.json()["uuid"] == first.json()["uuid"]
    assert RefundApplication.objects.count() == 1


def test_status_and_own_list(pay, corp, partner_api):
    paid = pay("10000.00")
    uuid = corp.post(
        "/api/v1/refunds/", _body(paid, [(paid.persons[0].iin, "2024-05", "1.00")]), format="json"
    ).json()["uuid"]
    status = corp.get(f"/api/v1/refunds/{uuid}/status")
    assert status.status_code == 200
    assert [e["kind"] for e in status.json()["events"]] == ["received", "checked"]
    assert [a["uuid"] for a in corp.get("/api/v1/refunds/list").json()["results"]] == [uuid]
    other = partner_api(Scope.REFUNDS, Scope.STATEMENTS)
    assert other.get("/api/v1/refunds/list").json()["results"] == []
    assert other.get(f"/api/v1/refunds/{uuid}/status").status_code == 404


def test_a_token_without_the_refunds_scope_is_refused(pay, partner_api):
    paid = pay("10000.00")
    client = partner_api(Scope.APPLICATIONS)
    body = _body(paid, [(paid.persons[0].iin, "2024-05", "1.00")])
    assert client.post("/api/v1/refunds/", body, format="json").status_code == 403


@pytest.mark.parametrize(
    ("case", "code"),
    [
        ("21 people", "too_many_people"),
        ("future period", "period_in_future"),
        ("another payer", "document_other_payer"),
        ("unknown document", "document_unknown"),
    ],
)
def test_bad_input_is_refused_with_a_code_in_the_callers_language(pay, corp, case, code):
    # given
    paid = pay("10000.00")
    iin = paid.persons[0].iin
    body = _body(paid, [(iin, "2024-05", "1.00")])
    if case == "21 people":
        body["lines"] = [
            {"iin": PersonFactory().iin, "period": "2024-05", "amount": "1.00"} for _ in range(21)
        ]
    elif case == "future period":
        next_year = date.today().year + 1  # noqa: DTZ011  # any date far enough ahead
        body["lines"] = [{"iin": iin, "period": f"{next_year}-01", "amount": "1.00"}]
    elif case == "another payer":
        body["payer"] = PayerFactory().idn
    else:
        body["document"]["reference"] = "NOSUCHREF"
    lines_before = ContributionLine.objects.count()
    # when
    answer = corp.post("/api/v1/refunds/", body, format="json", HTTP_ACCEPT_LANGUAGE="ru")
    # then
    assert answer.status_code == 400, answer.json()
    assert answer.json()["code"] == code
    assert any("а" <= ch <= "я" for ch in answer.json()["message"].lower())
    assert not RefundApplication.objects.exists()
    assert ContributionLine.objects.count() == lines_before
    assert RejectedInput.objects.filter(code=code).exists()


@pytest.mark.parametrize(
    ("case", "code"),
    [
        ("more than paid", "amount_over_paid"),
        ("already claimed", "in_open_application"),
        ("already refunded", "already_refunded"),
        ("counted in an award", "counted_in_award"),
    ],
)
def test_a_line_that_fails_the_check_cannot_be_approved(pay, corp, officers, case, code):
    maker, checker = officers
    paid = pay("10000.00")
    person = paid.persons[0]
    amount = "10000.01" if case == "more than paid" else "100.00"
    if case == "already claimed":
        corp.post(
            "/api/v1/refunds/",
            _body(paid, [(person.iin, "2024-05", "100.00")], number="GK-FIRST"),
            format="json",
        )
    if case == "already refunded":
        first = corp.post(
            "/api/v1/refunds/",
            _body(paid, [(person.iin, "2024-05", "100.00")], number="GK-FIRST"),
            format="json",
        ).json()
        first_id = RefundApplication.objects.get(uuid=first["uuid"]).pk
        refund_decide(actor=maker, application_id=first_id, decision="approve")
        refund_confirm(actor=checker, application_id=first_id)
        refund_payout_orders_build(actor=maker)
    if case == "counted in an award":
        award_for(person, right_date=date(2024, 10, 1))
    created = corp.post(
        "/api/v1/refunds/", _body(paid, [(person.iin, "2024-05", amount)]), format="json"
    ).json()
    assert created["lines"][0]["check_code"] == code
    answer = _staff(maker).post(
        f"/api/v1/refunds/{created['uuid']}/decide",
        {"decision": "approve"},
        format="json",
        HTTP_ACCEPT_LANGUAGE="kk",
    )
    assert answer.status_code == 400
    assert answer.json()["code"] == code
    # said in Kazakh, the caller's language, with the check's own reason
    assert answer.json()["message"].startswith("1-жолды қайтаруға болмайды: ")
    assert code not in answer.json()["message"]


def test_the_maker_cannot_confirm_and_a_second_decision_is_a_conflict(pay, corp, officers):
    maker, checker = officers
    paid = pay("10000.00")
    uuid = corp.post(
        "/api/v1/refunds/", _body(paid, [(paid.persons[0].iin, "2024-05", "5.00")]), format="json"
    ).json()["uuid"]
    assert (
        _staff(maker).post(f"/api/v1/refunds/{uuid}/decide", {"decision": "approve"}).status_code
        == 200
    )
    again = _staff(checker).post(f"/api/v1/refunds/{uuid}/decide", {"decision": "approve"})
    assert again.status_code == 409
    assert again.json()["code"] == "refund_already_decided"
    own = _staff(maker).post(f"/api/v1/refunds/{uuid}/confirm", {})
    assert own.status_code == 403
    assert own.json()["code"] == "checker_is_maker"
    confirmed = _staff(checker).post(f"/api/v1/refunds/{uuid}/confirm", {})
    assert confirmed.json()["status"] == "approved"


def test_a_partner_cannot_decide(pay, corp):
    paid = pay("10000.00")
    uuid = corp.post(
        "/api/v1/refunds/", _body(paid, [(paid.persons[0].iin, "2024-05", "5.00")]), format="json"
    ).json()["uuid"]
    assert corp.post(f"/api/v1/refunds/{uuid}/decide", {"decision": "approve"}).status_code == 403


def test_a_branch_specialist_cannot_decide(pay, corp, specialist):
    paid = pay("10000.00")
    uuid = corp.post(
        "/api/v1/refunds/", _body(paid, [(paid.persons[0].iin, "2024-05", "5.00")]), format="json"
    ).json()["uuid"]
    answer = _staff(specialist).post(f"/api/v1/refunds/{uuid}/decide", {"decision": "approve"})
    assert answer.status_code == 403
    assert answer.json()["code"] == "permission_denied"


def test_the_schema_documents_the_refund_api(db):
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    assert "/api/v1/refunds/" in schema["paths"]
    assert "/api/v1/refunds/{uuid}/status" in schema["paths"]
    post = schema["paths"]["/api/v1/refunds/"]["post"]
    assert "examples" in str(post["requestBody"])


def _shape(value):
    """The keys of an answer, all the way down: what a partner programs against."""
    if isinstance(value, dict):
        return {key: _shape(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_shape(value[0])] if value else []
    return None


def test_the_documented_examples_have_the_shape_of_real_answers(pay, corp):
    from drf_spectacular.generators import SchemaGenerator

    paths = SchemaGenerator().get_schema(request=None, public=True)["paths"]

    def example(path: str, method: str, status: str) -> dict:
        content = paths[path][method]["responses"][status]["content"]["application/json"]
        return next(iter(content["examples"].values()))["value"]

    paid = pay("10000.00")
    created = corp.post(
        "/api/v1/refunds/", _body(paid, [(paid.persons[0].iin, "2024-05", "5.00")]), format="json"
    ).json()
    status = corp.get(f"/api/v1/refunds/{created['uuid']}/status").json()
    listed = corp.get("/api/v1/refunds/list").json()
    assert _shape(example("/api/v1/refunds/", "post", "201")) == _shape(created)
    assert _shape(example("/api/v1/refunds/{uuid}/status", "get", "200")) == _shape(status)
    assert _shape(example("/api/v1/refunds/list", "get", "200")) == _shape(listed)
