"""A production install carries only what runs in production: requirements.lock pins exactly
the app's own dependencies and theirs; the test and lint tools live in requirements-dev.lock."""

import re
import tomllib
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
PIN = re.compile(r"^([A-Za-z0-9_.\-]+)==([^\s;#]+)$")


def project() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def pins(name: str) -> dict[str, str]:
    """canonical name -> version of every pin in a lock file (comments and -r lines aside)."""
    found: dict[str, str] = {}
    for line in (ROOT / name).read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#") or line.startswith("-r "):
            continue
        match = PIN.match(line)
        assert match, f"{name}: {line!r} is not pinned with =="
        key = canonicalize_name(match.group(1))
        assert key not in found, f"{name} pins {key} twice"
        found[key] = match.group(2)
    return found


def closure(requirements: list[str]) -> set[str]:
    """The installed distributions these requirements pull in, by canonical name: markers are
    evaluated here, and a dependency behind an extra counts only when that extra was asked
    for (psycopg[binary] brings psycopg-binary)."""
    seen: set[str] = set()
    todo = [(Requirement(text), ("",)) for text in requirements]
    while todo:
        requirement, extras = todo.pop()
        marker = requirement.marker
        if marker and not any(marker.evaluate({"extra": extra}) for extra in extras):
            continue
        key = canonicalize_name(requirement.name)
        wanted = ("", *sorted(requirement.extras))
        if (key, wanted) in seen:
            continue
        seen.add((key, wanted))
        todo += [(Requirement(t), wanted) for t in metadata.requires(requirement.name) or []]
    return {key for key, _extras in seen}


def test_no_development_tool_is_in_the_production_lock():
    production = pins("requirements.lock")
    dev = project()["optional-dependencies"]["dev"]
    tools = {canonicalize_name(Requirement(text).name) for text in dev}
    assert {"pytest", "playwright", "aiosmtpd", "ruff"} <= tools
    assert tools & production.keys() == set()


def test_the_production_lock_is_exactly_what_the_app_needs():
    production = pins("requirements.lock")
    needed = closure(project()["dependencies"])
    assert needed - production.keys() == set(), "missing from requirements.lock"
    assert production.keys() - needed == set(), "not needed in production"


def test_the_development_lock_adds_the_tools_and_theirs_on_top_of_production():
    text = (ROOT / "requirements-dev.lock").read_text()
    assert "-r requirements.lock" in text.splitlines()
    production, development = pins("requirements.lock"), pins("requirements-dev.lock")
    assert production.keys() & development.keys() == set(), "pinned in both locks"
    tools = closure(project()["optional-dependencies"]["dev"])
    assert tools - production.keys() == development.keys()


def test_what_is_installed_here_is_what_the_locks_pin():
    both = pins("requirements.lock") | pins("requirements-dev.lock")
    for name, version in both.items():
        assert metadata.version(name) == version, f"{name}: installed differs from the lock"
