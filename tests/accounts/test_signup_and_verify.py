"""Signing up, the verification mail, and confirming the address through the page."""

from camp_app.accounts.models import User
from camp_app.accounts.users import find_user_by_email
from camp_app.audit.models import AuditEntry
from camp_app.extensions import db
from camp_app.roles import Role
from tests.accounts.helpers import (
    SIGNUP,
    link_path,
    mails_to,
    only_mail_to,
    sign_up,
    travel_forward,
)
from tests.factories import PASSWORD, login, make_user


def test_sign_up_creates_an_unverified_parent_with_a_household_and_mails_a_link(client, app_ctx):
    response = sign_up(client)

    assert response.status_code == 302
    assert response.headers["Location"] == "/account/check-email"
    user = find_user_by_email("Rosa@Example.org")
    assert user.name == "Rosa Diaz"
    assert user.roles == {Role.PARENT}
    assert user.household is not None
    assert user.phone == "+13055550123"
    assert not user.is_verified
    assert user.password_hash != SIGNUP["password"]
    mail = only_mail_to("rosa@example.org")
    assert mail.category == "account_verify"
    assert mail.subject == "Please confirm your email address"
    assert "Rosa Diaz" in mail.body_text
    assert link_path(mail, "verify").startswith("/account/verify/")
    assert SIGNUP["password"] not in mail.body_text


def test_verifying_through_the_page_then_logging_in(client, app_ctx):
    sign_up(client)
    path = link_path(only_mail_to("rosa@example.org"), "verify")

    page = client.get(path)  # what a mail scanner does: nothing changes
    assert page.status_code == 200
    assert b"Confirm my email address" in page.data
    assert not find_user_by_email("rosa@example.org").is_verified

    confirmed = client.post(path)
    assert confirmed.status_code == 302
    assert confirmed.headers["Location"] == "/account/login"
    db.session.expire_all()
    user = find_user_by_email("rosa@example.org")
    assert user.is_verified
    login_page = client.get("/account/login")
    assert b"your email address is confirmed" in login_page.data
    assert b'value="rosa@example.org"' in login_page.data  # pre-filled, not in the URL

    logged_in = client.post(
        "/account/login", data={"email": "rosa@example.org", "password": SIGNUP["password"]}
    )
    assert logged_in.status_code == 302
    assert client.get("/account/settings").status_code == 200
    audit = db.session.scalars(
        db.select(AuditEntry).where(AuditEntry.action == "verify_email")
    ).one()
    assert audit.entity_id == user.id
    assert audit.fields == ["email_verified_at"]


def test_a_verification_link_can_be_followed_twice(client, app_ctx):
    sign_up(client)
    path = link_path(only_mail_to("rosa@example.org"), "verify")
    assert client.post(path).status_code == 302
    again = client.post(path)
    assert again.status_code == 302
    entries = db.session.scalars(db.select(AuditEntry).where(AuditEntry.action == "verify_email"))
    assert len(list(entries)) == 1


def test_a_tampered_or_expired_verification_link_is_refused(client, app_ctx, monkeypatch):
    sign_up(client)
    path = link_path(only_mail_to("rosa@example.org"), "verify")

    tampered = client.post(path[:-2] + ("AA" if not path.endswith("AA") else "BB"))
    assert tampered.status_code == 422
    assert b"no longer valid" in tampered.data

    travel_forward(monkeypatch, 7 * 24 * 3600 + 60)
    expired = client.post(path)
    assert expired.status_code == 422
    assert b"Send me a new link" in expired.data
    db.session.expire_all()
    assert not find_user_by_email("rosa@example.org").is_verified


def test_taken_email_answers_the_same_and_mails_the_owner_instead(client, app_ctx):
    owner = make_user(email="taken@example.org", name="First Owner")
    hash_before = owner.password_hash
    fresh = sign_up(client, email="new@example.org", name="Someone New")
    taken = sign_up(client, email="TAKEN@example.org", name="Someone Else")

    assert (taken.status_code, taken.headers["Location"]) == (
        fresh.status_code,
        fresh.headers["Location"],
    )
    assert db.session.scalar(db.select(db.func.count()).select_from(User)) == 2
    db.session.refresh(owner)
    assert owner.name == "First Owner"
    assert owner.password_hash == hash_before
    mail = only_mail_to("taken@example.org")
    assert mail.category == "account_exists"
    assert "http://camp.test/account/login" in mail.body_text
    assert "http://camp.test/account/forgot" in mail.body_text
    assert "/account/verify/" not in mail.body_text
    assert only_mail_to("new@example.org").category == "account_verify"
    # The owner's password still works: nothing about the account changed.
    assert login(client, owner, PASSWORD).status_code == 302


def test_sign_up_shows_each_error_next_to_its_field(client, app_ctx):
    response = sign_up(
        client,
        name="  ",
        email="not-an-email",
        phone="12",
        password="short",
        password_confirm="different",
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    for name in ("name", "email", "phone", "password", "password_confirm"):
        assert f'id="{name}-error"' in html, name
    assert "The two passwords are not the same." in html
    assert "at least 12 characters" in html
    assert html.count("Enter your name.") == 2  # next to the field and in the summary, once each
    assert mails_to("not-an-email") == []


def test_sign_up_service_problems_reach_the_fields(client, app_ctx):
    response = sign_up(
        client,
        email="rosa@@example",
        phone="555",
        password="short pass",
        password_confirm="short pass",
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="email-error"' in html and "Enter an email address like" in html
    assert 'id="phone-error"' in html
    assert 'id="password-error"' in html and "at least 12 characters" in html
    assert db.session.scalar(db.select(db.func.count()).select_from(User)) == 0


def test_resend_verification_mails_only_unverified_accounts_and_answers_the_same(client, app_ctx):
    make_user(email="done@example.org", verified=True)
    make_user(email="waiting@example.org", verified=False)
    answers = {
        address: client.post("/account/resend-verification", data={"email": address})
        for address in ("done@example.org", "waiting@example.org", "nobody@example.org")
    }
    assert {(r.status_code, r.headers["Location"]) for r in answers.values()} == {
        (302, "/account/check-email")
    }
    assert mails_to("done@example.org") == []
    assert mails_to("nobody@example.org") == []
    assert link_path(only_mail_to("waiting@example.org"), "verify")


def test_the_mail_language_starts_as_the_language_the_page_is_read_in(app):
    """A reader of the Spanish site who leaves the choice alone gets Spanish mails."""
    spanish = app.test_client().get(
        "/account/signup", headers={"Accept-Language": "es-ES,es;q=0.9"}
    )
    assert '<option selected value="es">' in spanish.get_data(as_text=True)
    english = app.test_client().get("/account/signup", headers={"Accept-Language": "en-US"})
    assert '<option selected value="en">' in english.get_data(as_text=True)
