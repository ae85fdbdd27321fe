"""Bearer tokens: stored hashed, expiring, revocable; sign-in and sign-out through the API."""

import hashlib
from datetime import timedelta

import pytest

from camp_app.accounts import tokens
from camp_app.accounts.models import ApiToken
from camp_app.extensions import db
from camp_app.roles import Role
from camp_app.timeutil import utcnow
from tests.api.conftest import codes_of, errors_of
from tests.factories import PASSWORD, make_user

# --- the token module -------------------------------------------------------------------


def test_only_the_sha256_of_a_token_is_stored(app_ctx):
    user = make_user()
    plain, _row = tokens.issue_token(user)
    stored = db.session.scalars(db.select(ApiToken)).one()
    assert stored.token_hash == hashlib.sha256(plain.encode()).hexdigest()
    assert plain not in {stored.token_hash, str(stored.id)}
    assert len(plain) >= 40
    assert tokens.authenticate_token(plain).id == user.id


def test_a_token_brings_every_role_of_its_user(app_ctx):
    # The user's roles are read in the token's own statement (one row per role): each one.
    user = make_user(roles=[Role.COORDINATOR, Role.NURSE, Role.STAFF])
    plain, _row = tokens.issue_token(user)
    db.session.expunge_all()
    found = tokens.authenticate_token(plain)
    assert found.roles == {Role.COORDINATOR, Role.NURSE, Role.STAFF}


def test_tokens_expire_after_the_configured_hours(app_ctx):
    user = make_user()
    before = utcnow()
    _plain, row = tokens.issue_token(user)
    hours = app_ctx.config["API_TOKEN_TTL_HOURS"]
    assert before + timedelta(hours=hours) <= row.expires_at <= utcnow() + timedelta(hours=hours)


def test_expired_revoked_and_unknown_tokens_authenticate_nobody(app_ctx):
    user = make_user()
    expired, row = tokens.issue_token(user)
    row.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    revoked, row2 = tokens.issue_token(user)
    tokens.revoke(row2)
    assert tokens.authenticate_token(expired) is None
    assert tokens.authenticate_token(revoked) is None
    assert tokens.authenticate_token("not-a-token") is None
    assert tokens.authenticate_token("") is None
    assert tokens.authenticate_token("x" * 5000) is None


def test_a_deactivated_users_tokens_stop_working(app_ctx):
    user = make_user()
    plain, _row = tokens.issue_token(user)
    user.active = False
    db.session.commit()
    assert tokens.authenticate_token(plain) is None


def test_last_use_is_written_at_most_once_a_minute(app_ctx):
    user = make_user()
    plain, row = tokens.issue_token(user)
    assert row.last_used_at is None
    tokens.authenticate_token(plain)
    first = db.session.get(ApiToken, row.id).last_used_at
    assert first is not None
    tokens.authenticate_token(plain)
    assert db.session.get(ApiToken, row.id).last_used_at == first
    row.last_used_at = utcnow() - timedelta(minutes=2)
    db.session.commit()
    tokens.authenticate_token(plain)
    assert db.session.get(ApiToken, row.id).last_used_at > first


def test_revoke_all_ends_every_token_of_the_user(app_ctx):
    user, other = make_user(), make_user()
    mine = [tokens.issue_token(user)[0] for _ in range(2)]
    theirs, _row = tokens.issue_token(other)
    assert tokens.revoke_all(user) == 2
    db.session.commit()
    assert all(tokens.authenticate_token(t) is None for t in mine)
    assert tokens.authenticate_token(theirs).id == other.id


# --- POST /tokens and DELETE /tokens/current ---------------------------------------------


def test_sign_in_answers_a_token_that_works(api, app_ctx):
    user = make_user()
    response = api.post("/tokens", json={"email": user.email.upper(), "password": PASSWORD})
    assert response.status_code == 201
    body = response.get_json()
    assert set(body) == {"token", "expires_at"}
    assert body["expires_at"].endswith("+00:00")
    me = api.get("/me", body["token"])
    assert me.status_code == 200
    assert me.get_json() == {
        "id": user.id,
        "email": user.email,
        "name": user.name,
        "roles": ["parent"],
        # What PATCH /me changes (contract v1.1): the phone and the language of the mails.
        "phone": "",
        "locale": "en",
    }
    assert response.headers["Cache-Control"] == "no-store"


def test_wrong_password_and_unknown_email_are_the_same_401(api, app_ctx):
    user = make_user()
    wrong = api.post("/tokens", json={"email": user.email, "password": "nope nope nope"})
    unknown = api.post("/tokens", json={"email": "nobody@example.org", "password": PASSWORD})
    assert wrong.status_code == unknown.status_code == 401
    assert codes_of(wrong) == codes_of(unknown) == ["invalid_credentials"]
    assert errors_of(wrong) == errors_of(unknown)
    assert wrong.headers["WWW-Authenticate"].startswith("Bearer")


def test_unverified_email_is_403_only_with_the_right_password(api, app_ctx):
    user = make_user(verified=False)
    response = api.post("/tokens", json={"email": user.email, "password": PASSWORD})
    assert response.status_code == 403
    assert codes_of(response) == ["email_not_verified"]
    wrong = api.post("/tokens", json={"email": user.email, "password": "wrong password!"})
    assert wrong.status_code == 401


def test_deactivated_account_cannot_sign_in(api, app_ctx):
    user = make_user()
    user.active = False
    db.session.commit()
    response = api.post("/tokens", json={"email": user.email, "password": PASSWORD})
    assert response.status_code == 401


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({}, {"email", "password"}),
        ({"email": "a@example.org"}, {"password"}),
        ({"email": 5, "password": ["x"]}, {"email", "password"}),
    ],
)
def test_sign_in_with_missing_or_mistyped_fields_is_422(api, app_ctx, body, fields):
    response = api.post("/tokens", json=body)
    assert response.status_code == 422
    assert {e["field"] for e in errors_of(response)} == fields


def test_repeated_failures_for_one_email_are_rate_limited(api, app_ctx):
    user = make_user()
    for n in range(10):
        # From different addresses: the limit follows the email, not only the client.
        response = api.post(
            "/tokens",
            json={"email": user.email, "password": "wrong password!"},
            environ_base={"REMOTE_ADDR": f"10.0.0.{n + 1}"},
        )
        assert response.status_code == 401
    blocked = api.post(
        "/tokens",
        json={"email": user.email, "password": PASSWORD},
        environ_base={"REMOTE_ADDR": "10.0.1.1"},
    )
    assert blocked.status_code == 429
    assert codes_of(blocked) == ["rate_limited"]
    assert "Retry-After" in blocked.headers
    # Another person is not locked out by someone guessing this address.
    other = make_user()
    fine = api.post(
        "/tokens",
        json={"email": other.email, "password": PASSWORD},
        environ_base={"REMOTE_ADDR": "10.0.1.1"},
    )
    assert fine.status_code == 201


def test_repeated_failures_from_one_address_are_rate_limited(api, app_ctx):
    user = make_user()
    for n in range(10):
        response = api.post("/tokens", json={"email": f"guess{n}@example.org", "password": "x"})
        assert response.status_code == 401
    blocked = api.post("/tokens", json={"email": user.email, "password": PASSWORD})
    assert blocked.status_code == 429
    assert codes_of(blocked) == ["rate_limited"]


def test_successful_sign_ins_do_not_count_toward_the_limit(api, app_ctx):
    user = make_user()
    for _ in range(12):
        response = api.post("/tokens", json={"email": user.email, "password": PASSWORD})
        assert response.status_code == 201


def test_sign_out_revokes_only_the_token_used(api, app_ctx):
    user = make_user()
    first, _row = tokens.issue_token(user)
    second, _row = tokens.issue_token(user)
    response = api.delete("/tokens/current", first)
    assert response.status_code == 204
    assert response.data == b""
    assert api.get("/me", first).status_code == 401
    assert api.get("/me", second).status_code == 200


def test_sign_out_needs_a_token(api, app_ctx):
    assert api.delete("/tokens/current").status_code == 401


# --- 401s --------------------------------------------------------------------------------


def test_missing_token_is_401_with_a_challenge(api, app_ctx):
    response = api.get("/me")
    assert response.status_code == 401
    assert codes_of(response) == ["unauthorized"]
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize(
    "header",
    ["Bearer", "Bearer ", "Bearer not-a-token", "Basic dXNlcjpwYXNz", "token", "Bearer a b"],
)
def test_bad_authorization_headers_are_401(api, app_ctx, header):
    response = api.get("/me", headers={"Authorization": header})
    assert response.status_code == 401
    assert codes_of(response) == ["unauthorized"]
    assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]


def test_expired_token_is_401(api, app_ctx):
    user = make_user()
    plain, row = tokens.issue_token(user)
    row.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    response = api.get("/me", plain)
    assert response.status_code == 401
    assert codes_of(response) == ["unauthorized"]


def test_revoked_token_is_401(api, app_ctx):
    user = make_user()
    plain, row = tokens.issue_token(user)
    tokens.revoke(row)
    assert api.get("/me", plain).status_code == 401


def test_a_bad_token_on_a_public_endpoint_is_still_401(api, app_ctx):
    assert api.get("/events").status_code == 200
    assert api.get("/events", "forged-token").status_code == 401


def test_me_lists_every_role(api, app_ctx):
    user = make_user((Role.COORDINATOR, Role.STAFF))
    plain, _row = tokens.issue_token(user)
    assert api.get("/me", plain).get_json()["roles"] == ["coordinator", "staff"]
