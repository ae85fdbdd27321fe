"""Password hashing (scrypt through Werkzeug) and the password rules."""

from functools import cache

from flask import current_app, has_app_context
from werkzeug.security import check_password_hash, generate_password_hash


@cache
def _dummy_hash(method: str) -> str:
    """A hash to check against when the email is unknown, so the answer takes the same time."""
    return generate_password_hash("not-a-real-password", method=method)


def hash_password(password: str) -> str:
    # Each hash records its own parameters, so changing the method never locks anyone out.
    return generate_password_hash(password, method=_method())


def _method() -> str:
    return current_app.config["PASSWORD_HASH_METHOD"] if has_app_context() else "scrypt"


def verify_password(password_hash: str | None, password: str) -> bool:
    if password_hash is None:
        check_password_hash(_dummy_hash(_method()), password)
        return False
    return check_password_hash(password_hash, password)


def password_problem(password: str) -> str | None:
    """Why a new password is refused, or None."""
    from flask_babel import gettext as _

    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    if len(password) < minimum:
        return _("Use at least %(n)d characters.", n=minimum)
    if len(password) > 256:
        return _("Use at most 256 characters.")
    return None
