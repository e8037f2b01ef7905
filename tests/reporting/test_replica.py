"""With ``DATABASE_REPLICA_URL`` the reports and their exports read from the replica; every other
page and every write stays on default. Here the replica is a second alias of the same server
and database (PostgreSQL), so what each alias was asked can be counted."""

import copy
import csv
import io
import types
from collections.abc import Iterator
from datetime import date

import pytest
from django.db import connection, connections
from django.test import Client
from django.test.utils import CaptureQueriesContext

from gfss.common.replica import REPLICA
from gfss.org.models import Role
from reporting.summaries import summaries_refresh
from tests.contributions.documents import document, line_for, load
from tests.factories import PayerFactory, PersonFactory

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
    pytest.mark.django_db(transaction=True),  # committed: the second connection sees it
]


@pytest.fixture
def replica(transactional_db, django_db_blocker) -> Iterator[None]:
    connections.settings[REPLICA] = copy.deepcopy(connections["default"].settings_dict)
    replica = connections[REPLICA]
    # The test case lets only the aliases it started with connect: this one came later.
    replica.ensure_connection = types.MethodType(django_db_blocker._real_ensure_connection, replica)
    try:
        yield
    finally:
        connections[REPLICA].close()
        del connections.settings[REPLICA]
        if hasattr(connections._connections, REPLICA):
            delattr(connections._connections, REPLICA)


def _reads(context: CaptureQueriesContext, table: str) -> int:
    return sum(
        1
        for query in context.captured_queries
        if query["sql"].lstrip().upper().startswith("SELECT") and table in query["sql"]
    )


def test_reports_and_exports_read_the_replica_and_other_pages_do_not(replica, make_staff):
    # given: contributions for 2024 and their summaries
    load(
        document(
            payer_idn=PayerFactory().idn,
            lines=[line_for(PersonFactory(), "3500.00", date(2024, 3, 1))],
            value_date=date(2024, 4, 20),
        )
    )
    summaries_refresh(trigger="command")
    client = Client()
    client.force_login(make_staff(Role.ANALYST))
    # when: the analyst opens the dashboard and exports a table
    with (
        CaptureQueriesContext(connections[REPLICA]) as on_replica,
        CaptureQueriesContext(connections["default"]) as on_default,
    ):
        page = client.get("/en/reporting/?year=2024")
        export = client.get("/en/reporting/export/coverage.csv?year=2024")
        rows = list(csv.reader(io.StringIO(b"".join(export.streaming_content).decode())))
    # then: the figures came from the replica, the login and session from default
    assert page.status_code == 200
    assert rows[0][:2] == ["Region", "Participants"]
    assert {row[0]: row[1] for row in rows[1:]}["Total"] == "1"
    assert _reads(on_replica, "reporting_") > 0
    assert _reads(on_default, "reporting_") == 0
    assert _reads(on_default, "django_session") > 0
    assert _reads(on_replica, "django_session") == 0
    # when: a page outside the reports and a write
    with CaptureQueriesContext(connections[REPLICA]) as elsewhere:
        assert client.get("/en/cases/").status_code == 200
        summaries_refresh(trigger="command")
    # then: the replica was not asked
    assert elsewhere.captured_queries == []


def test_without_a_replica_the_reports_read_default(make_staff):
    assert REPLICA not in connections.settings
    client = Client()
    client.force_login(make_staff(Role.ANALYST))
    with CaptureQueriesContext(connections["default"]) as on_default:
        assert client.get("/en/reporting/?year=2024").status_code == 200
    assert _reads(on_default, "reporting_") > 0
