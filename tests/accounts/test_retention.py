"""The mail worker purges old sign-in rows (sessions long over, old attempts, expired links)
and keeps the recent ones, so that no table grows forever."""

import pytest

from camp_app.accounts import sessions, sign_in_attempts, sign_in_links
from camp_app.accounts.models import SignInAttempt, SignInLink, UserSession
from camp_app.accounts.services import authenticate
from camp_app.extensions import db
from camp_app.service_errors import NotAllowed
from tests.factories import make_user


def _counts() -> list[int]:
    return [db.session.query(model).count() for model in (UserSession, SignInAttempt, SignInLink)]


def _make_rows(user) -> None:
    sessions.start(user)
    with pytest.raises(NotAllowed):
        authenticate(user.email, "wrong password", address="192.0.2.1")
    sign_in_links.request_link(user.email)


def test_the_mail_worker_purges_old_sign_in_rows_and_keeps_recent_ones(app_ctx, runner, clock):
    user = make_user()
    _make_rows(user)  # old by the end
    clock.advance(days=31)
    _make_rows(user)  # recent
    assert _counts() == [2, 2, 2]

    result = runner.invoke(args=["mail-worker", "--once"])

    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert _counts() == [1, 1, 1]
    for model, column in (
        (UserSession, UserSession.created_at),
        (SignInAttempt, SignInAttempt.at),
        (SignInLink, SignInLink.created_at),
    ):
        kept = db.session.scalar(db.select(column))
        assert kept == clock.now, model


def test_a_session_is_kept_while_it_could_still_be_live(app_ctx, clock):
    user = make_user()
    sessions.start(user)
    clock.advance(days=7, hours=23)
    assert sessions.purge_old() == 0
    clock.advance(hours=2)
    assert sessions.purge_old() == 1


def test_attempts_are_kept_30_days_for_the_admins(app_ctx, clock):
    _make_rows(make_user())
    clock.advance(days=29, hours=23)
    assert sign_in_attempts.purge_old() == 0
    clock.advance(hours=2)
    assert sign_in_attempts.purge_old() == 1
