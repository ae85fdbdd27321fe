"""Forgotten-password reset by mail, and changing the password while signed in."""

from camp_app.accounts.models import ApiToken
from camp_app.accounts.tokens import issue_token
from camp_app.audit.models import AuditEntry
from camp_app.extensions import db
from tests.accounts.helpers import link_path, mails_to, only_mail_to, travel_forward
from tests.factories import PASSWORD, login, make_user

NEW_PASSWORD = "a brand new long password"


def _ask_for_reset(client, user) -> str:
    response = client.post("/account/forgot", data={"email": user.email})
    assert response.headers["Location"] == "/account/forgot/sent"
    mail = only_mail_to(user.email)
    assert mail.category == "password_reset"
    return link_path(mail, "reset")


def test_reset_by_mail_sets_the_password_and_logs_in(client, app_ctx):
    user = make_user()
    path = _ask_for_reset(client, user)

    form = client.get(path)
    assert form.status_code == 200
    assert b"Choose a new password" in form.data
    done = client.post(path, data={"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD})
    assert done.status_code == 302
    assert client.get("/account/settings").status_code == 200  # logged in

    client.post("/account/logout")
    assert login(client, user, PASSWORD).status_code == 422
    assert login(client, user, NEW_PASSWORD).status_code == 302
    categories = [m.category for m in mails_to(user.email)]
    assert categories == ["password_reset", "password_changed"]
    entry = db.session.scalars(
        db.select(AuditEntry).where(AuditEntry.action == "reset_password")
    ).one()
    assert entry.fields == ["auth_version", "password_hash"]


def test_a_reset_link_works_only_once(client, app_ctx):
    user = make_user()
    path = _ask_for_reset(client, user)
    client.post(path, data={"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD})
    client.post("/account/logout")

    again = client.post(path, data={"password": "someone else's pass", "password_confirm": "x"})
    assert again.status_code == 404
    assert b"no longer valid" in again.data
    assert client.get(path).status_code == 404
    assert login(client, user, NEW_PASSWORD).status_code == 302


def test_an_older_reset_link_dies_when_the_password_changes(client, app_ctx):
    user = make_user()
    path = _ask_for_reset(client, user)
    login(client, user)
    client.post(
        "/account/password",
        data={
            "current_password": PASSWORD,
            "new_password": NEW_PASSWORD,
            "new_password_confirm": NEW_PASSWORD,
        },
    )
    assert client.get(path).status_code == 404


def test_a_reset_link_expires_after_two_hours(client, app_ctx, monkeypatch):
    user = make_user()
    path = _ask_for_reset(client, user)
    travel_forward(monkeypatch, 2 * 3600 - 60)
    assert client.get(path).status_code == 200
    travel_forward(monkeypatch, 2 * 3600 + 60)
    response = client.post(path, data={"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD})
    assert response.status_code == 404
    assert login(client, user, PASSWORD).status_code == 302


def test_reset_refuses_a_short_password_next_to_the_field(client, app_ctx):
    user = make_user()
    path = _ask_for_reset(client, user)
    response = client.post(path, data={"password": "short", "password_confirm": "short"})
    assert response.status_code == 422
    assert b'id="password-error"' in response.data
    assert client.get(path).status_code == 200  # the link still works for another try


def test_forgot_answers_the_same_for_unknown_addresses(client, app_ctx):
    known = make_user()
    for address in (known.email, "nobody@example.org"):
        response = client.post("/account/forgot", data={"email": address})
        assert response.headers["Location"] == "/account/forgot/sent"
    assert mails_to("nobody@example.org") == []
    assert len(mails_to(known.email)) == 1


def test_a_verification_link_is_not_a_reset_link(client, app_ctx):
    from tests.accounts.helpers import sign_up

    sign_up(client)
    verify_path = link_path(only_mail_to("rosa@example.org"), "verify")
    token = verify_path.rsplit("/", 1)[1]
    assert client.get(f"/account/reset/{token}").status_code == 404


def test_changing_the_password_ends_other_sessions_but_keeps_this_one(app, app_ctx):
    user = make_user()
    here, elsewhere = app.test_client(), app.test_client()
    login(here, user)
    login(elsewhere, user)
    _plain, api_token = issue_token(user)
    assert elsewhere.get("/account/settings").status_code == 200

    response = here.post(
        "/account/password",
        data={
            "current_password": PASSWORD,
            "new_password": NEW_PASSWORD,
            "new_password_confirm": NEW_PASSWORD,
        },
    )
    assert response.status_code == 302
    assert here.get("/account/settings").status_code == 200
    assert elsewhere.get("/account/settings").status_code == 302
    db.session.expire_all()
    assert db.session.get(ApiToken, api_token.id).revoked_at is not None
    assert [m.category for m in mails_to(user.email)] == ["password_changed"]
    entry = db.session.scalars(
        db.select(AuditEntry).where(AuditEntry.action == "change_password")
    ).one()
    assert (entry.actor_id, entry.entity_id) == (user.id, user.id)
    assert entry.fields == ["auth_version", "password_hash"]


def test_change_password_needs_the_current_one(client, app_ctx):
    user = make_user()
    login(client, user)
    response = client.post(
        "/account/password",
        data={
            "current_password": "not my password",
            "new_password": "short",
            "new_password_confirm": "short",
        },
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="current_password-error"' in html
    assert "That is not your current password." in html
    assert 'id="new_password-error"' in html
    client.post("/account/logout")
    assert login(client, user, PASSWORD).status_code == 302


def test_a_mistyped_and_too_short_new_password_gets_both_messages(client, app_ctx):
    user = make_user()
    login(client, user)
    response = client.post(
        "/account/password",
        data={"current_password": PASSWORD, "new_password": "short", "new_password_confirm": "x"},
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="new_password-error"' in html and "at least 12 characters" in html
    assert 'id="new_password_confirm-error"' in html
