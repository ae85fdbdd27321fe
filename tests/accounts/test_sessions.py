"""Server-side sessions: signing out ends the session on the server (a copied cookie then
opens nothing), sessions time out when idle and at an absolute lifetime, shorter for staff
roles, and noting activity writes at most once a minute."""

from datetime import timedelta

import pytest

from camp_app.accounts import sessions
from camp_app.accounts.models import UserSession
from camp_app.extensions import db
from camp_app.roles import Role
from tests.accounts.helpers import link_path, only_mail_to
from tests.factories import PASSWORD, fresh_otp, login, make_user
from tests.support.queries import counted_statements

FAMILY = "/family"
SETTINGS = "/account/settings"
NEW_PASSWORD = "a brand new long password"


def session_key(client) -> str:
    with client.session_transaction() as session:
        return session["_user_id"]


def copy_cookie(source, target) -> None:
    target.set_cookie("session", source.get_cookie("session").value)


def signed_in(client, path=SETTINGS) -> bool:
    response = client.get(path)
    assert response.status_code in (200, 302), response.status_code
    if response.status_code == 302:
        assert response.headers["Location"].startswith("/account/login")
    return response.status_code == 200


def test_a_copied_cookie_opens_nothing_after_sign_out(app, app_ctx):
    user = make_user()
    owner, thief = app.test_client(), app.test_client()
    login(owner, user)
    copy_cookie(owner, thief)
    assert thief.get(FAMILY).status_code == 200  # the copy works while the session lives

    assert owner.post("/account/logout").status_code == 302

    stolen = thief.get(FAMILY)
    assert stolen.status_code == 302
    assert stolen.headers["Location"].startswith("/account/login")
    assert not signed_in(owner)
    row = db.session.scalars(db.select(UserSession)).one()
    assert row.ended_at is not None


def test_the_database_holds_only_a_hash_of_the_session_key(app, app_ctx):
    user = make_user()
    client = app.test_client()
    login(client, user)
    key = session_key(client)
    row = db.session.scalars(db.select(UserSession).where(UserSession.user_id == user.id)).one()
    assert row.key_hash == sessions.hash_key(key)
    assert key not in row.key_hash
    assert str(user.id) != key and len(key) >= 40  # a random key, not the user's id


def test_every_login_is_its_own_session_and_ends_alone(app, app_ctx):
    user = make_user()
    laptop, phone = app.test_client(), app.test_client()
    login(laptop, user)
    login(phone, user)
    laptop.post("/account/logout")
    assert not signed_in(laptop)
    assert signed_in(phone)


def test_logging_in_again_ends_the_session_this_browser_had(app, app_ctx):
    first, second = make_user(), make_user()
    client, copy = app.test_client(), app.test_client()
    login(client, first)
    copy_cookie(client, copy)
    login(client, second)
    assert not signed_in(copy)


def test_a_password_reset_ends_every_other_session(app, app_ctx):
    user = make_user()
    elsewhere, here = app.test_client(), app.test_client()
    login(elsewhere, user)
    here.post("/account/forgot", data={"email": user.email})
    path = link_path(only_mail_to(user.email), "reset")
    here.post(path, data={"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD})
    assert signed_in(here)
    assert not signed_in(elsewhere)


def test_a_deactivated_account_is_signed_out_at_its_next_request(app, app_ctx):
    user = make_user()
    client = app.test_client()
    login(client, user)
    user.active = False
    db.session.commit()
    assert not signed_in(client)


# --- timeouts ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("roles", "idle"),
    [
        ((Role.PARENT,), timedelta(hours=2)),
        ((Role.COORDINATOR,), timedelta(minutes=30)),
        ((Role.STAFF,), timedelta(minutes=30)),
        ((Role.ADMIN,), timedelta(minutes=30)),
        ((Role.PARENT, Role.STAFF), timedelta(minutes=30)),  # the strictest role applies
    ],
)
def test_a_session_ends_after_its_idle_timeout(app, app_ctx, clock, roles, idle):
    user = make_user(roles)
    client = app.test_client()
    login(client, user)
    clock.advance(seconds=idle.total_seconds() - 60)
    assert signed_in(client)  # activity: the idle time starts again
    clock.advance(seconds=idle.total_seconds() - 60)
    assert signed_in(client)
    clock.advance(seconds=idle.total_seconds() + 1)
    assert not signed_in(client)
    clock.advance(seconds=1)
    assert not signed_in(client)  # and stays ended


def test_a_coordinator_times_out_where_a_parent_does_not(app, app_ctx, clock):
    parent, coordinator = make_user(), make_user((Role.COORDINATOR,))
    parents_browser, coordinators_browser = app.test_client(), app.test_client()
    login(parents_browser, parent)
    login(coordinators_browser, coordinator)
    clock.advance(minutes=45)
    assert signed_in(parents_browser)
    assert not signed_in(coordinators_browser)


def _stay_active(client, clock, every: timedelta, until: timedelta) -> None:
    """Use the site every `every` until just before `until` after now; each request works."""
    elapsed = timedelta(0)
    while elapsed + every < until:
        clock.advance(seconds=every.total_seconds())
        elapsed += every
        assert signed_in(client), elapsed
    clock.advance(seconds=(until - elapsed).total_seconds() + 60)


@pytest.mark.parametrize(
    ("roles", "every", "lifetime"),
    [
        ((Role.PARENT,), timedelta(minutes=110), timedelta(days=7)),
        ((Role.COORDINATOR,), timedelta(minutes=25), timedelta(hours=12)),
    ],
)
def test_a_session_ends_at_its_absolute_lifetime_however_active(
    app, app_ctx, clock, roles, every, lifetime
):
    user = make_user(roles)
    client = app.test_client()
    login(client, user)
    _stay_active(client, clock, every, lifetime)
    assert not signed_in(client)  # active a moment ago, but signed in too long ago
    assert login(client, user).status_code == 302  # a new login starts a new lifetime
    assert signed_in(client)


def test_the_timeouts_come_from_the_configuration(app, app_ctx, clock):
    app.config.update(SESSION_IDLE_MINUTES_STAFF=5, SESSION_LIFETIME_HOURS_PARENT=1)
    staff, parent = make_user((Role.STAFF,)), make_user()
    staff_browser, parents_browser = app.test_client(), app.test_client()
    login(staff_browser, staff)
    login(parents_browser, parent)
    clock.advance(minutes=6)
    assert not signed_in(staff_browser)
    assert signed_in(parents_browser)
    clock.advance(minutes=55)
    assert not signed_in(parents_browser)


def test_a_timed_out_session_says_so_and_returns_to_the_page_after_login(app, app_ctx, clock):
    user = make_user((Role.COORDINATOR,))
    client = app.test_client()
    login(client, user)
    clock.advance(minutes=31)

    asked = client.get(SETTINGS)
    assert asked.headers["Location"] == "/account/login?next=%2Faccount%2Fsettings"
    page = client.get(asked.headers["Location"]).get_data(as_text=True)
    assert "Your session timed out, so you were logged out. Please log in again." in page
    assert 'value="/account/settings"' in page

    password = client.post(
        "/account/login", data={"email": user.email, "password": PASSWORD, "next": SETTINGS}
    )
    assert password.headers["Location"] == "/account/second-factor"  # the page is kept for after
    back = client.post("/account/second-factor", data={"code": fresh_otp(app, user)})
    assert back.headers["Location"] == SETTINGS
    assert client.get(SETTINGS).status_code == 200
    assert "timed out" not in client.get(SETTINGS).get_data(as_text=True)  # said once


def test_the_timeout_message_is_spanish_for_a_spanish_visitor(app, app_ctx, clock):
    user = make_user((Role.STAFF,))
    client = app.test_client()
    client.post("/language/es", data={"next": "/"})
    login(client, user)
    clock.advance(minutes=31)
    page = client.get(SETTINGS, follow_redirects=True).get_data(as_text=True)
    assert "Su sesión venció y se cerró. Inicie sesión de nuevo, por favor." in page


def _session_writes(statements) -> list[str]:
    return [s for s in statements if s.lstrip().upper().startswith("UPDATE USER_SESSIONS")]


def test_a_rush_of_requests_notes_activity_at_most_once_a_minute(app, app_ctx, clock):
    user = make_user()
    client = app.test_client()
    login(client, user)
    with counted_statements() as statements:
        for _ in range(20):
            assert client.get(SETTINGS).status_code == 200
    assert _session_writes(statements) == []  # seen at login, less than a minute ago

    clock.advance(seconds=61)
    with counted_statements() as statements:
        for _ in range(20):
            assert client.get(SETTINGS).status_code == 200
    assert len(_session_writes(statements)) == 1
    db.session.expire_all()
    row = db.session.scalars(db.select(UserSession)).one()
    assert row.last_seen_at == clock.now
