"""No log line holds a whole IIN: Django's request warnings, our own lines, tracebacks and
gunicorn's access log all show ``8507********``."""

import io
import logging
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from gfss.org.access import Scope

pytestmark = pytest.mark.django_db

IIN = "850712300017"
MASKED = "8507********"


@pytest.fixture
def console() -> Iterator[io.StringIO]:
    """What the configured console handler writes, for the test's duration."""
    handler = next(h for h in logging.getLogger().handlers if h.get_name() == "console")
    stream = io.StringIO()
    previous = handler.setStream(stream)
    yield stream
    handler.setStream(previous)


def test_a_request_warning_with_an_iin_in_its_path_is_masked(
    console: io.StringIO, make_staff: Callable[..., Any]
) -> None:
    client = Client()
    client.force_login(make_staff())
    # when a person that is not there is asked for (a 404, which Django logs as a warning)
    assert client.get(f"/api/v1/persons/{IIN}/").status_code == 404
    assert client.get(f"/ru/contributions/statement/{IIN}/").status_code in (404, 400)
    # then the log lines show the path with the IIN masked
    text = console.getvalue()
    assert f"/api/v1/persons/{MASKED}/" in text
    assert IIN not in text


def test_our_own_lines_and_their_tracebacks_are_masked(console: io.StringIO) -> None:
    log = logging.getLogger("participants.services")
    log.warning("person iin=%s not found, also %s", IIN, "990101400023")
    try:
        _fail_for(IIN)
    except ValueError:
        log.exception("failed for %s", IIN)
    text = console.getvalue()
    assert "iin=8507******** not found, also 9901********" in text
    assert "ValueError: bad person 8507********" in text
    assert IIN not in text


def test_an_upload_with_names_and_refused_lines_logs_no_name_and_no_iin(
    console: io.StringIO, partner_api: Callable[..., Any]
) -> None:
    # given an MT-102 document with persons' names and IINs, some of its lines bad
    raw = (Path(settings.BASE_DIR) / "tests/contributions/samples/bad-lines.txt").read_bytes()
    text = raw.decode("cp1251")
    names = {line[4:] for line in text.splitlines() if line.startswith(("/FM/", "/NM/"))}
    iins = {line[5:] for line in text.splitlines() if line.startswith("/IDN/")}
    assert names
    assert iins
    # when a bank uploads it
    response = partner_api(Scope.PAYMENTS).generic(
        "POST", "/api/v1/payments/mt102/", raw, content_type="text/plain"
    )
    assert response.status_code in (201, 422)
    # then whatever was logged names no one and holds no whole IIN
    logged = console.getvalue()
    assert logged
    assert [name for name in names if name in logged] == []
    assert [iin for iin in iins if iin in logged] == []


def _fail_for(iin: str) -> None:
    raise ValueError(f"bad person {iin}")


def test_other_numbers_are_left_alone(console: io.StringIO) -> None:
    logging.getLogger("gfss.jobs").info("batch run done id=%s total=%s", 12345678901, 1234567890123)
    assert "id=12345678901 total=1234567890123" in console.getvalue()


def test_gunicorn_writes_its_access_log_with_iins_masked() -> None:
    # gunicorn's logger, as gunicorn.conf.py sets it up, given a request for a person's statement
    code = f"""
import runpy, sys
from types import SimpleNamespace
from gunicorn.config import Config
conf = runpy.run_path("gunicorn.conf.py")
cfg = Config()
for name in ("accesslog", "access_log_format", "logger_class"):
    cfg.set(name, conf[name])
log = cfg.logger_class(cfg)
request = SimpleNamespace(headers=[("X-FORWARDED-FOR", "203.0.113.1")], method="GET",
    path="/api/v1/persons/{IIN}/statement", query="iin={IIN}", version=(1, 1), uri="")
response = SimpleNamespace(status="200 OK", sent=10, headers=[])
environ = {{"REQUEST_METHOD": "GET", "RAW_URI": "/api/v1/persons/{IIN}/statement?iin={IIN}",
    "SERVER_PROTOCOL": "HTTP/1.1", "REMOTE_ADDR": "10.0.0.2"}}
from datetime import timedelta
log.access(response, request, environ, timedelta(milliseconds=5))
"""
    result = subprocess.run(  # noqa: S603 - our own interpreter
        [sys.executable, "-c", code],
        cwd=Path(settings.BASE_DIR),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    line = result.stdout.strip()
    assert f"/api/v1/persons/{MASKED}/statement?iin={MASKED}" in line, result
    assert "203.0.113.1" in line
    assert IIN not in result.stdout + result.stderr
