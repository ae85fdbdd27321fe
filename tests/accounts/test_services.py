"""The account rules as the JSON API sees them: codes, fields, and no enumeration."""

import pytest

from camp_app.accounts import services
from camp_app.accounts.account_mails import verification_link
from camp_app.accounts.users import find_user_by_email
from camp_app.audit.models import AuditEntry
from camp_app.extensions import db
from camp_app.roles import Role
from camp_app.service_errors import InvalidInput, NotAllowed
from tests.accounts.helpers import mails_to
from tests.factories import PASSWORD, make_user


@pytest.fixture(autouse=True)
def in_a_request(app_ctx):
    """Services run inside a request (page or API); their messages need its language."""
    with app_ctx.test_request_context():
        yield


def _codes(error) -> set[tuple[str, str | None]]:
    return {(p.code, p.field) for p in error.problems}


def test_sign_up_reports_every_problem_with_its_field(app_ctx):
    with pytest.raises(InvalidInput) as caught:
        services.sign_up(email="x@", password="short", name=" ", phone="12", locale="fr")
    assert _codes(caught.value) == {
        ("invalid_email", "email"),
        ("password_too_weak", "password"),
        ("required", "name"),
        ("invalid_phone", "phone"),
        ("invalid_locale", "locale"),
    }
    assert mails_to("x@") == []


def test_sign_up_stores_the_locale_and_writes_an_audit_entry_without_values(app_ctx):
    services.sign_up(email="ana@example.org", password=PASSWORD, name="Ana", locale="es")
    user = find_user_by_email("ana@example.org")
    assert user.locale == "es"
    entry = db.session.scalars(db.select(AuditEntry).where(AuditEntry.action == "create")).one()
    assert entry.entity_id == user.id
    assert "password_hash" in entry.fields
    assert all(value not in entry.fields for value in ("ana@example.org", "Ana", PASSWORD))


def test_authenticate_codes(app_ctx):
    verified = make_user()
    unverified = make_user(verified=False)
    assert services.authenticate(verified.email.upper(), PASSWORD).id == verified.id
    with pytest.raises(NotAllowed) as caught:
        services.authenticate(unverified.email, PASSWORD)
    assert _codes(caught.value) == {("email_not_verified", "email")}
    for email, password in ((unverified.email, "wrong"), ("nobody@example.org", PASSWORD)):
        with pytest.raises(NotAllowed) as caught:
            services.authenticate(email, password)
        assert _codes(caught.value) == {("invalid_credentials", None)}


def test_an_inactive_account_cannot_sign_in(app_ctx):
    user = make_user()
    user.active = False
    db.session.commit()
    with pytest.raises(NotAllowed) as caught:
        services.authenticate(user.email, PASSWORD)
    assert _codes(caught.value) == {("invalid_credentials", None)}


def test_verify_email_with_a_token_for_an_old_address_is_refused(app_ctx):
    user = make_user(verified=False)
    token = verification_link(user).rsplit("/", 1)[1]
    user.email = "changed@example.org"
    db.session.commit()
    with pytest.raises(InvalidInput) as caught:
        services.verify_email(token)
    assert _codes(caught.value) == {("invalid_token", "token")}
    with pytest.raises(InvalidInput):
        services.verify_email("")


def test_verify_email_returns_the_user_and_is_idempotent(app_ctx):
    user = make_user(verified=False)
    token = verification_link(user).rsplit("/", 1)[1]
    assert services.verify_email(token).is_verified
    first = user.email_verified_at
    assert services.verify_email(token).email_verified_at == first


def test_reset_password_also_confirms_the_address(app_ctx):
    from camp_app.accounts.account_mails import reset_link

    user = make_user(verified=False)
    token = reset_link(user).rsplit("/", 1)[1]
    services.reset_password(token, "another long password")
    assert user.is_verified
    assert services.authenticate(user.email, "another long password").id == user.id


def test_create_account_gives_parents_a_household(app_ctx):
    parent = services.create_account(
        email="p@example.org", password=PASSWORD, name="P", roles=[Role.PARENT]
    )
    admin = services.create_account(
        email="a@example.org", password=PASSWORD, name="A", roles=["admin"], verified=True
    )
    assert parent.household is not None
    assert admin.household is None and admin.is_verified


def test_resend_and_reset_refuse_malformed_addresses_only(app_ctx):
    for call in (services.resend_verification, services.request_password_reset):
        with pytest.raises(InvalidInput) as caught:
            call("not an email")
        assert _codes(caught.value) == {("invalid_email", "email")}
        call("nobody@example.org")  # unknown: quietly nothing
    assert mails_to("nobody@example.org") == []
