"""Every string field of the API's child, contact, event and account bodies refuses NUL,
control characters and lone surrogates with the contract's 422, naming the field (nested ones
by their path, as the services name them); nothing is stored, nothing is logged. On SQLite
and on PostgreSQL, where NUL used to fail in the database with a 500."""

import json
import logging

import pytest
from sqlalchemy import func, select

from camp_app.accounts import tokens
from camp_app.accounts.models import User
from camp_app.events.models import Event
from camp_app.families.models import Child, Contact
from camp_app.roles import Role
from camp_app.text_rules import FORBIDDEN_MESSAGE
from tests.factories import make_child, make_user
from tests.hostile.fuzz import json_leaves, with_value
from tests.hostile.test_fuzz_api import CHILD, EVENT
from tests.support.outside_requests import data

SECRET = "Leukemia-relapse"
BAD = {"nul": f"{SECRET}\x00", "control": f"{SECRET}\x07", "surrogate": f"{SECRET}\ud800"}
CONTACT = {"kind": "pickup", "name": "Tia Rosa", "relationship": "aunt", "phone": "3055550102"}
ACCOUNT = {
    "email": "rosa@example.org",
    "password": "a long enough password",
    "name": "Rosa Diaz",
    "phone": "(305) 555-0123",
    "locale": "en",
}


@pytest.fixture(params=["sqlite_app", pytest.param("pg_app", marks=pytest.mark.postgres)])
def db_app(request):
    return request.getfixturevalue(request.param)


def string_fields(body) -> list[tuple]:
    return [path for path in json_leaves(body) if isinstance(_at(body, path), str)]


def _at(body, path):
    for part in path:
        body = body[part]
    return body


def field_name(path: tuple) -> str:
    """("medications", 0, "dose") -> "medications[0].dose", as the services name fields."""
    name = str(path[0])
    for part in path[1:]:
        name += f"[{part}]" if isinstance(part, int) else f".{part}"
    return name


def send(client, method, path, body, token=None):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return client.open(
        "/api/v1" + path,
        method=method,
        data=json.dumps(body),  # lone surrogates travel as \ud800 escapes, as clients send them
        content_type="application/json",
        headers=headers,
    )


def count_of(app, model) -> int:
    with data(app) as session:
        return session.scalar(select(func.count()).select_from(model))


def assert_refused(response, field: str, caplog) -> None:
    assert response.status_code == 422, (field, response.status_code, response.get_json())
    error = response.get_json()["errors"][0]
    assert error == {"code": "invalid_text", "message": str(FORBIDDEN_MESSAGE), "field": field}
    assert SECRET not in caplog.text
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR], field


def _token(app, roles) -> tuple[str, int, int | None]:
    with data(app):
        user = make_user(roles)
        child_id = make_child(user.household).id if user.household else None
        return tokens.issue_token(user)[0], user.id, child_id


@pytest.mark.parametrize("kind", BAD)
def test_child_and_contact_bodies_refuse_the_characters_in_every_string(db_app, caplog, kind):
    caplog.set_level(logging.INFO, logger="camp_app")
    token, _user, child_id = _token(db_app, (Role.PARENT,))
    client = db_app.test_client()
    calls = [
        ("POST", "/family/children", CHILD),
        ("PATCH", f"/family/children/{child_id}", CHILD),
        ("POST", "/family/contacts", CONTACT),
    ]
    for method, path, body in calls:
        for field in string_fields(body):
            response = send(client, method, path, with_value(body, field, BAD[kind]), token)
            assert_refused(response, field_name(field), caplog)
    assert count_of(db_app, Child) == 1 and count_of(db_app, Contact) == 0
    with data(db_app) as session:
        assert session.get(Child, child_id).first_name == "Maya"


@pytest.mark.parametrize("kind", BAD)
def test_event_bodies_refuse_the_characters_in_every_string(db_app, caplog, kind):
    caplog.set_level(logging.INFO, logger="camp_app")
    token, _user, _child = _token(db_app, (Role.COORDINATOR,))
    client = db_app.test_client()
    fields = string_fields(EVENT)
    assert ("eligibility", "diagnosis_categories", 0) in fields
    for field in fields:
        response = send(client, "POST", "/events", with_value(EVENT, field, BAD[kind]), token)
        assert_refused(response, field_name(field), caplog)
    assert count_of(db_app, Event) == 0


@pytest.mark.parametrize("kind", BAD)
def test_account_and_token_bodies_refuse_the_characters_in_every_string(db_app, caplog, kind):
    caplog.set_level(logging.INFO, logger="camp_app")
    client = db_app.test_client()
    for field in string_fields(ACCOUNT):
        response = send(client, "POST", "/accounts", with_value(ACCOUNT, field, BAD[kind]))
        assert_refused(response, field_name(field), caplog)
    for field in ("email", "password"):
        body = {"email": "rosa@example.org", "password": "x", field: BAD[kind]}
        assert_refused(send(client, "POST", "/tokens", body), field, caplog)
    assert_refused(send(client, "POST", "/accounts/verify", {"token": BAD[kind]}), "token", caplog)
    assert count_of(db_app, User) == 0


def test_a_forbidden_key_is_refused_without_naming_it(app):
    token, _user, _child = _token(app, (Role.PARENT,))
    response = send(app.test_client(), "POST", "/family/children", {**CHILD, "x\x00": 1}, token)
    assert response.status_code == 422
    assert response.get_json()["errors"] == [
        {"code": "invalid_text", "message": str(FORBIDDEN_MESSAGE)}
    ]
