"""Limits on guessing passwords per client address, and on mail-sending forms per client
address and per email, through Flask-Limiter (per process unless REDIS_URL is set).

Failed logins only count when a view calls note_failed_login(): a parent who types the right
password is never slowed down by their own successful logins. Shared by the pages and the API.
The cap per account (per email) is kept in the database instead, so that every server process
counts the same failures: accounts.sign_in_attempts.
"""

from flask import request
from flask_limiter.util import get_remote_address

from camp_app.extensions import limiter
from camp_app.ops.metrics import note_failed_sign_in

FAILED_LOGIN_LIMIT = "10 per 15 minutes"
MAIL_REQUEST_LIMIT = "5 per 15 minutes"


def client_address() -> str | None:
    """The client's IP address (from the trusted proxies' headers behind TRUSTED_PROXIES)."""
    return get_remote_address() or None


def client_address_key() -> str:
    return "ip:" + (client_address() or "unknown")


def submitted_email_key() -> str:
    """The address being tried, from a form or a JSON body (never empty: the limiter skips
    empty keys)."""
    if request.is_json:
        try:
            body = request.get_json(silent=True)
        except RecursionError:  # absurdly deep nesting: the view answers 400 on its own
            body = None
        email = body.get("email") if isinstance(body, dict) else None
    else:
        email = request.form.get("email")
    return "email:" + (email.strip().lower() if isinstance(email, str) else "")


FAILED_LOGIN_MARK = "camp_app.login_failed"  # kept in the WSGI environ: strictly per request


def note_failed_login() -> None:
    request.environ[FAILED_LOGIN_MARK] = True
    note_failed_sign_in()  # the camp_sign_in_failures metric


def login_failed(_response) -> bool:
    return bool(request.environ.get(FAILED_LOGIN_MARK))


def limit_failed_logins(view):
    """At most FAILED_LOGIN_LIMIT failed logins per client address (per email address: the
    database's cap, accounts.sign_in_attempts)."""
    return limiter.limit(
        FAILED_LOGIN_LIMIT,
        key_func=client_address_key,
        methods=["POST"],
        deduct_when=login_failed,
    )(view)


def limit_mail_requests(view):
    """At most MAIL_REQUEST_LIMIT requests that send mail, per client address and per email."""
    for key_func in (client_address_key, submitted_email_key):
        view = limiter.limit(MAIL_REQUEST_LIMIT, key_func=key_func, methods=["POST"])(view)
    return view


SIGN_UP_ADDRESS_LIMIT = "30 per hour"  # generous: families often share a clinic's network


def limit_sign_ups(view):
    """A taken address is mailed on every sign-up attempt: cap attempts per address and email."""
    view = limiter.limit(SIGN_UP_ADDRESS_LIMIT, key_func=client_address_key, methods=["POST"])(view)
    return limiter.limit(MAIL_REQUEST_LIMIT, key_func=submitted_email_key, methods=["POST"])(view)
