"""Account rules: sign-up, email verification, signing in, password reset and change.

The HTML pages and the JSON API both call these. Each public function is one unit of work and
commits at its end. Nothing here tells a visitor whether an email address has an account:
sign-up, resend and reset answer the same either way and say the rest by mail.
"""

from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from camp_app.accounts import (
    account_mails,
    email_tokens,
    second_factor,
    sessions,
    sign_in_attempts,
)
from camp_app.accounts.models import User
from camp_app.accounts.passwords import hash_password, password_problem, verify_password
from camp_app.accounts.schema import ProfileInput, SignUp
from camp_app.accounts.sign_in_attempts import Outcome, SignInsCapped
from camp_app.accounts.tokens import revoke_all as revoke_all_tokens
from camp_app.accounts.users import create_user, find_user_by_email
from camp_app.audit.services import record, record_sign_in
from camp_app.extensions import db
from camp_app.hooks import Hook
from camp_app.roles import Role
from camp_app.schemas.validation import validate
from camp_app.service_errors import Conflict, InvalidInput, NotAllowed, Problem
from camp_app.timeutil import utcnow

# A new parent's account gets a household in the same transaction. Households are the families
# feature's, above accounts, which connects to this hook (families.hooks).
PARENT_ACCOUNT_ADDED = Hook("a parent's account was added")

NEW_ACCOUNT_FIELDS = ("email", "name", "phone", "locale", "password_hash", "roles")


def _raise_if_any(*problems: Problem | None) -> None:
    found = [p for p in problems if p is not None]
    if found:
        raise InvalidInput(found)


def _problems(model, data: dict, *, partial: bool = False) -> list[Problem]:
    """What the declared schema (camp_app/accounts/schema.py) says is wrong with `data`."""
    try:
        validate(model, data, partial=partial)
    except InvalidInput as error:
        return error.problems
    return []


def _account_problems(*, email, password, name, phone, locale) -> list[Problem]:
    data = {"email": email, "password": password, "name": name, "phone": phone, "locale": locale}
    found = _problems(SignUp, data)
    if not any(p.field == "password" for p in found):
        found += _personal_password_problems(password, "password", (email, name))
    return found


def _email_problems(email) -> list[Problem]:
    return _problems(SignUp, {"email": email}, partial=True)


def _password_problems(password, field: str, personal=()) -> list[Problem]:
    found = _problems(SignUp, {"password": password}, partial=True)
    if found:
        return [Problem(p.code, p.message, field) for p in found]
    return _personal_password_problems(password, field, personal)


def _personal_password_problems(password, field: str, personal) -> list[Problem]:
    """The schema judges a password alone; only here are the person's name and email known,
    which it must not contain."""
    refusal = password_problem(password, personal) if isinstance(password, str) else None
    return [] if refusal is None else [Problem(refusal.code, refusal.message, field)]


def _invalid_token() -> InvalidInput:
    message = _("This link is no longer valid. It may have expired or been used already.")
    return InvalidInput(Problem("invalid_token", message, "token"))


# --- creating accounts -------------------------------------------------------------------


def _new_account(*, email, password, name, roles, verified, phone, locale, actor_id) -> User:
    """Add a user (and a household for a parent) to the session; the caller commits."""
    user = create_user(
        email=email,
        password=password,
        name=name,
        roles=roles,
        verified=verified,
        phone=validate(SignUp, {"phone": phone}, partial=True)["phone"] or None,
        locale=locale,
    )
    if Role.PARENT in roles:
        PARENT_ACCOUNT_ADDED(user)
    db.session.flush()  # the unique email index speaks here, and the user gets its id
    fields = (*NEW_ACCOUNT_FIELDS, "email_verified_at") if verified else NEW_ACCOUNT_FIELDS
    record(actor_id if actor_id is not None else user.id, "create", user, fields)
    return user


def check_sign_up(
    *, email: str, password: str, name: str, phone: str | None = None, locale: str = "en"
) -> None:
    """Raise InvalidInput with every problem of these sign-up values; changes nothing.
    (Never says whether the address is taken.)"""
    _raise_if_any(
        *_account_problems(
            email=email, password=password, name=name, phone=phone, locale=locale or "en"
        )
    )


def sign_up(
    *,
    email: str,
    password: str,
    name: str,
    phone: str | None = None,
    locale: str = "en",
    next_path: str | None = None,
) -> None:
    """A parent signs up. Whether or not the address is taken, the answer is the same; the
    mail differs (a verification link, or a note that an account exists). `next_path` (a
    safe path on this site, redirects.safe_next) is where its link leads after signing in."""
    locale = locale or "en"
    check_sign_up(email=email, password=password, name=name, phone=phone, locale=locale)
    existing = find_user_by_email(email)
    if existing is None:
        try:
            user = _new_account(
                email=email,
                password=password,
                name=name,
                roles=(Role.PARENT,),
                verified=False,
                phone=phone,
                locale=locale,
                actor_id=None,
            )
            account_mails.queue_verification(user, next_path)
            db.session.commit()
            return
        except IntegrityError:  # the same address signed up a moment ago
            db.session.rollback()
            existing = find_user_by_email(email)
            if existing is None:
                raise
    else:
        hash_password(password)  # the same work as a real sign-up, so timing tells nothing
    account_mails.queue_account_exists(existing, next_path)
    db.session.commit()


def create_account(
    *,
    email: str,
    password: str,
    name: str,
    roles=(Role.PARENT,),
    verified: bool = False,
    phone: str | None = None,
    locale: str = "en",
    actor_id: int | None = None,
    otp_secret: str | None = None,
) -> User:
    """An account made by an administrator or the command line (no mail is sent), with an
    authenticator already enrolled when `otp_secret` is given.

    Raises InvalidInput for bad values and Conflict (email_taken) for a taken address."""
    roles = tuple(dict.fromkeys(roles))
    known = {r.value for r in Role}
    role_problem = None
    if not roles:
        role_problem = Problem("role_required", _("Choose at least one role."), "roles")
    elif any(r not in known for r in roles):
        role_problem = Problem("invalid_role", _("That role does not exist."), "roles")
    _raise_if_any(
        *_account_problems(email=email, password=password, name=name, phone=phone, locale=locale),
        role_problem,
        None if otp_secret is None else second_factor.secret_problem(otp_secret),
    )
    taken = Conflict(
        Problem("email_taken", _("An account with this email already exists."), "email")
    )
    if find_user_by_email(email) is not None:
        raise taken
    try:
        user = _new_account(
            email=email,
            password=password,
            name=name,
            roles=roles,
            verified=verified,
            phone=phone,
            locale=locale,
            actor_id=actor_id,
        )
        if otp_secret is not None:
            second_factor.enrol_with_secret(user, otp_secret)
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise taken from None
    return user


# --- a person's own details ---------------------------------------------------------------


def update_profile(user: User, data) -> User:
    """Change the name, phone or mail language given in `data` (a partial update). Raises
    InvalidInput with every problem; nothing changes then. Commits."""
    values = validate(ProfileInput, data, partial=True)
    if "phone" in values:
        values["phone"] = values["phone"] or None
    changed = [key for key, value in values.items() if getattr(user, key) != value]
    for key in changed:
        setattr(user, key, values[key])
    if changed:
        record(user.id, "update_profile", user, changed)
    db.session.commit()
    return user


# --- email verification ------------------------------------------------------------------


def verify_email(token: str) -> User:
    """Mark the address in `token` as confirmed. Safe to repeat: a verified user is returned
    unchanged. Raises InvalidInput(invalid_token)."""
    payload = email_tokens.read_token(
        email_tokens.VERIFY_PURPOSE, token or "", email_tokens.VERIFY_MAX_AGE
    )
    user = _user_in(payload)
    # The token names the address it was sent to: a changed address needs a new link.
    if user is None or email_tokens.email_fingerprint(user.email) != payload.get("em"):
        raise _invalid_token()
    if not user.is_verified:
        user.email_verified_at = utcnow()
        record(user.id, "verify_email", user, ["email_verified_at"])
        db.session.commit()
    return user


def verification_next(token: str) -> str | None:
    """The page a verification link leads to after signing in (the camp the parent signed up
    from), as signed into the link; None when it names none. Check it with safe_next."""
    payload = email_tokens.read_token(
        email_tokens.VERIFY_PURPOSE, token or "", email_tokens.VERIFY_MAX_AGE
    )
    found = payload.get("nx") if payload else None
    return found if isinstance(found, str) else None


def resend_verification(email: str) -> None:
    """Send a new verification link if `email` has an unconfirmed account; otherwise do
    nothing, and say nothing about it."""
    _raise_if_any(*_email_problems(email))
    user = find_user_by_email(email)
    if user is not None and user.active and not user.is_verified:
        account_mails.queue_verification(user)
        db.session.commit()


def _user_in(payload: dict | None) -> User | None:
    user_id = payload.get("uid") if payload else None
    if not isinstance(user_id, int) or isinstance(user_id, bool):
        return None
    user = db.session.get(User, user_id)
    return user if user is not None and user.active else None


# --- signing in --------------------------------------------------------------------------


def authenticate(email: str, password: str, *, address: str | None = None) -> User:
    """The user with this email and password. Raises SignInsCapped (429) when this email
    address has had too many failed sign-ins lately (the password is then not checked), else
    NotAllowed with invalid_credentials, or email_not_verified (told only to someone who
    knows the password). `address` is the client's, recorded with the attempt.

    Every attempt is recorded and committed first: see accounts.sign_in_attempts."""
    attempt = sign_in_attempts.record_attempt(email or "", address)
    try:
        sign_in_attempts.check_cap(attempt)
    except SignInsCapped:
        note_failed_sign_in(find_user_by_email(email or ""), attempt, ["password"], capped=True)
        db.session.commit()
        raise
    user = find_user_by_email(email or "")
    # verify_password compares against a dummy hash for unknown addresses: same time taken.
    password_ok = verify_password(user.password_hash if user else None, password or "")
    if user is None or not password_ok or not user.active:
        note_failed_sign_in(user, attempt, ["password"])  # written with the attempt's outcome
        sign_in_attempts.finish(attempt, Outcome.FAILED)
        message = _("The email address or password is not right. Please try again.")
        raise NotAllowed(Problem("invalid_credentials", message))
    if not user.is_verified:
        sign_in_attempts.finish(attempt, Outcome.UNVERIFIED)
        message = _("Please confirm your email address first, using the link we emailed you.")
        raise NotAllowed(Problem("email_not_verified", message, "email"))
    sign_in_attempts.finish(attempt, Outcome.SUCCEEDED)
    return user


def note_failed_sign_in(user: User | None, attempt, factors, *, capped: bool = False) -> None:
    """The audit entry of a failed sign-in (or one refused by the cap): the account's, or for
    an address nobody has no actor and the attempt's row (which keeps only a hash of the
    address). The caller commits."""
    action = "sign_in.refused" if capped else "sign_in.failed"
    if user is not None:
        record_sign_in(user.id, action, "users", user.id, factors)
    else:
        record_sign_in(None, action, "sign_in_attempts", attempt.id, factors)


# --- passwords ---------------------------------------------------------------------------


def request_password_reset(email: str) -> None:
    """Mail a reset link if `email` has an account; otherwise do nothing, and say nothing."""
    _raise_if_any(*_email_problems(email))
    user = find_user_by_email(email)
    if user is not None and user.active:
        account_mails.queue_password_reset(user)
        db.session.commit()


def check_new_password(password: str, user: User, field: str = "password") -> None:
    """Raise InvalidInput if `user` may not choose `password` (too short, too long, easy to
    guess, or their name or email)."""
    _raise_if_any(*_password_problems(password, field, personal=(user.email, user.name)))


def password_reset_user(token: str) -> User:
    """Whose reset link this is, without using it up. Raises InvalidInput(invalid_token)."""
    payload = email_tokens.read_token(
        email_tokens.RESET_PURPOSE, token or "", email_tokens.RESET_MAX_AGE
    )
    user = _user_in(payload)
    if user is None:
        raise _invalid_token()
    # Bound to the current password: once any new password is set, the link is dead.
    current = email_tokens.password_fingerprint(user.password_hash, user.auth_version)
    if payload.get("fp") != current:
        raise _invalid_token()
    return user


def reset_password(token: str, new_password: str) -> User:
    """Set a new password from a reset link. The link then stops working, and every other
    session ends. Raises InvalidInput (invalid_token, or a password problem)."""
    user = password_reset_user(token)
    check_new_password(new_password, user)
    fields = _set_password(user, new_password)
    if not user.is_verified:  # the link reached the mailbox: that confirms the address too
        user.email_verified_at = utcnow()
        fields.append("email_verified_at")
    record(user.id, "reset_password", user, fields)
    account_mails.queue_password_changed(user)
    db.session.commit()
    return user


def change_password(user: User, current_password: str, new_password: str) -> None:
    """A signed-in person changes their password; every other session of theirs ends.
    Raises InvalidInput (wrong_password on current_password, or a new_password problem)."""
    wrong = None
    if not verify_password(user.password_hash, current_password or ""):
        wrong = Problem(
            "wrong_password", _("That is not your current password."), "current_password"
        )
    new_problems = _password_problems(new_password, "new_password", (user.email, user.name))
    _raise_if_any(wrong, *new_problems)
    fields = _set_password(user, new_password)
    record(user.id, "change_password", user, fields)
    account_mails.queue_password_changed(user)
    db.session.commit()


def _set_password(user: User, password: str) -> list[str]:
    """New hash, and a new auth_version (old reset links die); every session and API token
    issued before it ends."""
    user.password_hash = hash_password(password)
    user.auth_version += 1
    revoke_all_tokens(user)
    sessions.end_all(user)
    return ["auth_version", "password_hash"]
