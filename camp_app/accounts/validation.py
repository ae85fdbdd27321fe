"""Checks on account input. Each returns Problems (never raises), so a form can show them all."""

from collections.abc import Iterable

import phonenumbers
from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _

from camp_app.accounts.passwords import password_problem
from camp_app.accounts.users import normalize_email
from camp_app.service_errors import Problem
from camp_app.text_rules import text_problem

LOCALES = ("en", "es")
PHONE_REGION = "US"  # numbers typed without a country code are read as US numbers
NAME_MAX_LENGTH = 120


def _forbidden(text: str | None, field: str) -> Problem | None:
    """The one rule for text (NUL, control characters), checked before anything else."""
    problem = text_problem(text) if isinstance(text, str) else None
    return Problem("invalid_text", problem, field) if problem else None


def email_problem(email: str | None, field: str = "email") -> Problem | None:
    if forbidden := _forbidden(email, field):
        return forbidden
    if not email or not email.strip():
        return Problem("email_required", _("Enter your email address."), field)
    try:
        validate_email(email.strip(), check_deliverability=False)
    except EmailNotValidError:
        message = _("Enter an email address like name@example.com.")
        return Problem("invalid_email", message, field)
    if len(normalize_email(email)) > 254:
        return Problem("invalid_email", _("That email address is too long."), field)
    return None


def new_password_problem(
    password: str | None, field: str = "password", personal: Iterable[str | None] = ()
) -> Problem | None:
    """`personal`: the person's email address and name, which the password must not contain."""
    refusal = password_problem(password or "", personal)
    return None if refusal is None else Problem(refusal.code, refusal.message, field)


def name_problem(name: str | None, field: str = "name") -> Problem | None:
    if forbidden := _forbidden(name, field):
        return forbidden
    if not name or not name.strip():
        return Problem("name_required", _("Enter your name."), field)
    if len(name.strip()) > NAME_MAX_LENGTH:
        message = _("Use at most %(n)d characters.", n=NAME_MAX_LENGTH)
        return Problem("name_too_long", message, field)
    return None


def normalized_phone(phone: str) -> str | None:
    """The number in international format (+13055550100), or None if it is not a phone number."""
    try:
        number = phonenumbers.parse(phone, PHONE_REGION)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def phone_problem(phone: str | None, field: str = "phone") -> Problem | None:
    if forbidden := _forbidden(phone, field):
        return forbidden
    if phone and phone.strip() and normalized_phone(phone) is None:
        message = _("Enter a phone number like (305) 555-0100, or leave it empty.")
        return Problem("invalid_phone", message, field)
    return None


def locale_problem(locale: str | None, field: str = "locale") -> Problem | None:
    if locale not in LOCALES:
        return Problem("invalid_locale", _("Choose English or Spanish."), field)
    return None
