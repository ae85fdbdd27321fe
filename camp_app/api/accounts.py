"""Accounts and tokens: sign up, verify the email, sign in for a token, sign out, who am I."""

from flask import jsonify
from flask_babel import gettext as _

from camp_app.accounts import second_factor, services, tokens
from camp_app.accounts.models import User
from camp_app.accounts.rate_limits import (
    client_address,
    limit_failed_logins,
    limit_sign_ups,
    note_failed_login,
)
from camp_app.accounts.schema import Credentials, SignUp, Verification
from camp_app.accounts.sign_in_attempts import SignInsCapped
from camp_app.api.blueprint import bp
from camp_app.api.core import (
    ApiError,
    api_public,
    api_signed_in,
    current_api_token,
    current_api_user,
    json_body,
    read_body,
)
from camp_app.service_errors import NotAllowed, Problem

# authenticate() refuses with NotAllowed; the contract gives these codes their own statuses.
SIGN_IN_STATUS = {"invalid_credentials": 401, "email_not_verified": 403}


def user_to_dict(user: User) -> dict:
    return {
        "id": user.id,
        "email": user.email,
        "name": user.name,
        "roles": sorted(user.roles),
        "phone": user.phone or "",
        "locale": user.locale or "en",
    }


@bp.post("/accounts")
@api_public
@limit_sign_ups
def sign_up():
    services.sign_up(**read_body(SignUp))
    message = _("Thank you. Please check your email to confirm your address.")
    return jsonify({"message": message}), 202


@bp.post("/accounts/verify")
@api_public
def verify_email():
    token = read_body(Verification)["token"]
    return jsonify(user_to_dict(services.verify_email(token)))


@bp.post("/tokens")
@api_public
@limit_failed_logins
def create_token():
    credentials = read_body(Credentials)
    email, password = credentials["email"], credentials["password"]
    try:
        user = services.authenticate(email, password, address=client_address())
    except SignInsCapped as capped:
        note_failed_login()
        headers = {"Retry-After": str(capped.retry_after)}
        raise ApiError(429, capped.problems, headers) from None
    except NotAllowed as refused:
        status = SIGN_IN_STATUS.get(refused.problems[0].code, 422)
        if status == 401:
            note_failed_login()  # counts toward the rate limit (see accounts.rate_limits)
        headers = {"WWW-Authenticate": 'Bearer realm="api"'} if status == 401 else None
        raise ApiError(status, refused.problems, headers) from None
    _check_second_factor(user, credentials.get("otp"))
    factors = ["password", "otp"] if second_factor.is_enrolled(user) else ["password"]
    plain, row = tokens.issue_token(user, factors)
    return jsonify({"token": plain, "expires_at": row.expires_at.isoformat()}), 201


def _check_second_factor(user: User, otp) -> None:
    """The code after the password (accounts.second_factor); raises ApiError when it is
    missing, wrong or reused, or when the account must enrol first (in the web pages)."""
    unauthorized = {"WWW-Authenticate": 'Bearer realm="api"'}
    if not second_factor.is_enrolled(user):
        if second_factor.is_required(user):
            message = _("Set up two-step sign-in in the web pages first, then try again.")
            raise ApiError(403, [Problem("mfa_enrollment_required", message)])
        return
    if otp is None or otp == "":
        message = _("Enter the code from your authenticator app.")
        raise ApiError(401, [Problem("otp_required", message, "otp")], unauthorized)
    try:
        second_factor.check_code(user, otp, address=client_address())
    except SignInsCapped as capped:
        note_failed_login()
        raise ApiError(429, capped.problems, {"Retry-After": str(capped.retry_after)}) from None
    except NotAllowed as refused:
        note_failed_login()
        problems = [Problem(p.code, p.message, "otp") for p in refused.problems]
        raise ApiError(401, problems, unauthorized) from None


@bp.delete("/tokens/current")
@api_signed_in
def delete_current_token():
    tokens.revoke(current_api_token())
    return "", 204


@bp.get("/me")
@api_signed_in
def me():
    return jsonify(user_to_dict(current_api_user()))


@bp.patch("/me")
@api_signed_in
def update_me():
    return jsonify(user_to_dict(services.update_profile(current_api_user(), json_body())))
