"""The second factor: an authenticator app (TOTP, RFC 6238: SHA-1, 6 digits, 30 s), with
one-time recovery codes for a lost phone.

Required for every role but parent (roles.SECOND_FACTOR_REQUIRED); parents may turn it on.
Enrolling stores a new secret (sealed, sealing) that counts only once a code from the
app confirmed it. A code is never accepted twice: the time-step of the last accepted code is
kept per account, and only a later step passes (claimed by a guarded UPDATE, so two requests
racing with one code cannot both win). Every code checked is a sign-in attempt, so wrong codes
count toward a cap on failed sign-ins (accounts.sign_in_attempts), as wrong passwords do.
"""

import base64
import binascii
import hashlib
import hmac
import re
import secrets

import pyotp
import segno
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import delete, or_, update

from camp_app import timeutil
from camp_app.accounts import sessions, sign_in_attempts
from camp_app.accounts.models import RecoveryCode, User
from camp_app.accounts.sign_in_attempts import Outcome
from camp_app.accounts.tokens import revoke_all as revoke_all_tokens
from camp_app.audit.services import record, record_sign_in
from camp_app.extensions import db
from camp_app.roles import SECOND_FACTOR_REQUIRED
from camp_app.service_errors import InvalidInput, NotAllowed, Problem

STEP_SECONDS = 30
DIGITS = 6
# A code of the step before or after also passes: phone clocks drift, and people are slow.
DRIFT_STEPS = 1
RECOVERY_CODE_COUNT = 10
MIN_SECRET_BYTES = 10  # 80 bits, RFC 4226's floor; ours are 160
MAX_CODE_LENGTH = 40


def is_enrolled(user: User) -> bool:
    return user.otp_enrolled_at is not None and user.otp_secret is not None


def is_required(user: User) -> bool:
    return user.has_role(*SECOND_FACTOR_REQUIRED)


def needed_at_sign_in(user: User) -> bool:
    """Whether signing in takes a code after the password (or enrolling, when required)."""
    return is_enrolled(user) or is_required(user)


def _invalid_code() -> NotAllowed:
    message = _("That code is not right, or was used already. Please try the newest code.")
    return NotAllowed(Problem("invalid_otp", message, "code"))


# --- enrolling ---------------------------------------------------------------------------


def start_enrolment(user: User) -> str:
    """The secret to show for enrolling `user` (a new one, kept until a code confirms it;
    the same one again when the page is reloaded). Commits."""
    if user.otp_secret is None or is_enrolled(user):
        user.otp_secret = pyotp.random_base32()  # 160 bits
        user.otp_enrolled_at = None
        db.session.commit()
    return user.otp_secret


def provisioning_uri(user: User, secret: str) -> str:
    # The authenticator app shows the hospital's name (branding) next to the code.
    issuer = current_app.config["BRAND_NAME"]
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=issuer)


def qr_code_data_uri(uri: str) -> str:
    """The otpauth:// URI as a QR code, an SVG data URI for an <img> (the page's CSP allows
    data: images)."""
    return segno.make(uri, error="m").svg_data_uri(scale=5, border=2)


def confirm_enrolment(user: User, code: str, *, address: str | None) -> list[str]:
    """Confirm the secret from start_enrolment with a code from the app; returns the new
    recovery codes (plain, to be shown once). Raises NotAllowed(invalid_otp) or
    SignInsCapped. Commits."""
    if user.otp_secret is None or is_enrolled(user):
        raise _invalid_code()
    _check(user, code, address=address, recovery_allowed=False)
    user.otp_enrolled_at = timeutil.utcnow()
    codes = _new_recovery_codes(user)
    record(user.id, "second_factor.enrol", user, ["otp_enrolled_at", "otp_secret"])
    db.session.commit()
    return codes


def _normalized_secret(secret) -> str:
    return re.sub(r"\s", "", secret if isinstance(secret, str) else "").upper().rstrip("=")


def secret_problem(secret) -> Problem | None:
    """What is wrong with a secret given on the command line, if anything."""
    normalized = _normalized_secret(secret)
    try:
        raw = base64.b32decode(normalized + "=" * (-len(normalized) % 8))
    except (binascii.Error, ValueError):
        raw = b""
    if len(raw) >= MIN_SECRET_BYTES:
        return None
    message = _("Give the secret in base32 (letters A-Z and digits 2-7), 16 characters or more.")
    return Problem("invalid_otp_secret", message, "otp_secret")


def enrol_with_secret(user: User, secret: str) -> None:
    """Enrol `user` with a secret given on the command line (automation, tests), as scanning
    the QR code would. Raises InvalidInput(invalid_otp_secret). The caller commits."""
    problem = secret_problem(secret)
    if problem is not None:
        raise InvalidInput(problem)
    user.otp_secret = _normalized_secret(secret)
    user.otp_enrolled_at = timeutil.utcnow()
    user.otp_last_step = None
    db.session.flush()
    record(user.id, "second_factor.enrol", user, ["otp_enrolled_at", "otp_secret"])


def _new_recovery_codes(user: User) -> list[str]:
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    now = timeutil.utcnow()
    codes = [_format_recovery_code(secrets.token_hex(5)) for _ in range(RECOVERY_CODE_COUNT)]
    db.session.add_all(
        RecoveryCode(user_id=user.id, code_hash=_recovery_hash(code), created_at=now)
        for code in codes
    )
    return codes


def _format_recovery_code(hex_digits: str) -> str:
    return f"{hex_digits[:5]}-{hex_digits[5:]}"


def _recovery_hash(code: str) -> str:
    normalized = re.sub(r"[^0-9a-f]", "", code.lower())
    return hashlib.sha256(normalized.encode()).hexdigest()


def reset(actor: User, user: User) -> None:
    """An admin clears `user`'s lost authenticator: the next sign-in enrols a new one.
    Every session and API token of theirs ends (whoever holds the phone holds them). Commits."""
    user.otp_secret = None
    user.otp_enrolled_at = None
    user.otp_last_step = None
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    sessions.end_all(user)
    revoke_all_tokens(user)
    record(actor.id, "second_factor.reset", user, ["otp_enrolled_at", "otp_secret"])
    db.session.commit()


# --- checking a code ---------------------------------------------------------------------


def check_code(user: User, code: str, *, address: str | None) -> None:
    """Accept a code from the app, or an unused recovery code, once. Raises
    NotAllowed(invalid_otp), or SignInsCapped (429) when this account has had too many failed
    sign-ins lately (the code is then not checked). Commits."""
    if not is_enrolled(user):
        raise _invalid_code()
    _check(user, code, address=address, recovery_allowed=True)


def code_attempts_key(user: User) -> str:
    """Wrong codes are capped per account like wrong passwords, counted apart from them: a
    stranger guessing the password must not lock the owner out of the code step too, which
    they reach with the password or a sign-in link by mail."""
    return f"second-factor:{user.id}"


def _check(user: User, code, *, address, recovery_allowed: bool) -> None:
    attempt = sign_in_attempts.record_attempt(code_attempts_key(user), address)
    try:
        sign_in_attempts.check_cap(attempt)
    except sign_in_attempts.SignInsCapped:
        record_sign_in(user.id, "sign_in.refused", "users", user.id, ["otp"])
        db.session.commit()
        raise
    typed = code if isinstance(code, str) and len(code) <= MAX_CODE_LENGTH else ""
    accepted = _claim_totp(user, typed) or (recovery_allowed and _use_recovery_code(user, typed))
    if not accepted:
        db.session.rollback()
        # Written with the attempt's outcome (finish commits).
        record_sign_in(user.id, "sign_in.failed", "users", user.id, ["otp"])
        sign_in_attempts.finish(attempt, Outcome.FAILED)
        raise _invalid_code()
    sign_in_attempts.finish(attempt, Outcome.SUCCEEDED)  # commits the claimed step too


def _matching_step(secret: str, digits: str) -> int | None:
    totp = pyotp.TOTP(secret, digits=DIGITS, interval=STEP_SECONDS)
    now_step = int(timeutil.utcnow().timestamp()) // STEP_SECONDS
    for step in range(now_step - DRIFT_STEPS, now_step + DRIFT_STEPS + 1):
        if hmac.compare_digest(totp.at(step * STEP_SECONDS), digits):
            return step
    return None


def _claim_totp(user: User, typed: str) -> bool:
    digits = re.sub(r"\s", "", typed)
    if not re.fullmatch(rf"\d{{{DIGITS}}}", digits) or user.otp_secret is None:
        return False
    step = _matching_step(user.otp_secret, digits)
    if step is None:
        return False
    claimed = db.session.execute(
        update(User)
        .where(
            User.id == user.id,
            or_(User.otp_last_step.is_(None), User.otp_last_step < step),
        )
        .values(otp_last_step=step)
        .execution_options(synchronize_session=False)
    )
    return claimed.rowcount == 1


def _use_recovery_code(user: User, typed: str) -> bool:
    if not typed.strip():
        return False
    used = db.session.execute(
        update(RecoveryCode)
        .where(
            RecoveryCode.user_id == user.id,
            RecoveryCode.code_hash == _recovery_hash(typed),
            RecoveryCode.used_at.is_(None),
        )
        .values(used_at=timeutil.utcnow())
        .execution_options(synchronize_session=False)
    )
    if used.rowcount == 1:
        record(user.id, "second_factor.recovery_code_used", user, [])
        return True
    return False


def recovery_codes_left(user: User) -> int:
    return db.session.query(RecoveryCode).filter_by(user_id=user.id, used_at=None).count()
