"""Accounts: signing up, confirming the address, signing in."""

from typing import Annotated, Any

from flask_babel import gettext as _
from pydantic import PlainValidator, WithJsonSchema

from camp_app.accounts.passwords import password_problem
from camp_app.schemas.fields import Choice, Email, Phone, Rule, Text, fail
from camp_app.schemas.validation import Schema

LOCALES = ("en", "es")
NAME_MAX_LENGTH = 120
PASSWORD_MAX_LENGTH = 256
PASSWORD_MIN_LENGTH = 12  # the default of config PASSWORD_MIN_LENGTH, which the check reads


def _new_password(value):
    if value is None:
        raise fail("required", _("Choose a password."))
    if not isinstance(value, str):
        raise fail("invalid_type", _("Please enter text."))
    refusal = password_problem(value)  # the name and email are checked by the service
    if refusal is not None:
        raise fail(refusal.code, refusal.message)
    return value


NewPassword = Annotated[
    Any,
    PlainValidator(_new_password),
    WithJsonSchema(
        {
            "type": "string",
            "minLength": PASSWORD_MIN_LENGTH,
            "maxLength": PASSWORD_MAX_LENGTH,
            "description": "At least 12 characters, not common, not easy to guess and not "
            "the person's name or email (`password_too_weak`); at most 256 (`password_too_long`).",
        }
    ),
    Rule(lambda: _("Choose a password.")),
]


def _any_text(value):
    if not isinstance(value, str):
        raise fail("invalid_type", _("Please enter text."))
    return value


AnyText = Annotated[Any, PlainValidator(_any_text), WithJsonSchema({"type": "string"}), Rule()]


class SignUp(Schema):
    """A parent's new account."""

    email: Email(
        required=True,
        required_message=lambda: _("Enter your email address."),
        message=lambda: _("Enter an email address like name@example.com."),
    )
    password: NewPassword
    name: Text(NAME_MAX_LENGTH, required=True, required_message=lambda: _("Enter your name."))
    phone: Phone() = ""
    locale: Choice(
        LOCALES, lambda: _("Choose English or Spanish."), empty="en", code="invalid_locale"
    ) = "en"


class ProfileInput(Schema):
    """What a person may change of their own account (`PATCH /me`: only the fields given)."""

    name: Text(NAME_MAX_LENGTH, required=True, required_message=lambda: _("Enter your name."))
    phone: Phone() = ""
    locale: Choice(
        LOCALES,
        lambda: _("Choose English or Spanish."),
        empty="en",
        code="invalid_locale",
        description="The language of this person's mails (and pages, once signed in).",
    ) = "en"


PROFILE_FIELDS = tuple(ProfileInput.model_fields)


class Verification(Schema):
    token: Annotated[
        AnyText,
        WithJsonSchema(
            {
                "type": "string",
                "description": "The last part of the emailed /account/verify/<token> link.",
            }
        ),
    ]


class Credentials(Schema):
    """Any text is accepted here: a wrong address or password is 401 `invalid_credentials`."""

    email: AnyText
    password: AnyText
    # The code from the authenticator app (or a recovery code), for an account that has one.
    otp: Annotated[
        AnyText,
        WithJsonSchema(
            {
                "type": "string",
                "description": "The 6-digit code from the account's authenticator app, or one "
                "of its recovery codes; required once the account has an authenticator.",
            }
        ),
    ] = ""
