"""API rates: a partner, a staff user, bad tokens from one address, refused writes; each 429
is the API's error body with Retry-After."""

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any
from uuid import uuid4

import pytest
from django.conf import settings
from rest_framework.test import APIClient

from gfss.common.models import RejectedInput
from gfss.org.access import Scope

pytestmark = pytest.mark.django_db

RATES = {"partner": None, "staff": None, "bad_token": None, "refused_write": None}


@pytest.fixture
def rates(settings: Any) -> Callable[..., None]:
    """Sets the rates under test, on a cache of the test's own (none of another test's history)."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"throttle-{uuid4()}",
        }
    }

    def set_rates(**rates: str) -> None:
        settings.API_THROTTLE_RATES = {**RATES, **rates}

    return set_rates


def _assert_throttled(response: Any) -> None:
    assert response.status_code == 429
    assert set(response.json()) == {"code", "message", "extra"}
    assert response.json()["code"] == "throttled"
    assert int(response["Retry-After"]) >= 1


def test_a_partner_past_its_rate_gets_429_with_retry_after(
    rates: Callable[..., None], partner_api: Callable[..., APIClient]
) -> None:
    # given a partner rate of 3 a minute
    rates(partner="3/min")
    client = partner_api(Scope.REGISTRY_READ)
    other = partner_api(Scope.REGISTRY_READ, Scope.STATEMENTS)
    # when it sends a fourth request within the minute
    answers = [client.get("/api/v1/persons/").status_code for _ in range(3)]
    fourth = client.get("/api/v1/persons/")
    # then the first three pass and the fourth is refused, saying when to come back
    assert answers == [200, 200, 200]
    _assert_throttled(fourth)
    assert int(fourth["Retry-After"]) <= 60
    # and another partner keeps its own rate
    assert other.get("/api/v1/persons/").status_code == 200


def test_a_staff_user_past_its_rate_gets_429(
    rates: Callable[..., None], make_staff: Callable[..., Any]
) -> None:
    rates(staff="2/min")
    client = APIClient()
    client.force_authenticate(make_staff())
    assert [client.get("/api/v1/persons/").status_code for _ in range(2)] == [200, 200]
    _assert_throttled(client.get("/api/v1/persons/"))
    # another staff user is not held back by the first one's requests
    colleague = APIClient()
    colleague.force_authenticate(make_staff())
    assert colleague.get("/api/v1/persons/").status_code == 200


def test_bad_tokens_from_one_address_are_refused_even_before_a_good_one(
    rates: Callable[..., None], partner_api: Callable[..., APIClient]
) -> None:
    # given at most 3 bad tokens a minute from one address
    rates(bad_token="3/min")
    guesser = APIClient(REMOTE_ADDR="203.0.113.7")
    for attempt in range(3):
        guesser.credentials(HTTP_AUTHORIZATION=f"Token guess-{attempt}")
        assert guesser.get("/api/v1/persons/").status_code == 401
    # when that address sends a fourth token, even a valid one
    valid = partner_api(Scope.REGISTRY_READ)
    guesser.credentials(HTTP_AUTHORIZATION=valid._credentials["HTTP_AUTHORIZATION"])
    # then it is refused with 429 before the token is looked at
    _assert_throttled(guesser.get("/api/v1/persons/"))
    # and the same valid token from another address works
    assert valid.get("/api/v1/persons/").status_code == 200


def test_good_tokens_do_not_count_as_bad_ones(
    rates: Callable[..., None], partner_api: Callable[..., APIClient]
) -> None:
    rates(bad_token="1/min")
    client = partner_api(Scope.REGISTRY_READ)
    assert {client.get("/api/v1/persons/").status_code for _ in range(5)} == {200}


def test_refused_writes_past_their_rate_are_answered_429_and_no_longer_kept(
    rates: Callable[..., None], partner_api: Callable[..., APIClient]
) -> None:
    # given at most 2 refused writes an hour per caller
    rates(refused_write="2/hour")
    client = partner_api(Scope.APPLICATIONS, Scope.REGISTRY_READ)
    # when the partner sends three invalid applications
    answers = [
        client.post("/api/v1/applications/", {"nonsense": 1}, format="json").status_code
        for _ in range(2)
    ]
    third = client.post("/api/v1/applications/", {"nonsense": 1}, format="json")
    # then two are refused as invalid and kept, the third is throttled and not kept
    assert answers == [400, 400]
    _assert_throttled(third)
    assert RejectedInput.objects.filter(path="/api/v1/applications/").count() == 2
    # and its reads go on
    assert client.get("/api/v1/persons/").status_code == 200


def test_a_deployment_has_rates_unless_it_turns_them_off() -> None:
    # the review: no 429 anywhere. With no rate set in the environment, each scope has one.
    code = (
        "import django; django.setup(); from django.conf import settings as s;"
        "print(s.API_THROTTLE_RATES, s.AXES_FAILURE_LIMIT, s.AXES_COOLOFF_TIME)"
    )
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("THROTTLE_", "LOGIN_")) and key != "PYTEST_CURRENT_TEST"
    }
    env["DJANGO_SETTINGS_MODULE"] = "gfss.settings"
    result = subprocess.run(  # noqa: S603 - our own interpreter
        [sys.executable, "-c", code],
        cwd=Path(settings.BASE_DIR),
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert result.stdout.split("} ")[0] + "}" == (
        "{'partner': '600/min', 'staff': '300/min', 'bad_token': '10/min', "
        "'refused_write': '100/hour'}"
    )
    assert result.stdout.split("} ")[1].strip() == "5 0:15:00"
