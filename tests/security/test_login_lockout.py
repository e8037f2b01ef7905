"""Five failed logins for one username from one address lock that pair out for 15 minutes; the
login page says so in the user's language."""

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.utils import timezone

pytestmark = pytest.mark.django_db

PASSWORD = "pass-1234-word"  # make_staff's


@pytest.fixture
def lockout(settings: Any) -> None:
    settings.AXES_FAILURE_LIMIT = 5
    settings.AXES_COOLOFF_TIME = timedelta(minutes=15)


def _log_in(client: Client, username: str, password: str, language: str = "ru") -> Any:
    return client.post(f"/{language}/login/", {"username": username, "password": password})


def test_the_sixth_attempt_is_refused_with_the_reason_in_russian(
    lockout: None, make_staff: Callable[..., Any]
) -> None:
    # given a specialist who mistypes the password five times
    user = make_staff()
    client = Client(REMOTE_ADDR="198.51.100.20")
    answers = [_log_in(client, user.username, "wrong").status_code for _ in range(4)]
    fifth = _log_in(client, user.username, "wrong")
    # when she tries a sixth time, with the right password
    sixth = _log_in(client, user.username, PASSWORD)
    # then the first four were plain refusals, the fifth and sixth say why, in Russian
    assert answers == [200, 200, 200, 200]
    for page in (fifth, sixth):
        assert page.status_code == 429
        text = page.content.decode()
        assert "Слишком много неудачных попыток" in text
        assert "15 минут" in text
        assert int(page["Retry-After"]) == 15 * 60
    # and she is not logged in
    assert "_auth_user_id" not in client.session


def test_the_lockout_is_explained_in_kazakh_and_english(
    lockout: None, make_staff: Callable[..., Any]
) -> None:
    user = make_staff()
    for language, words in (("kk", "Сәтсіз әрекеттер тым көп"), ("en", "refused for 15 minutes")):
        client = Client(REMOTE_ADDR=f"198.51.100.{30 + len(language)}")
        for _ in range(5):
            page = _log_in(client, user.username, "wrong", language)
        assert page.status_code == 429
        assert words in page.content.decode()
        assert "Слишком" not in page.content.decode()


def test_the_lockout_holds_one_username_at_one_address_for_15_minutes(
    lockout: None, make_staff: Callable[..., Any]
) -> None:
    # given a user locked out at one address
    user = make_staff()
    colleague = make_staff()
    locked = Client(REMOTE_ADDR="198.51.100.40")
    for _ in range(5):
        _log_in(locked, user.username, "wrong")
    # then from another address, and for another user at the same address, logins work
    assert _log_in(Client(REMOTE_ADDR="198.51.100.41"), user.username, PASSWORD).status_code == 302
    assert _log_in(locked, colleague.username, PASSWORD).status_code == 302
    # and 15 minutes later the locked pair logs in again
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    again = Client(REMOTE_ADDR="198.51.100.40")
    assert _log_in(again, user.username, PASSWORD).status_code == 302
