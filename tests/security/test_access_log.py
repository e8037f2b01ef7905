"""Every staff view of a person's statement, e-case, calculation or card is in the access log;
the branch head and the administrator read it, nobody edits it; opening a page writes nothing
else. The audit of a refused write keeps at most 64 KB of its body."""

from collections.abc import Callable
from typing import Any

import pytest
from django.db import DatabaseError, connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from gfss.common.models import RejectedInput
from gfss.org.access import Scope
from gfss.org.models import AccessLogEntry, Role
from tests.benefits.cases import case_received, insured_person

pytestmark = pytest.mark.django_db

ADDRESS = "192.0.2.44"


def _client(user: Any) -> Client:
    client = Client(REMOTE_ADDR=ADDRESS)
    client.force_login(user)
    return client


def _writes(queries: CaptureQueriesContext) -> list[str]:
    verbs = ("INSERT", "UPDATE", "DELETE")
    return [
        q["sql"] for q in queries.captured_queries if q["sql"].lstrip().upper().startswith(verbs)
    ]


def test_a_specialist_opening_a_statement_is_logged_and_nothing_else_is_written(
    make_staff: Callable[..., Any],
) -> None:
    # given a person of the specialist's branch
    person = insured_person()
    specialist = make_staff(Role.SPECIALIST)
    client = _client(specialist)
    # when she opens the person's statement
    with CaptureQueriesContext(connection) as queries:
        page = client.get(f"/ru/contributions/statement/{person.iin}/")
    # then the access log says who, what, whose and from where
    assert page.status_code == 200
    entry = AccessLogEntry.objects.get()
    assert entry.user == specialist
    assert entry.branch == specialist.staff_profile.branch
    assert entry.subject == "statement"
    assert entry.iin == person.iin
    assert entry.address == ADDRESS
    assert entry.path == f"/ru/contributions/statement/{person.iin}/"
    # and that row is the page's only write
    writes = _writes(queries)
    assert len(writes) == 1
    assert "org_accesslogentry" in writes[0]


def test_each_kind_of_view_is_logged(make_staff: Callable[..., Any]) -> None:
    # given a case of the branch, already under review (its first opening starts the review)
    case = case_received(insured_person())
    specialist = make_staff(Role.SPECIALIST)
    client = _client(specialist)
    client.get(f"/ru/cases/{case.uuid}/")
    seen_before = AccessLogEntry.objects.count()
    api = APIClient(REMOTE_ADDR=ADDRESS)
    api.force_authenticate(specialist)
    iin = case.person.iin
    # when she opens the case, a calculation from the ledger, the card, the statement, the case
    # and a calculation through the API
    with CaptureQueriesContext(connection) as queries:
        assert client.get(f"/ru/cases/{case.uuid}/").status_code == 200
    case_page_writes = _writes(queries)  # now: the next request empties the query log
    calculator = {"benefit": "childcare", "right_date": "2025-03-10", "iin": iin, "birth_order": 1}
    assert client.get("/ru/calculator/", calculator).status_code == 200
    assert api.get(f"/api/v1/persons/{iin}/").status_code == 200
    assert api.get(f"/api/v1/persons/{iin}/statement").status_code == 200
    assert api.get(f"/api/v1/applications/{case.uuid}/").status_code == 200
    assert api.post("/api/v1/benefits/calculate", calculator, format="json").status_code == 200
    # then each one is in the log, for that person
    new = AccessLogEntry.objects.order_by("id")[seen_before:]
    assert [(entry.subject, entry.iin) for entry in new] == [
        ("case", iin),
        ("calculation", iin),
        ("person", iin),
        ("statement", iin),
        ("case", iin),
        ("calculation", iin),
    ]
    assert {entry.reference for entry in new if entry.subject == "case"} == {str(case.uuid)}
    # and the case page, opened again, writes only its log row
    assert len(case_page_writes) == 1


def test_a_partner_reading_is_not_a_staff_view(partner_api: Callable[..., APIClient]) -> None:
    person = insured_person()
    assert partner_api(Scope.REGISTRY_READ).get(f"/api/v1/persons/{person.iin}/").status_code == 200
    assert not AccessLogEntry.objects.exists()


def test_the_branch_head_reads_the_log_of_the_branch_and_the_administrator_all(
    make_staff: Callable[..., Any],
) -> None:
    # given views by a specialist of Almaty and of Astana
    almaty_person = insured_person()
    almaty = make_staff(Role.SPECIALIST, region="75")
    _client(almaty).get(f"/ru/contributions/statement/{almaty_person.iin}/")
    astana = make_staff(Role.SPECIALIST, region="71")
    AccessLogEntry.objects.create(
        user=astana,
        branch=astana.staff_profile.branch,
        subject="person",
        iin="900101300015",
        path="/api/v1/persons/900101300015/",
    )
    # when Almaty's head, the administrator, a specialist and the analyst open the log page
    head_page = _client(make_staff(Role.HEAD, region="75")).get("/ru/access-log/")
    admin_page = _client(make_staff(Role.ADMINISTRATOR)).get("/ru/access-log/")
    specialist_page = _client(almaty).get("/ru/access-log/")
    analyst_page = _client(make_staff(Role.ANALYST)).get("/ru/access-log/")
    # then the head sees the branch's entry only, the administrator both, the others nothing
    assert head_page.status_code == 200
    head_text = head_page.content.decode()
    assert almaty_person.iin in head_text
    assert almaty.username in head_text
    assert "900101300015" not in head_text
    assert "выписка по взносам" in head_text
    admin_text = admin_page.content.decode()
    assert almaty_person.iin in admin_text
    assert "900101300015" in admin_text
    assert specialist_page.status_code == 403
    assert analyst_page.status_code == 403
    # and reading the log adds nothing to it
    assert AccessLogEntry.objects.count() == 2


def test_nobody_edits_the_log_in_the_admin(make_staff: Callable[..., Any]) -> None:
    person = insured_person()
    specialist = make_staff(Role.SPECIALIST)
    _client(specialist).get(f"/ru/contributions/statement/{person.iin}/")
    entry = AccessLogEntry.objects.get()
    admin = _client(make_staff(Role.ADMINISTRATOR))
    # the administrator reads the entry
    assert admin.get("/ru/admin/org/accesslogentry/").status_code == 200
    change_page = admin.get(f"/ru/admin/org/accesslogentry/{entry.pk}/change/")
    assert change_page.status_code == 200
    assert b'name="iin"' not in change_page.content  # shown, not an input
    # and can neither change nor delete nor add one
    admin.post(f"/ru/admin/org/accesslogentry/{entry.pk}/change/", {"iin": "000000000000"})
    delete = admin.post(f"/ru/admin/org/accesslogentry/{entry.pk}/delete/", {"post": "yes"})
    assert delete.status_code == 403
    assert admin.get("/ru/admin/org/accesslogentry/add/").status_code == 403
    entry.refresh_from_db()
    assert entry.iin == person.iin


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
def test_the_database_refuses_to_change_or_delete_an_entry(make_staff: Callable[..., Any]) -> None:
    person = insured_person()
    _client(make_staff(Role.SPECIALIST)).get(f"/ru/contributions/statement/{person.iin}/")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AccessLogEntry.objects.update(iin="000000000000")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AccessLogEntry.objects.all().delete()
    assert AccessLogEntry.objects.get().iin == person.iin


def test_a_refused_body_is_kept_up_to_64_kb(partner_api: Callable[..., APIClient]) -> None:
    # when a partner sends a 200 KB body that is refused
    client = partner_api(Scope.APPLICATIONS)
    body = '{"benefit": "' + "x" * 200_000 + '"}'
    response = client.post("/api/v1/applications/", body, content_type="application/json")
    assert response.status_code == 400
    # then the audit keeps its first 64 KB and says it was cut
    kept = RejectedInput.objects.get()
    assert kept.body.startswith('{"benefit": "xxx')
    assert len(kept.body.encode()) <= 64 * 1024 + 100
    assert kept.body.endswith(f"<cut at {64 * 1024} of {len(body)} bytes>")
