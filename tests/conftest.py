from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.utils import translation
from rest_framework.test import APIClient

from gfss.org.models import Role
from gfss.org.services import partner_client_create, staff_user_create
from tests.factories import branch, central_office


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Tests serve static files from the apps, with no collected manifest.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _no_api_limits(settings: Any) -> None:
    # The suite and the browser tests make many requests from one address; a test of the
    # limits sets the rates it tests.
    settings.API_THROTTLE_RATES = dict.fromkeys(settings.API_THROTTLE_RATES)


@pytest.fixture(autouse=True)
def _no_language_leaks() -> Iterator[None]:
    # A test that activates a language must not decide the language of the next one.
    yield
    translation.deactivate()


@pytest.fixture
def make_staff(db: None) -> Callable[..., Any]:
    counter = iter(range(10_000))

    def make(role: str = Role.SPECIALIST, region: str = "75", **fields: Any) -> Any:
        home = central_office() if role in {Role.ANALYST, Role.REFUND_OFFICER} else branch(region)
        return staff_user_create(
            username=f"{role}-{region}-{next(counter)}",
            password="pass-1234-word",
            branch=home,
            role=role,
            **fields,
        )

    return make


@pytest.fixture
def specialist(make_staff: Callable[..., Any]) -> Any:
    return make_staff(Role.SPECIALIST)


@pytest.fixture
def partner_api(db: None) -> Callable[..., APIClient]:
    """An API client holding a partner token with the given scopes."""

    def make(*scopes: str) -> APIClient:
        issued = partner_client_create(
            name=f"partner {'+'.join(scopes) or 'none'}", scopes=list(scopes)
        )
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {issued.token}")
        return client

    return make


@pytest.fixture
def staff_api(specialist: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(specialist)
    return client


@pytest.fixture
def browser(live_server: Any, settings: Any) -> Iterator[Any]:
    """Headless Debian Chromium against the live server (plain HTTP: cookies not Secure)."""
    from playwright.sync_api import sync_playwright

    from tests.browser import CHROMIUM, CHROMIUM_ARGS

    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()
