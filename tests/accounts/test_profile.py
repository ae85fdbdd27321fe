"""A person changes their own name, phone and mail language (PATCH /me, the account page);
the mails that follow are in the language chosen."""

import html

import pytest

from camp_app.accounts import services
from camp_app.accounts.models import User
from camp_app.audit.models import AuditEntry
from camp_app.extensions import db
from camp_app.notifications.models import OutboxMail
from tests.api.conftest import Api, token_for
from tests.factories import login, make_user


@pytest.fixture
def api(client):
    return Api(client)


def _last_mail_subject(user) -> str:
    query = db.select(OutboxMail.subject).where(OutboxMail.to_address == user.email)
    return db.session.scalars(query.order_by(OutboxMail.id.desc())).first()


def test_patch_me_sets_the_language_of_the_persons_mails(api, app_ctx):
    parent = make_user()
    token = token_for(parent)
    services.request_password_reset(parent.email)
    assert _last_mail_subject(parent) == "Choose a new password"

    answer = api.patch("/me", token, json={"locale": "es", "phone": "305-555-0123"})

    assert answer.status_code == 200, answer.data
    body = answer.get_json()
    assert (body["locale"], body["phone"], body["name"]) == ("es", "+13055550123", parent.name)
    assert api.get("/me", token).get_json()["locale"] == "es"
    services.request_password_reset(parent.email)
    assert _last_mail_subject(parent) == "Elija una contraseña nueva"
    entry = db.session.scalars(db.select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    assert entry.action == "update_profile" and sorted(entry.fields) == ["locale", "phone"]


@pytest.mark.parametrize(
    ("body", "code", "field"),
    [
        ({"locale": "fr"}, "invalid_locale", "locale"),
        ({"name": ""}, "required", "name"),
        ({"phone": "12"}, "invalid_phone", "phone"),
        ({"email": "new@example.org"}, "unknown_field", "email"),
    ],
)
def test_patch_me_refuses_bad_values_and_changes_nothing(api, app_ctx, body, code, field):
    parent = make_user(name="Ana Ruiz")
    answer = api.patch("/me", token_for(parent), json=body)
    assert answer.status_code == 422
    assert (code, field) in [(e["code"], e.get("field")) for e in answer.get_json()["errors"]]
    db.session.refresh(parent)
    assert (parent.locale, parent.name) == ("en", "Ana Ruiz")


def test_patch_me_needs_a_token(api, app_ctx):
    assert api.patch("/me", json={"locale": "es"}).status_code == 401


def test_a_parent_chooses_spanish_mails_on_the_account_page(app, client):
    with app.app_context():
        parent = make_user()
        email, user_id = parent.email, parent.id
        login(client, parent)
    page = html.unescape(client.get("/account/settings").get_data(as_text=True))
    assert "Language for emails" in page and 'name="locale"' in page

    refused = client.post("/account/profile", data={"name": "", "locale": "es"})
    assert refused.status_code == 422
    assert 'id="name-error"' in refused.get_data(as_text=True)

    saved = client.post("/account/profile", data={"name": "Ana Ruiz", "locale": "es"})

    assert saved.status_code == 302
    with app.app_context():
        user = db.session.get(User, user_id)
        assert (user.locale, user.name, user.phone) == ("es", "Ana Ruiz", None)
        services.request_password_reset(email)
        assert _last_mail_subject(user) == "Elija una contraseña nueva"
