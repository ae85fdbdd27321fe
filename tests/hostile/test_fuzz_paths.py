"""Every route of the app with a hostile value in one part of its path, and every GET route with
hostile query arguments: plain 4xx answers, no hostile value in the log."""

import logging
import re

import pytest

from camp_app.extensions import limiter
from tests.factories import otp_for
from tests.hostile.fuzz import LOG_NEEDLES, MARK, Tally
from tests.hostile.world import build_world

PATH_VALUES = [
    ("nul", "%00"),
    ("marked nul", MARK + "%00"),
    ("control", MARK + "%1B"),
    ("surrogate bytes", MARK + "%ED%A0%80"),
    ("invalid utf-8", MARK + "%FF"),
    ("30 digits", "9" * 30),
    ("-1", "-1"),
    ("9999-12-31", "9999-12-31"),
    ("0000-00-00", "0000-00-00"),
    ("long", MARK + "x" * 5000),
]
# Query arguments some page or API call reads; each GET route gets all of them at once.
QUERY_NAMES = ("page", "per_page", "status", "q", "next", "kind", "state", "from", "to", "sort")
SKIPPED = re.compile(r"^/static/")


def _valid_arguments(world) -> dict[str, str]:
    ids = world.ids
    return {
        "slug": world.slugs["running"],
        "day": world.day,
        "registration_id": str(ids["running_present"]),
        "child_id": str(ids["everyone_child"]),
        "contact_id": "1",
        "group_id": str(ids["group"]),
        "invite_id": "1",
        "mail_id": str(ids["failed_mail"]),
        "message_id": "1",
        "visit_id": str(ids["visit"]),
        "key": "liability_waiver",
        "document_id": "1",
        "signing_id": "1",
        "token": "not-a-token",
        "code": "es",
    }


def _path(rule, arguments: dict[str, str]) -> str:
    """The rule's path with `arguments` put in as they are (already URL-encoded)."""
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", lambda m: arguments[m.group(1)], rule.rule)


@pytest.fixture
def quiet_limits(sqlite_app):
    yield
    limiter.reset()


def test_hostile_path_parts_and_query_arguments_answer_4xx(sqlite_app, caplog, quiet_limits):
    caplog.set_level(logging.INFO, logger="camp_app")
    world = build_world(sqlite_app)
    client = sqlite_app.test_client()
    login = {"email": world.emails["everyone"], "password": world.password}
    assert client.post("/account/login", data=login).status_code == 302
    code = {"code": otp_for(sqlite_app, login["email"])}
    assert client.post("/account/second-factor", data=code).status_code == 302
    api_login = {**login, "otp": otp_for(sqlite_app, login["email"])}
    token = client.post("/api/v1/tokens", json=api_login).get_json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    valid = _valid_arguments(world)
    tally = Tally()

    def send(rule, path: str, what: str):
        method = "GET" if "GET" in rule.methods else sorted(rule.methods - {"OPTIONS"})[0]
        body = {"json": {}} if rule.rule.startswith("/api/") and method != "GET" else {}
        response = client.open(path, method=method, headers=headers, **body)
        tally.note(f"{method} {what}", response.status_code)

    for rule in sqlite_app.url_map.iter_rules():
        if SKIPPED.match(rule.rule):
            continue
        tally.forms += 1
        for argument in rule.arguments:
            tally.fields += 1
            for name, value in PATH_VALUES:
                path = _path(rule, {**valid, argument: value})
                send(rule, path, f"{rule.rule} {argument}={name}")
        if "GET" in rule.methods:
            for name, value in PATH_VALUES:
                query = "&".join(f"{q}={value}" for q in QUERY_NAMES)
                send(rule, _path(rule, valid) + "?" + query, f"{rule.rule}?...={name}")

    print("\n" + tally.summary())
    print("\n".join(tally.errors))
    assert tally.forms >= 90
    assert not tally.errors, tally.errors[:40]
    leaked = [n for n in LOG_NEEDLES if n in caplog.text]
    assert not leaked, f"hostile values in the log: {leaked}"
