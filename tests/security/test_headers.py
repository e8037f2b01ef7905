"""Headers and deployment settings: the CSP with no inline script or style on any page, the
Permissions-Policy, 8-hour browser sessions, no built-in SECRET_KEY, the proxy believed only when
one is said to be in front, and compose's reverse proxy."""

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.conf import settings
from django.test import Client, RequestFactory

from gfss.common.http import client_address
from gfss.org.models import Role
from tests.benefits.cases import case_received, insured_person

pytestmark = pytest.mark.django_db

ROOT = Path(settings.BASE_DIR)
INLINE = [
    ("a style attribute", re.compile(r"<[^>]*\sstyle\s*=", re.IGNORECASE)),
    ("a <style> element", re.compile(r"<style[\s>]", re.IGNORECASE)),
    ("an inline <script>", re.compile(r"<script(?![^>]*\ssrc=)[^>]*>", re.IGNORECASE)),
    ("an event handler attribute", re.compile(r"<[^>]*\son[a-z]+\s*=", re.IGNORECASE)),
    ("a javascript: address", re.compile(r"javascript:", re.IGNORECASE)),
]


def _inline_parts(html: str) -> list[str]:
    return [what for what, pattern in INLINE if pattern.search(html)]


def test_no_template_of_ours_has_inline_script_or_style() -> None:
    found = {
        str(path.relative_to(ROOT)): _inline_parts(path.read_text())
        for path in ROOT.joinpath("templates").rglob("*.html")
    }
    assert {path: parts for path, parts in found.items() if parts} == {}


def test_the_csp_and_permissions_policy_headers_are_sent() -> None:
    response = Client().get("/ru/login/")
    csp = response["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in csp.split(";"))
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in csp
    assert "unsafe-eval" not in csp
    policy = response["Permissions-Policy"]
    for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()"):
        assert feature in policy
    # the API's answers carry them too
    assert "Content-Security-Policy" in Client().get("/api/v1/persons/")


def test_pages_render_with_no_inline_script_or_style(make_staff: Callable[..., Any]) -> None:
    # given a case of the specialist's branch and an administrator
    case = case_received(insured_person())
    specialist = Client()
    specialist.force_login(make_staff(Role.SPECIALIST))
    admin = Client()
    admin.force_login(make_staff(Role.ADMINISTRATOR))
    pages = {
        "login": (Client(), "/ru/login/"),
        "dashboard": (specialist, "/ru/"),
        "queue": (specialist, "/ru/cases/"),
        "case": (specialist, f"/ru/cases/{case.uuid}/"),
        "statement": (specialist, f"/ru/contributions/statement/{case.person.iin}/"),
        "calculator": (specialist, "/ru/calculator/"),
        "documents": (specialist, "/ru/contributions/documents/"),
        "jobs": (admin, "/ru/jobs/"),
        "payments": (admin, "/ru/payouts/"),
        "admin": (admin, "/ru/admin/"),
        "admin list": (admin, "/ru/admin/participants/person/"),
        "admin person": (admin, f"/ru/admin/participants/person/{case.person.pk}/change/"),
        "api docs": (admin, "/api/docs/"),
    }
    # when each page is opened, then it answers and holds no inline script or style
    found = {}
    for name, (client, url) in pages.items():
        response = client.get(url)
        assert response.status_code == 200, (name, response.status_code)
        assert "Content-Security-Policy" in response, name
        found[name] = _inline_parts(response.content.decode())
    assert {name: parts for name, parts in found.items() if parts} == {}


def test_the_api_docs_script_is_a_file_of_its_own(admin_client: Client) -> None:
    page = admin_client.get("/api/docs/").content.decode()
    script = re.search(r'<script src="([^"]*script=[^"]*)"', page)
    assert script is not None
    answer = admin_client.get(script.group(1).replace("&amp;", "&"))
    assert answer.status_code == 200
    assert answer["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in answer.content.decode()


def test_a_session_ends_after_8_hours_and_when_the_browser_closes(
    make_staff: Callable[..., Any],
) -> None:
    user = make_staff()
    client = Client()
    response = client.post("/ru/login/", {"username": user.username, "password": "pass-1234-word"})
    assert response.status_code == 302
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    # a browser-session cookie: no expiry date of its own
    assert not cookie["expires"]
    assert not cookie["max-age"]
    # and on the server the session lasts 8 hours
    assert client.session.get_expire_at_browser_close()
    assert client.session.get_expiry_age() == 8 * 60 * 60


def _start_server_module(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    # Loading the WSGI application is what gunicorn does before it serves.
    return subprocess.run(
        [sys.executable, "-c", "import gfss.wsgi"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_refuses_to_start_without_a_secret_key() -> None:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"SECRET_KEY", "DEBUG", "PYTEST_XDIST_WORKER", "PYTEST_CURRENT_TEST"}
    }
    env["DJANGO_SETTINGS_MODULE"] = "gfss.settings"
    refused = _start_server_module({**env, "DEBUG": "false"})
    assert refused.returncode != 0
    assert "SECRET_KEY is not set" in refused.stderr
    started = _start_server_module({**env, "DEBUG": "false", "SECRET_KEY": "k" * 60})
    assert started.returncode == 0, started.stderr


def test_no_secret_key_is_written_anywhere_in_the_repository() -> None:
    settings_text = (ROOT / "gfss" / "settings.py").read_text()
    assert re.search(r'env\.str\("SECRET_KEY", default="[^"]', settings_text) is None
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    key = compose["x-django"]["environment"]["SECRET_KEY"]
    # compose takes it from the environment or .env, and refuses to start without it
    assert key.startswith("${SECRET_KEY:?")


def test_the_proxy_headers_are_believed_only_behind_the_proxy(settings: Any) -> None:
    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.9"
    )
    # without a proxy in front: the connection's address, and no TLS taken on the client's word
    settings.BEHIND_PROXY = False
    assert client_address(request) == "10.0.0.5"
    assert settings.SECURE_PROXY_SSL_HEADER is None
    secure = RequestFactory().get("/", HTTP_X_FORWARDED_PROTO="https")
    assert not secure.is_secure()
    # behind it: the address the proxy appended (not what the client wrote before it)
    settings.BEHIND_PROXY = True
    assert client_address(request) == "198.51.100.9"


def test_behind_the_proxy_its_tls_header_is_believed() -> None:
    code = (
        "from django.conf import settings; import django; django.setup();"
        "print(settings.SECURE_PROXY_SSL_HEADER)"
    )
    env = {**os.environ, "BEHIND_PROXY": "true", "DJANGO_SETTINGS_MODULE": "gfss.settings"}
    result = subprocess.run(  # noqa: S603 - our own interpreter
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert "('HTTP_X_FORWARDED_PROTO', 'https')" in result.stdout


def test_compose_puts_nginx_in_front_of_gunicorn() -> None:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert "ports" not in services["web"]
    assert services["proxy"]["image"].startswith("nginx:")
    assert services["proxy"]["ports"]
    assert compose["x-django"]["environment"]["BEHIND_PROXY"] == "true"
    nginx = (ROOT / "deploy" / "nginx.conf").read_text()
    assert "server web:8000;" in nginx
    assert "proxy_set_header X-Forwarded-Proto $scheme;" in nginx
    # and where Docker's compose is installed, it reads the file as valid
    command = (
        ["docker", "compose"]
        if shutil.which("docker") and _has_compose_plugin()
        else ["docker-compose"]
        if shutil.which("docker-compose")
        else None
    )
    if command is None:
        return
    env = {**os.environ, "SECRET_KEY": "compose-check"}
    checked = subprocess.run(  # noqa: S603 - docker's own client
        [*command, "config", "--quiet"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert checked.returncode == 0, checked.stderr
    env.pop("SECRET_KEY")
    refused = subprocess.run(  # noqa: S603 - docker's own client
        [*command, "config", "--quiet"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert refused.returncode != 0
    assert "SECRET_KEY" in refused.stderr


def _has_compose_plugin() -> bool:
    return (
        subprocess.run(
            ["docker", "compose", "version"],  # noqa: S607 - docker on the PATH
            capture_output=True,
            timeout=30,
            check=False,
        ).returncode
        == 0
    )


@pytest.mark.django_db
def test_an_objects_history_in_the_admin_has_no_inline_style(make_staff):
    # django-simple-history's page of an object's changes, under the CSP (no inline style).
    from tests.factories import PersonFactory

    person = PersonFactory()
    client = Client()
    client.force_login(make_staff(Role.ADMINISTRATOR))
    response = client.get(f"/en/admin/participants/person/{person.pk}/history/")
    assert response.status_code == 200
    assert b"paginator" in response.content
    assert b"style=" not in response.content
