"""The lock files pin every dependency of pyproject.toml within its range, each with hashes:
`make install`, CI and the Dockerfile install from them with --require-hashes."""

import re
import tomllib
from pathlib import Path

import pytest
from django.conf import settings
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(settings.BASE_DIR)
PIN = re.compile(r"^([A-Za-z0-9_.\-]+)==([^\s\\]+)")


def _pins(lock: str) -> dict[str, str]:
    text = (ROOT / lock).read_text()
    # every pin carries at least one hash
    blocks = re.split(r"\n(?=[A-Za-z0-9])", text)
    pinned = [block for block in blocks if PIN.match(block)]
    assert all("--hash=sha256:" in block for block in pinned)
    return {canonicalize_name(m.group(1)): m.group(2) for m in map(PIN.match, pinned) if m}


def _requirements(extra: str | None = None) -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    listed = project["dependencies"] + (project["optional-dependencies"][extra] if extra else [])
    return [Requirement(line) for line in listed]


@pytest.mark.parametrize(
    ("lock", "extra"), [("requirements.lock", None), ("requirements-dev.lock", "dev")]
)
def test_the_lock_pins_every_dependency_within_its_range(lock: str, extra: str | None) -> None:
    pins = _pins(lock)
    outside = {
        str(requirement): pins.get(canonicalize_name(requirement.name))
        for requirement in _requirements(extra)
        if not requirement.specifier.contains(pins.get(canonicalize_name(requirement.name), "0"))
    }
    assert outside == {}, "run `make lock`"


def test_the_installs_use_the_locks_with_hashes() -> None:
    assert "--require-hashes -r requirements-dev.lock" in (ROOT / "Makefile").read_text()
    assert "--require-hashes -r requirements-dev.lock" in (ROOT / ".ci" / "run").read_text()
    assert "--require-hashes -r requirements.lock" in (ROOT / "Dockerfile").read_text()
