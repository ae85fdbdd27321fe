"""Helpers for the API tests: people with tokens, and a client that speaks JSON."""

import pytest

from camp_app.accounts import tokens, users
from camp_app.accounts.passwords import hash_password
from camp_app.roles import Role
from tests.factories import PASSWORD, make_contact, make_user


class Api:
    """The test client with the API's base path and an optional bearer token."""

    def __init__(self, client):
        self.client = client

    def call(self, method, path, token=None, json=None, **kwargs):
        headers = kwargs.pop("headers", {})
        if token:
            headers["Authorization"] = f"Bearer {token}"
        return self.client.open(
            "/api/v1" + path, method=method, json=json, headers=headers, **kwargs
        )

    def get(self, path, token=None, **kwargs):
        return self.call("GET", path, token, **kwargs)

    def post(self, path, token=None, json=None, **kwargs):
        return self.call("POST", path, token, json=json, **kwargs)

    def patch(self, path, token=None, json=None, **kwargs):
        return self.call("PATCH", path, token, json=json, **kwargs)

    def delete(self, path, token=None, **kwargs):
        return self.call("DELETE", path, token, **kwargs)


@pytest.fixture
def api(client):
    return Api(client)


def token_for(user) -> str:
    plain, _row = tokens.issue_token(user)
    return plain


@pytest.fixture(scope="session")
def password_hash() -> str:
    return hash_password(PASSWORD)


@pytest.fixture(autouse=True)
def hash_test_passwords_once(monkeypatch, password_hash):
    """Every test user has the same password: hash it once instead of per user (scrypt is
    slow on purpose). Other passwords are hashed for real."""

    def cached(password: str) -> str:
        return password_hash if password == PASSWORD else hash_password(password)

    monkeypatch.setattr(users, "hash_password", cached)


@pytest.fixture
def people(app_ctx):
    """One user per role (the parent with an emergency contact), each with a token."""
    parent = make_user((Role.PARENT,), name="Paula Parent")
    make_contact(parent.household)
    other_parent = make_user((Role.PARENT,), name="Otto Other")
    make_contact(other_parent.household)
    users = {
        "parent": parent,
        "other_parent": other_parent,
        "coordinator": make_user((Role.COORDINATOR,)),
        "staff": make_user((Role.STAFF,)),
        "admin": make_user((Role.ADMIN,)),
    }
    return {name: (user, token_for(user)) for name, user in users.items()}


def errors_of(response) -> list[dict]:
    body = response.get_json()
    assert isinstance(body, dict) and isinstance(body.get("errors"), list), response.data
    for error in body["errors"]:
        assert isinstance(error["code"], str) and isinstance(error["message"], str)
    return body["errors"]


def codes_of(response) -> list[str]:
    return [e["code"] for e in errors_of(response)]
