"""One-time sign-in links by mail, so that a stranger guessing someone's password (which caps
their failed sign-ins, accounts.sign_in_attempts) cannot lock the rightful owner out.

A link works once, for LINK_LIFETIME, and is used up only by a POST: opening it (GET, as mail
scanners do) shows a button. Only the SHA-256 of its token is stored. The pages ask for one
with an email address and answer the same whether or not it has an account.
"""

import hashlib
import secrets
from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import delete, select, update

from camp_app import timeutil
from camp_app.accounts import account_mails
from camp_app.accounts.models import SignInLink, User
from camp_app.accounts.schema import SignUp
from camp_app.accounts.users import find_user_by_email
from camp_app.audit.services import record
from camp_app.extensions import db
from camp_app.schemas.validation import validate
from camp_app.service_errors import InvalidInput, Problem

LINK_LIFETIME = timedelta(minutes=15)
MAX_TOKEN_LENGTH = 200
PURGE_AFTER = timedelta(days=1)  # past expiry


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _invalid_link() -> InvalidInput:
    message = _("This link is no longer valid. It may have expired or been used already.")
    return InvalidInput(Problem("invalid_token", message, "token"))


def request_link(email: str) -> None:
    """Mail a sign-in link if `email` has an active account; otherwise do nothing, and say
    nothing. Raises InvalidInput for a malformed address. Commits."""
    validate(SignUp, {"email": email}, partial=True)  # InvalidInput for a malformed address
    user = find_user_by_email(email)
    if user is None or not user.active:
        return
    token = secrets.token_urlsafe(32)
    now = timeutil.utcnow()
    db.session.add(
        SignInLink(
            user_id=user.id,
            token_hash=_hash(token),
            created_at=now,
            expires_at=now + LINK_LIFETIME,
        )
    )
    account_mails.queue_sign_in_link(user, token)
    db.session.commit()


def _live(token, now):
    return (
        SignInLink.token_hash == _hash(token),
        SignInLink.used_at.is_(None),
        SignInLink.expires_at > now,
    )


def _usable(token) -> bool:
    return isinstance(token, str) and 0 < len(token) <= MAX_TOKEN_LENGTH


def link_is_live(token: str) -> bool:
    """Whether `token` would sign someone in now, without using it up."""
    if not _usable(token):
        return False
    found = db.session.scalar(select(SignInLink.id).where(*_live(token, timeutil.utcnow())))
    return found is not None


def sign_in_with_link(token: str) -> User:
    """Use the link up and return whose it is. Works while failed sign-ins are capped: the
    link proves the mailbox, not a guess. Also confirms an unconfirmed address, as a reset
    link does. Raises InvalidInput(invalid_token). Commits."""
    if not _usable(token):
        raise _invalid_link()
    now = timeutil.utcnow()
    # A guarded UPDATE: of two requests with the same link, exactly one uses it.
    used = db.session.execute(
        update(SignInLink)
        .where(*_live(token, now))
        .values(used_at=now)
        .returning(SignInLink.user_id)
    ).scalar()
    user = db.session.get(User, used) if used is not None else None
    if user is None or not user.active:
        db.session.rollback()
        raise _invalid_link()
    if not user.is_verified:
        user.email_verified_at = now
        record(user.id, "verify_email", user, ["email_verified_at"])
    db.session.commit()
    return user


def old_rows():
    """Which links expired more than PURGE_AFTER ago (used or not)."""
    return SignInLink.expires_at < timeutil.utcnow() - PURGE_AFTER


def purge_old() -> int:
    """Delete links that expired a while ago. Commits; returns how many."""
    result = db.session.execute(delete(SignInLink).where(old_rows()))
    db.session.commit()
    return result.rowcount
