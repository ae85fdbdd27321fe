"""The second factor (TOTP): required for every role but parent, optional for parents;
enrolled at the first sign-in with a QR code and a typed key; recovery codes; a code is never
accepted twice; wrong codes are capped; sign-in and reset links do not skip it; an admin
resets a lost authenticator; the API asks for `otp`; the CLI enrols with --otp-secret."""

import html
import re

import pyotp
import pytest
from sqlalchemy import select, text

from camp_app.accounts.models import RecoveryCode, User, UserSession
from camp_app.audit.models import AuditEntry
from camp_app.extensions import db
from camp_app.roles import Role
from tests.accounts.helpers import link_path, only_mail_to
from tests.factories import OTP_SECRET, PASSWORD, fresh_otp, login, make_user

CODE_PAGE = "/account/second-factor"
ENROL_PAGE = "/account/second-factor/enrol"
RESET_PAGE = "/account/second-factor/reset"
SETTINGS = "/account/settings"


def password_step(client, user, **data):
    return client.post("/account/login", data={"email": user.email, "password": PASSWORD, **data})


def signed_in(client) -> bool:
    return client.get(SETTINGS).status_code == 200


def code_now(secret: str = OTP_SECRET) -> str:
    from camp_app import timeutil

    return pyotp.TOTP(secret).at(timeutil.utcnow())


def wrong_code(secret: str = OTP_SECRET) -> str:
    right = code_now(secret)
    return f"{(int(right) + 500_000) % 1_000_000:06d}"


def test_the_password_alone_does_not_sign_staff_in(app, app_ctx):
    user = make_user((Role.STAFF,))
    client = app.test_client()
    answer = password_step(client, user)
    assert answer.headers["Location"] == CODE_PAGE
    assert not signed_in(client)  # the password passed, but no session yet
    assert db.session.scalar(select(UserSession.id).where(UserSession.user_id == user.id)) is None
    page = client.get(CODE_PAGE).get_data(as_text=True)
    assert 'autocomplete="one-time-code"' in page

    refused = client.post(CODE_PAGE, data={"code": wrong_code()})
    assert refused.status_code == 422
    assert "That code is not right" in refused.get_data(as_text=True)
    assert not signed_in(client)

    passed = client.post(CODE_PAGE, data={"code": code_now()})
    assert passed.headers["Location"] == "/attendance/"  # staff land where their work is
    assert signed_in(client)


def test_a_code_is_never_accepted_twice(app, app_ctx):
    user = make_user((Role.COORDINATOR,))
    first, second = app.test_client(), app.test_client()
    code = code_now()
    password_step(first, user)
    assert first.post(CODE_PAGE, data={"code": code}).status_code == 302
    password_step(second, user)
    replay = second.post(CODE_PAGE, data={"code": code})
    assert replay.status_code == 422
    assert not signed_in(second)
    assert signed_in(first)


def test_a_code_of_an_earlier_step_is_refused_after_a_later_one(app, app_ctx, clock):
    user = make_user((Role.NURSE,))
    client = app.test_client()
    earlier = code_now()
    clock.advance(seconds=30)
    later = code_now()
    password_step(client, user)
    assert client.post(CODE_PAGE, data={"code": later}).status_code == 302
    other = app.test_client()
    password_step(other, user)
    # Still within the drift allowed, but older than the step already used.
    assert other.post(CODE_PAGE, data={"code": earlier}).status_code == 422


def test_wrong_codes_are_capped_like_wrong_passwords(app, app_ctx):
    user = make_user((Role.ADMIN,))
    client = app.test_client()
    password_step(client, user)
    for _ in range(10):
        assert client.post(CODE_PAGE, data={"code": wrong_code()}).status_code == 422
    capped = client.post(CODE_PAGE, data={"code": code_now()})
    assert capped.status_code == 429
    assert "Retry-After" in capped.headers
    assert not signed_in(client)


def test_a_stranger_guessing_passwords_does_not_block_the_code_step(app, app_ctx):
    user = make_user((Role.STAFF,))
    for _ in range(10):
        app.test_client().post("/account/login", data={"email": user.email, "password": "guess"})
    # The owner signs in by mail (the password is capped for now) and then gives the code.
    client = app.test_client()
    client.post("/account/sign-in-link", data={"email": user.email})
    path = link_path(only_mail_to(user.email), "sign-in")
    assert client.post(path).headers["Location"] == CODE_PAGE
    assert not signed_in(client)  # the link alone is not enough
    assert client.post(CODE_PAGE, data={"code": code_now()}).status_code == 302
    assert signed_in(client)


def test_a_password_reset_link_does_not_skip_the_code(app, app_ctx):
    user = make_user((Role.COORDINATOR,))
    client = app.test_client()
    client.post("/account/forgot", data={"email": user.email})
    path = link_path(only_mail_to(user.email), "reset")
    new = "a brand new long passphrase"
    answer = client.post(path, data={"password": new, "password_confirm": new})
    assert answer.headers["Location"] == CODE_PAGE
    assert not signed_in(client)


def test_the_code_step_times_out(app, app_ctx, clock):
    user = make_user((Role.STAFF,))
    client = app.test_client()
    password_step(client, user)
    clock.advance(minutes=11)
    answer = client.post(CODE_PAGE, data={"code": code_now()})
    assert answer.headers["Location"] == "/account/login"
    assert not signed_in(client)


def _enrol(client) -> tuple[str, list[str]]:
    """Enrol from the page the way a person does: read the key, type the app's code."""
    page = client.get(ENROL_PAGE).get_data(as_text=True)
    assert 'src="data:image/svg+xml' in page  # the QR code
    secret = html.unescape(re.search(r'<code class="otp-secret">([A-Z2-7]+)</code>', page)[1])
    done = client.post(ENROL_PAGE, data={"code": code_now(secret)})
    assert done.status_code == 200
    codes = re.findall(r"<li><code>([0-9a-f]{5}-[0-9a-f]{5})</code></li>", done.get_data(True))
    return secret, codes


def test_staff_without_an_authenticator_enrol_at_their_first_sign_in(app, app_ctx):
    user = make_user((Role.STAFF,), otp=False)
    client = app.test_client()
    assert password_step(client, user).headers["Location"] == ENROL_PAGE
    assert not signed_in(client)
    assert client.post(ENROL_PAGE, data={"code": "000000"}).status_code == 422
    secret, codes = _enrol(client)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert signed_in(client)

    db.session.expire_all()
    enrolled = db.session.get(User, user.id)
    assert enrolled.otp_secret == secret and enrolled.otp_enrolled_at is not None
    # The secret is sealed in the table: the raw column shows neither it nor its base32 form.
    raw = db.session.execute(text("SELECT otp_secret FROM users WHERE id = :id"), {"id": user.id})
    assert secret not in raw.scalar()
    stored = db.session.scalars(
        select(RecoveryCode.code_hash).where(RecoveryCode.user_id == user.id)
    )
    assert not set(codes) & set(stored)  # only hashes
    assert db.session.scalar(
        select(AuditEntry.id).where(
            AuditEntry.action == "second_factor.enrol", AuditEntry.entity_id == user.id
        )
    )


def test_a_recovery_code_signs_in_once(app, app_ctx):
    user = make_user((Role.STAFF,), otp=False)
    client = app.test_client()
    password_step(client, user)
    _secret, codes = _enrol(client)
    for attempt, expected in ((1, 302), (2, 422)):
        other = app.test_client()
        password_step(other, user)
        answer = other.post(CODE_PAGE, data={"code": codes[0].upper()})
        assert answer.status_code == expected, attempt
    assert client.get(SETTINGS).get_data(as_text=True).count("Recovery codes left: 9") == 1


def test_parents_sign_in_with_the_password_alone_and_may_turn_the_code_on(app, app_ctx, clock):
    user = make_user()
    client = app.test_client()
    assert password_step(client, user).headers["Location"] == "/family"
    assert "Turn on two-step sign-in" in client.get(SETTINGS).get_data(as_text=True)
    secret, codes = _enrol(client)
    assert len(codes) == 10

    clock.advance(seconds=30)  # the code that enrolled is used up
    later = app.test_client()
    assert password_step(later, user).headers["Location"] == CODE_PAGE
    assert later.post(CODE_PAGE, data={"code": code_now(secret)}).status_code == 302


def test_an_admin_resets_a_lost_authenticator(app, app_ctx):
    admin = make_user((Role.ADMIN,))
    user = make_user((Role.COORDINATOR,))
    theirs, admins = app.test_client(), app.test_client()
    login(theirs, user)
    login(admins, admin)
    assert "Reset an authenticator" in admins.get("/admin/audit").get_data(as_text=True)
    answer = admins.post(RESET_PAGE, data={"email": user.email.upper()})
    assert answer.headers["Location"] == RESET_PAGE

    assert not signed_in(theirs)  # whoever holds the phone is out
    db.session.expire_all()
    assert db.session.get(User, user.id).otp_secret is None
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "second_factor.reset"))
    assert (entry.actor_id, entry.entity_id) == (admin.id, user.id)
    fresh = app.test_client()
    assert password_step(fresh, user).headers["Location"] == ENROL_PAGE


@pytest.mark.parametrize("roles", [(Role.COORDINATOR,), (Role.NURSE,), (Role.PARENT,)])
def test_only_admins_reset_authenticators(app, app_ctx, roles):
    client = app.test_client()
    login(client, make_user(roles))
    target = make_user((Role.STAFF,))
    assert client.get(RESET_PAGE).status_code == 403
    assert client.post(RESET_PAGE, data={"email": target.email}).status_code == 403
    db.session.expire_all()
    assert db.session.get(User, target.id).otp_secret is not None


def test_an_unknown_address_is_named_and_nothing_changes(app, app_ctx):
    admin = make_user((Role.ADMIN,))
    client = app.test_client()
    login(client, admin)
    answer = client.post(RESET_PAGE, data={"email": "nobody@example.org"})
    assert answer.status_code == 422
    assert "No account with this address has an authenticator." in answer.get_data(as_text=True)


# --- the API -----------------------------------------------------------------------------


def ask_token(client, user, **extra):
    return client.post("/api/v1/tokens", json={"email": user.email, "password": PASSWORD, **extra})


def test_the_api_asks_for_the_code_and_refuses_it_twice(app, app_ctx):
    user = make_user((Role.STAFF,))
    client = app.test_client()
    missing = ask_token(client, user)
    assert missing.status_code == 401
    assert missing.get_json()["errors"][0]["code"] == "otp_required"
    wrong = ask_token(client, user, otp=wrong_code())
    assert (wrong.status_code, wrong.get_json()["errors"][0]["code"]) == (401, "invalid_otp")
    code = code_now()
    assert ask_token(client, user, otp=code).status_code == 201
    replay = ask_token(client, user, otp=code)
    assert (replay.status_code, replay.get_json()["errors"][0]["code"]) == (401, "invalid_otp")


def test_the_api_refuses_staff_who_have_not_enrolled(app, app_ctx):
    user = make_user((Role.COORDINATOR,), otp=False)
    answer = ask_token(app.test_client(), user)
    assert answer.status_code == 403
    assert answer.get_json()["errors"][0]["code"] == "mfa_enrollment_required"


def test_a_parent_without_an_authenticator_gets_a_token_with_the_password(app, app_ctx):
    assert ask_token(app.test_client(), make_user()).status_code == 201


def test_the_cli_enrols_an_authenticator(runner, app, app_ctx):
    secret = pyotp.random_base32()
    args = ["users", "create", "--email", "nurse@example.org", "--password", PASSWORD]
    args += ["--name", "Nurse Joy", "--role", "nurse", "--verified", "--otp-secret", secret]
    result = runner.invoke(args=args)
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.email == "nurse@example.org"))
    client = app.test_client()
    assert ask_token(client, user, otp=code_now(secret)).status_code == 201
    password_step(client, user)
    assert client.post(CODE_PAGE, data={"code": fresh_otp(app, user)}).status_code == 422


@pytest.mark.parametrize("secret", ["not base32!", "ABCDEF", ""])
def test_the_cli_refuses_a_bad_secret_and_creates_nothing(runner, app_ctx, secret):
    args = ["users", "create", "--email", "nurse@example.org", "--password", PASSWORD]
    args += ["--name", "Nurse Joy", "--role", "nurse", "--otp-secret", secret]
    result = runner.invoke(args=args)
    assert result.exit_code != 0
    assert "base32" in result.output
    assert db.session.scalar(select(User).where(User.email == "nurse@example.org")) is None
