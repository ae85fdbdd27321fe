"""Between the password and the second factor: who is signing in, kept in the signed session
cookie for PENDING_LIFETIME. It is not a session (accounts.sessions starts one only once the
code passed): it opens no page but the code and enrolment pages. Bound to the account's
auth_version, so a password change in between voids it.
"""

from datetime import timedelta

from flask import session

from camp_app import timeutil
from camp_app.accounts.models import User
from camp_app.extensions import db

PENDING_KEY = "pending_sign_in"
PENDING_LIFETIME = timedelta(minutes=10)


def begin(user: User, next_url: str | None, first_factor: str = "password") -> None:
    session[PENDING_KEY] = {
        "uid": user.id,
        "av": user.auth_version,
        "at": int(timeutil.utcnow().timestamp()),
        "next": next_url or "",
        "by": first_factor,  # for the audit of the sign-in: what passed before the code
    }


def _state() -> dict | None:
    state = session.get(PENDING_KEY)
    if not isinstance(state, dict):
        return None
    started = state.get("at")
    if not isinstance(started, int):
        return None
    if timeutil.utcnow().timestamp() - started > PENDING_LIFETIME.total_seconds():
        return None
    return state


def pending_user() -> User | None:
    """The account whose password (or sign-in link) passed here lately, still active and
    with the same password; else None."""
    state = _state()
    if state is None:
        return None
    user = db.session.get(User, state.get("uid")) if isinstance(state.get("uid"), int) else None
    if user is None or not user.active or user.auth_version != state.get("av"):
        return None
    return user


def next_url() -> str:
    state = _state() or {}
    return state.get("next") or ""


FIRST_FACTORS = ("password", "sign_in_link", "reset_link")


def first_factor() -> str:
    """What passed before the code: "password", "sign_in_link" or "reset_link"."""
    by = (_state() or {}).get("by")
    return by if by in FIRST_FACTORS else "password"


def clear() -> None:
    session.pop(PENDING_KEY, None)
