"""Partner tokens expire, rotate with a grace period, can be revoked, and record their last use;
registering a name twice is refused in one line."""

from collections.abc import Iterator
from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command, execute_from_command_line
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from rest_framework.test import APIClient

from gfss.org.access import Scope
from gfss.org.models import PartnerToken

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """These tests pin the English wording; the other languages are the catalogs'."""
    with translation.override("en"):
        yield


def _create(name: str, *scopes: str) -> str:
    out = StringIO()
    call_command("partner_create", name, *[f"--scope={scope}" for scope in scopes], stdout=out)
    return out.getvalue().strip()


def _rotate(name: str) -> str:
    out = StringIO()
    call_command("partner_token_rotate", name, stdout=out, stderr=StringIO())
    return out.getvalue().strip()


def _status(token: str) -> int:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client.get("/api/v1/persons/").status_code


def test_a_token_expires_after_its_lifetime(settings: Any) -> None:
    # given tokens that live 30 days
    settings.PARTNER_TOKEN_LIFETIME = timedelta(days=30)
    before = timezone.now()
    token = _create("Bank A", Scope.REGISTRY_READ)
    stored = PartnerToken.objects.get()
    # then its expiry is 30 days from its issue
    assert before + timedelta(days=30) <= stored.expires_at <= timezone.now() + timedelta(days=30)
    assert _status(token) == 200
    # when the day has passed, the token is refused and says why
    PartnerToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    response = client.get("/api/v1/persons/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 401
    assert response.json()["code"] == "token_expired"
    assert "expired" in response.json()["message"]


def test_rotation_prints_a_new_key_and_the_old_one_works_for_the_grace_period(
    settings: Any,
) -> None:
    # given a partner with a token and a grace period of 48 hours
    settings.PARTNER_TOKEN_GRACE = timedelta(hours=48)
    old = _create("Bank B", Scope.REGISTRY_READ)
    # when its token is rotated
    rotated_at = timezone.now()
    new = _rotate("Bank B")
    # then a new key is printed and both keys work
    assert new != old
    assert len(new) >= 40
    assert _status(new) == 200
    assert _status(old) == 200
    # and the old one stops at the end of the grace period, the new one a year on
    old_row = PartnerToken.objects.get(token_hash=PartnerToken.hash_token(old))
    new_row = PartnerToken.objects.get(token_hash=PartnerToken.hash_token(new))
    assert abs(old_row.expires_at - (rotated_at + timedelta(hours=48))) < timedelta(seconds=5)
    assert new_row.expires_at > rotated_at + timedelta(days=300)


def test_with_no_grace_the_old_key_stops_at_once(settings: Any) -> None:
    settings.PARTNER_TOKEN_GRACE = timedelta(0)
    old = _create("Bank C", Scope.REGISTRY_READ)
    new = _rotate("Bank C")
    assert _status(old) == 401
    assert _status(new) == 200


def test_revocation_stops_every_key_of_the_partner_at_once() -> None:
    first = _create("Bank D", Scope.REGISTRY_READ)
    second = _rotate("Bank D")
    other = _create("Bank E", Scope.REGISTRY_READ)
    out = StringIO()
    call_command("partner_token_revoke", "Bank D", stdout=out)
    assert "2 token(s) of Bank D revoked" in out.getvalue()
    assert _status(first) == 401
    assert _status(second) == 401
    assert _status(other) == 200
    # and a rotation afterwards issues a working key again
    assert _status(_rotate("Bank D")) == 200


def test_the_last_use_is_recorded_once_a_minute_at_most() -> None:
    token = _create("Bank F", Scope.REGISTRY_READ)
    stored = PartnerToken.objects.get()
    assert stored.last_used_at is None
    # when the partner calls the API
    before = timezone.now()
    assert _status(token) == 200
    # then the use is recorded
    stored.refresh_from_db()
    assert stored.last_used_at is not None
    assert stored.last_used_at >= before
    # and a second call within the minute writes nothing
    with CaptureQueriesContext(connection) as queries:
        assert _status(token) == 200
    assert not [
        q for q in queries.captured_queries if q["sql"].lstrip().upper().startswith("UPDATE")
    ]


def test_rotating_an_unknown_partner_is_refused() -> None:
    with pytest.raises(CommandError, match="No partner system is named 'Nobody'"):
        _rotate("Nobody")


def test_registering_an_existing_name_says_so_in_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # given a registered partner
    _create("Bank G", Scope.PAYMENTS)
    capsys.readouterr()
    # when the operator registers the same name again from the command line
    # (the command closes the database connections when it ends: not the test's own; and it
    # would set Django up again, its logging then writing to this test's captured stderr)
    monkeypatch.setattr("django.db.connections.close_all", lambda: None)
    monkeypatch.setattr("django.setup", lambda *args, **kwargs: None)
    argv = ["manage.py", "partner_create", "Bank G", "--scope", "payments"]
    with pytest.raises(SystemExit) as exit_:
        execute_from_command_line(argv)
    # then the command exits non-zero with one line saying so, and no traceback
    assert exit_.value.code != 0
    err = capsys.readouterr().err
    assert err.strip().splitlines() == [
        "CommandError: A partner system named 'Bank G' already exists: rotate its token with "
        "partner_token_rotate."
    ]
    assert PartnerToken.objects.count() == 1
