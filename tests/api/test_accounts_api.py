"""POST /accounts and POST /accounts/verify: sign-up never tells whether an address is taken."""

import re

import pytest

from camp_app.accounts.models import User
from camp_app.extensions import db
from camp_app.notifications.models import OutboxMail
from tests.api.conftest import codes_of, errors_of
from tests.factories import PASSWORD, make_user

NEW = {"email": "new.parent@example.org", "password": PASSWORD, "name": "Nora New"}


def mails_to(address: str) -> list[OutboxMail]:
    query = db.select(OutboxMail).where(OutboxMail.to_address == address).order_by(OutboxMail.id)
    return list(db.session.scalars(query))


def verify_token_from_mail(address: str) -> str:
    (mail,) = mails_to(address)
    match = re.search(r"/account/verify/([^\s\"'<>]+)", mail.body_text)
    assert match, mail.body_text
    return match.group(1)


def test_sign_up_is_202_and_mails_a_verification_link(api, app_ctx):
    response = api.post("/accounts", json={**NEW, "phone": "305 555 0100", "locale": "es"})
    assert response.status_code == 202
    assert response.get_json()["message"]
    user = db.session.scalar(db.select(User).where(User.email == NEW["email"]))
    assert user is not None and not user.is_verified
    assert user.locale == "es"
    assert user.roles == {"parent"}
    assert verify_token_from_mail(NEW["email"])


def test_a_taken_address_gets_the_same_answer_and_a_mail_saying_so(api, app_ctx):
    existing = make_user(email="taken@example.org")
    response = api.post("/accounts", json={**NEW, "email": existing.email})
    fresh = api.post("/accounts", json=NEW)
    assert response.status_code == fresh.status_code == 202
    assert response.get_json() == fresh.get_json()
    (mail,) = mails_to(existing.email)
    assert "/account/verify/" not in mail.body_text
    assert db.session.scalar(db.select(db.func.count(User.id))) == 2


def test_verify_then_sign_in(api, app_ctx):
    api.post("/accounts", json=NEW)
    token = verify_token_from_mail(NEW["email"])
    blocked = api.post("/tokens", json={"email": NEW["email"], "password": PASSWORD})
    assert blocked.status_code == 403
    response = api.post("/accounts/verify", json={"token": token})
    assert response.status_code == 200
    body = response.get_json()
    assert body["email"] == NEW["email"] and body["roles"] == ["parent"]
    assert api.post("/accounts/verify", json={"token": token}).status_code == 200  # repeatable
    signed_in = api.post("/tokens", json={"email": NEW["email"], "password": PASSWORD})
    assert signed_in.status_code == 201


@pytest.mark.parametrize("token", ["", "garbage", "a.b.c", "x" * 3000])
def test_a_bad_verification_token_is_422_invalid_token(api, app_ctx, token):
    response = api.post("/accounts/verify", json={"token": token})
    assert response.status_code == 422
    assert codes_of(response) == ["invalid_token"]


def test_verify_needs_a_text_token(api, app_ctx):
    for body in ({}, {"token": None}, {"token": 12}, {"token": ["a"]}):
        response = api.post("/accounts/verify", json=body)
        assert response.status_code == 422
        assert errors_of(response)[0]["field"] == "token"


def test_sign_up_reports_every_problem_with_its_field(api, app_ctx):
    response = api.post(
        "/accounts",
        json={"email": "not an email", "password": "short", "name": "", "locale": "fr"},
    )
    assert response.status_code == 422
    fields = {e["field"] for e in errors_of(response)}
    assert {"email", "password", "name", "locale"} <= fields
    assert mails_to("not an email") == []


@pytest.mark.parametrize(
    "body",
    [
        {"email": 1, "password": PASSWORD, "name": "A"},
        {"email": "a@example.org", "password": True, "name": "A"},
        {"email": "a@example.org", "password": PASSWORD, "name": {"first": "A"}},
        {"email": "a@example.org", "password": PASSWORD, "name": "A", "phone": 3055550100},
        {"email": "a@example.org", "password": PASSWORD, "name": "A", "locale": ["en"]},
    ],
)
def test_sign_up_with_mistyped_fields_is_422(api, app_ctx, body):
    response = api.post("/accounts", json=body)
    assert response.status_code == 422
    assert codes_of(response) == ["invalid_type"]


def test_sign_up_needs_the_required_fields(api, app_ctx):
    response = api.post("/accounts", json={})
    assert response.status_code == 422
    assert {e["field"] for e in errors_of(response)} == {"email", "password", "name"}
