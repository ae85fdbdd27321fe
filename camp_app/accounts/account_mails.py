"""The mails about an account. Each adds one outbox row; the caller commits.

Links are built from fixed paths rather than url_for, so that they work outside a request
(CLI, workers) and always match the contract's /account/verify/<token> and /account/reset/<token>
(and /account/sign-in/<token>, masked in logs like them: logging_setup.SECRET_PATH).
"""

from urllib.parse import urlencode

from flask_babel import lazy_gettext as _l

from camp_app.accounts import email_tokens
from camp_app.accounts.models import User
from camp_app.notifications.services import absolute_url, queue_mail

LOGIN_PATH = "/account/login"
FORGOT_PATH = "/account/forgot"
SIGN_IN_LINK_REQUEST_PATH = "/account/sign-in-link"


def verification_link(user: User, next_path: str | None = None) -> str:
    """The link that confirms the address; `next_path` (a path on this site, e.g. the camp's
    page the parent signed up from) rides inside the signed token, so the parent lands back
    there after confirming and signing in."""
    payload = {"uid": user.id, "em": email_tokens.email_fingerprint(user.email)}
    if next_path:
        payload["nx"] = next_path
    token = email_tokens.make_token(email_tokens.VERIFY_PURPOSE, payload)
    return absolute_url(f"/account/verify/{token}")


def reset_link(user: User) -> str:
    fingerprint = email_tokens.password_fingerprint(user.password_hash, user.auth_version)
    token = email_tokens.make_token(email_tokens.RESET_PURPOSE, {"uid": user.id, "fp": fingerprint})
    return absolute_url(f"/account/reset/{token}")


def _queue(user: User, template: str, subject, **context) -> None:
    queue_mail(
        to=user.email,
        template=template,
        subject=subject,
        context={"name": user.name, **context},
        locale=user.locale,
        user_id=user.id,
    )


def queue_verification(user: User, next_path: str | None = None) -> None:
    _queue(
        user,
        "account_verify",
        _l("Please confirm your email address"),
        verify_url=verification_link(user, next_path),
    )


def queue_account_exists(user: User, next_path: str | None = None) -> None:
    """Sent instead of a second account, so the sign-up page never reveals who has one."""
    login_path = f"{LOGIN_PATH}?{urlencode({'next': next_path})}" if next_path else LOGIN_PATH
    _queue(
        user,
        "account_exists",
        _l("You already have an account"),
        login_url=absolute_url(login_path),
        forgot_url=absolute_url(FORGOT_PATH),
    )


def queue_password_reset(user: User) -> None:
    _queue(
        user,
        "password_reset",
        _l("Choose a new password"),
        reset_url=reset_link(user),
        forgot_url=absolute_url(FORGOT_PATH),
    )


def queue_password_changed(user: User) -> None:
    _queue(
        user,
        "password_changed",
        _l("Your password was changed"),
        forgot_url=absolute_url(FORGOT_PATH),
    )


def queue_sign_in_link(user: User, token: str) -> None:
    _queue(
        user,
        "sign_in_link",
        _l("Your link to log in"),
        sign_in_url=absolute_url(f"/account/sign-in/{token}"),
        request_url=absolute_url(SIGN_IN_LINK_REQUEST_PATH),
    )
