"""API bearer tokens: issued on sign-in, stored only as a SHA-256, expiring, revocable.

The plain token is shown once (in the answer to POST /api/v1/tokens) and never stored or
logged. A password change revokes every token of the user (see accounts.services).
"""

import hashlib
import secrets
from datetime import timedelta

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.attributes import set_committed_value

from camp_app.accounts.models import ApiToken, User
from camp_app.audit.services import record, record_sign_in
from camp_app.database import commit_keeping_loaded
from camp_app.extensions import db
from camp_app.timeutil import utcnow

# Recording every use would mean a write per request; a minute is precise enough to see
# whether a token is still in use.
LAST_USED_RESOLUTION = timedelta(minutes=1)
MAX_TOKEN_LENGTH = 200  # far longer than ours; anything longer is not worth hashing


def hash_token(plain: str) -> str:
    return hashlib.sha256(plain.encode()).hexdigest()


def issue_token(user: User, factors=None) -> tuple[str, ApiToken]:
    """A new token for `user`: (the plain token to hand out once, its stored row). Commits.
    With `factors` (what was checked: "password", "otp"), it is a sign-in and logged so."""
    plain = secrets.token_urlsafe(32)
    now = utcnow()
    row = ApiToken(
        user_id=user.id,
        token_hash=hash_token(plain),
        created_at=now,
        expires_at=now + timedelta(hours=current_app.config["API_TOKEN_TTL_HOURS"]),
    )
    db.session.add(row)
    record(user.id, "api_token.issue", row, fields=["expires_at"])
    if factors is not None:
        record_sign_in(user.id, "sign_in.api", "users", user.id, factors)
    db.session.commit()
    return plain, row


def find_token(plain: str) -> ApiToken | None:
    """The live token row for `plain`: not expired, not revoked, of an active user."""
    if not isinstance(plain, str) or not 0 < len(plain) <= MAX_TOKEN_LENGTH:
        return None
    query = select(ApiToken).where(ApiToken.token_hash == hash_token(plain))
    # The user and their roles come with the token: one statement instead of three.
    query = query.options(joinedload(ApiToken.user).joinedload(User.role_rows))
    # Every row of the join is read (one per role), so that the roles are all there.
    row = db.session.scalars(query).unique().one_or_none()
    if row is None or row.revoked_at is not None or row.expires_at <= utcnow():
        return None
    if row.user is None or not row.user.active:
        return None
    return row


def use_token(plain: str) -> ApiToken | None:
    """The live token row for `plain`, noting its use (at most once a minute, so that reading
    the API does not write on every request); None for an unknown or dead token."""
    row = find_token(plain)
    if row is not None:
        _note_use(row)
    return row


def authenticate_token(plain: str) -> User | None:
    """The user a live bearer token belongs to, or None (see use_token)."""
    row = use_token(plain)
    return row.user if row is not None else None


def _note_use(row: ApiToken) -> None:
    now = utcnow()
    if row.last_used_at is not None and now - row.last_used_at < LAST_USED_RESOLUTION:
        return
    # A guarded UPDATE: concurrent requests with the same token write at most once.
    written = db.session.execute(
        update(ApiToken)
        .where(
            ApiToken.id == row.id,
            (ApiToken.last_used_at.is_(None))
            | (ApiToken.last_used_at < now - LAST_USED_RESOLUTION),
        )
        .values(last_used_at=now)
        .execution_options(synchronize_session=False)
    )
    if written.rowcount:
        set_committed_value(row, "last_used_at", now)
    # The token, its user and roles were read a moment ago: reading them again after the
    # commit would double the statements of every API request.
    commit_keeping_loaded(db.session)


def revoke(row: ApiToken) -> None:
    """End the token now (signing out). Safe to repeat. Commits."""
    if row.revoked_at is None:
        row.revoked_at = utcnow()
        record(row.user_id, "api_token.revoke", row, fields=["revoked_at"])
    db.session.commit()


def revoke_all(user: User) -> int:
    """End every live token of `user` (e.g. when an account is deactivated); the caller commits.
    Returns how many were revoked."""
    result = db.session.execute(
        update(ApiToken)
        .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return result.rowcount
