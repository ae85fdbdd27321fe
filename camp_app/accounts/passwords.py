"""Password hashing (scrypt through Werkzeug) and the password rules."""

from flask import current_app
from werkzeug.security import check_password_hash, generate_password_hash

# A hash to compare against when the email is unknown, so that the answer takes the same time.
_DUMMY_HASH = generate_password_hash("not-a-real-password", method="scrypt")


def hash_password(password: str) -> str:
    return generate_password_hash(password, method="scrypt")


def verify_password(password_hash: str | None, password: str) -> bool:
    return check_password_hash(password_hash or _DUMMY_HASH, password) and password_hash is not None


def password_problem(password: str) -> str | None:
    """Why a new password is refused, or None."""
    from flask_babel import gettext as _

    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    if len(password) < minimum:
        return _("Use at least %(n)d characters.", n=minimum)
    if len(password) > 256:
        return _("Use at most 256 characters.")
    return None
