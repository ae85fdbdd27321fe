"""Server-side sessions: a signed-in browser is a row in user_sessions, not just a cookie.

The cookie carries a random key (Flask-Login's `_user_id`); the table stores only its SHA-256.
Every request resumes the row by that hash (one indexed lookup) and refuses it once it is
ended (signed out, password changed), idle longer than the person's idle timeout, or older
than their absolute lifetime. So a copied cookie opens nothing after sign-out.

The timeouts are per role (config SESSION_IDLE_MINUTES_* and SESSION_LIFETIME_HOURS_*):
parents, and staff roles (every role but parent: they see children's medical details).
An account with several roles gets the strictest.
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, select, update
from sqlalchemy.orm import joinedload

from camp_app import timeutil
from camp_app.accounts.models import User, UserSession
from camp_app.audit.services import record_sign_in
from camp_app.extensions import db
from camp_app.roles import Role

# Noting activity on every request would write per request; a minute is precise enough for
# timeouts counted in tens of minutes.
LAST_SEEN_RESOLUTION = timedelta(minutes=1)
MAX_KEY_LENGTH = 200  # far longer than ours; anything longer is not worth hashing
# Rows are kept this long past the longest lifetime (for looking into a problem), then purged.
PURGE_AFTER_LIFETIME = timedelta(days=1)


@dataclass(frozen=True)
class SessionPolicy:
    idle: timedelta
    lifetime: timedelta


@dataclass(frozen=True)
class Resumed:
    """What a request's session key opened: a user, or none (`timed_out` when the session
    was live until this request found it idle or too old)."""

    user: User | None
    timed_out: bool = False


def _policy(kind: str) -> SessionPolicy:
    config = current_app.config
    return SessionPolicy(
        idle=timedelta(minutes=config[f"SESSION_IDLE_MINUTES_{kind}"]),
        lifetime=timedelta(hours=config[f"SESSION_LIFETIME_HOURS_{kind}"]),
    )


def policy_for(user: User) -> SessionPolicy:
    """The timeouts that apply to `user`: the strictest of their roles'."""
    policies = []
    if not user.roles or Role.PARENT in user.roles:
        policies.append(_policy("PARENT"))
    if user.roles - {Role.PARENT}:
        policies.append(_policy("STAFF"))
    return SessionPolicy(
        idle=min(p.idle for p in policies), lifetime=min(p.lifetime for p in policies)
    )


def hash_key(plain: str) -> str:
    return hashlib.sha256(plain.encode()).hexdigest()


def start(user: User, factors=None) -> str:
    """A new session for `user`; returns the plain key for the cookie (never stored). Commits.
    With `factors` (what was checked: "password", "sign_in_link", "otp"...), it is a sign-in,
    logged in the same transaction."""
    plain = secrets.token_urlsafe(32)
    now = timeutil.utcnow()
    db.session.add(
        UserSession(user_id=user.id, key_hash=hash_key(plain), created_at=now, last_seen_at=now)
    )
    if factors is not None:
        record_sign_in(user.id, "sign_in.web", "users", user.id, factors)
    db.session.commit()
    return plain


def _usable(key) -> bool:
    return isinstance(key, str) and 0 < len(key) <= MAX_KEY_LENGTH


def resume(key) -> Resumed:
    """The user whose live session `key` opens, noting the activity (at most one write a
    minute). A session found past its idle timeout or lifetime is ended here. Commits only
    when it writes, so call it before a request does anything else (see web.py)."""
    if not _usable(key):
        return Resumed(None)
    # The user's roles come in the same statement (one row per role; all of them are read).
    found = (
        db.session.execute(
            select(UserSession, User)
            .join(User, User.id == UserSession.user_id)
            .where(UserSession.key_hash == hash_key(key))
            .options(joinedload(User.role_rows))
        )
        .unique()
        .one_or_none()
    )
    if found is None:
        return Resumed(None)
    row, user = found
    if row.ended_at is not None or not user.active:
        return Resumed(None)
    now = timeutil.utcnow()
    policy = policy_for(user)
    if now - row.last_seen_at > policy.idle or now - row.created_at > policy.lifetime:
        _end_rows(UserSession.id == row.id, now)
        db.session.commit()
        return Resumed(None, timed_out=True)
    if now - row.last_seen_at >= LAST_SEEN_RESOLUTION:
        _note_activity(row, now)
    return Resumed(user)


def _note_activity(row: UserSession, now) -> None:
    # A guarded UPDATE: a rush of requests with the same cookie writes at most once a minute.
    db.session.execute(
        update(UserSession)
        .where(
            UserSession.id == row.id,
            UserSession.ended_at.is_(None),
            UserSession.last_seen_at <= now - LAST_SEEN_RESOLUTION,
        )
        .values(last_seen_at=now)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


def _end_rows(condition, now) -> int:
    result = db.session.execute(
        update(UserSession)
        .where(condition, UserSession.ended_at.is_(None))
        .values(ended_at=now)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount


def end(key) -> None:
    """End the session `key` opens (signing out). Safe to repeat. Commits."""
    if _usable(key):
        _end_rows(UserSession.key_hash == hash_key(key), timeutil.utcnow())
        db.session.commit()


def end_all(user: User) -> int:
    """End every session of `user` (password changed or reset); the caller commits.
    Returns how many were live."""
    return _end_rows(UserSession.user_id == user.id, timeutil.utcnow())


def old_rows():
    """Which sessions are old enough to go: past the longest lifetime, and a day."""
    config = current_app.config
    longest = max(config["SESSION_LIFETIME_HOURS_PARENT"], config["SESSION_LIFETIME_HOURS_STAFF"])
    cutoff = timeutil.utcnow() - timedelta(hours=longest) - PURGE_AFTER_LIFETIME
    return UserSession.created_at < cutoff


def purge_old() -> int:
    """Delete sessions that ended or expired long ago. Commits; returns how many."""
    result = db.session.execute(delete(UserSession).where(old_rows()))
    db.session.commit()
    return result.rowcount
