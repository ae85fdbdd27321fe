"""Signed, expiring tokens for the links in account mails (verify email, reset password).

Each purpose has its own salt, so a verification token can never be used as a reset token.
The payload is signed, not encrypted: it holds only ids and fingerprints, never secrets.
"""

import hashlib

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer

VERIFY_PURPOSE = "camp-app.verify-email"
RESET_PURPOSE = "camp-app.reset-password"

VERIFY_MAX_AGE = 7 * 24 * 3600  # seconds: a week to find the mail
RESET_MAX_AGE = 2 * 3600  # seconds: short, because it grants access


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=purpose)


def make_token(purpose: str, payload: dict) -> str:
    return _serializer(purpose).dumps(payload)


def read_token(purpose: str, token: str, max_age: int) -> dict | None:
    """The payload of a genuine, unexpired token for `purpose`, or None."""
    try:
        payload = _serializer(purpose).loads(token, max_age=max_age)
    except BadSignature:  # also covers SignatureExpired and malformed tokens
        return None
    return payload if isinstance(payload, dict) else None


def email_fingerprint(email: str) -> str:
    """Binds a verification link to the address it was sent to, without showing the address
    in the link (the payload of a signed token is readable)."""
    return hashlib.sha256(email.encode()).hexdigest()[:32]


def password_fingerprint(password_hash: str, auth_version: int) -> str:
    """Changes whenever the password or auth_version changes, so a reset link works once."""
    digest = hashlib.sha256(f"{auth_version}:{password_hash}".encode())
    return digest.hexdigest()[:32]
