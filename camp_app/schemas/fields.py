"""The field types every resource is declared with: each one is a check and its JSON Schema,
made from the same arguments, so the API's document, the API's answers and the page forms
cannot disagree about a limit.

A failing check raises one of the contract's codes with a translated sentence:
`required`, `invalid_type` (the wrong JSON type), `invalid_text` (characters that may not be
stored, see text_rules), `too_long`, `too_many`, `out_of_range`, `invalid_choice`,
`invalid_date`, `date_out_of_range`, `invalid_datetime`, `invalid_phone`, `invalid_email`,
`invalid_slug`.

Policies that hold for every resource (documented in docs/architecture.md):
- a limit counts the characters as sent; text is stored without surrounding spaces;
- null for an optional field means "not given" (empty text, no choice, false, an empty list);
  for a required one it is `required`;
- phones: at most 32 characters, stored in E.164 form; numbers without +country are read as US;
- dates: YYYY-MM-DD in the years 1900-2199, where every person and camp lies
  (`date_out_of_range` outside them);
- ids: 32-bit (PostgreSQL integers); a larger id cannot exist and is answered "not found".
"""

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Annotated, Any

import phonenumbers
from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _
from pydantic import BeforeValidator, PlainValidator, WithJsonSchema
from pydantic_core import PydanticCustomError

from camp_app.text_rules import text_problem
from camp_app.timeutil import (
    DATE_RANGE_MESSAGE,
    EARLIEST_DAY,
    LATEST_DAY,
    camp_local_to_utc,
    is_sane_day,
)

MAX_ID = 2**31 - 1  # ids are 32-bit integers on PostgreSQL
PHONE_MAX_LENGTH = 32  # the phone columns' size; E.164 needs at most 16
PHONE_REGION = "US"  # numbers typed without a country code are read as US numbers
EMAIL_MAX_LENGTH = 254
FIRST_YEAR, LAST_YEAR = EARLIEST_DAY.year, LATEST_DAY.year  # 1900-2199
# The characters text_rules refuses, as a JSON Schema (ECMA-262) character class.
_FORBIDDEN_CLASS = r"\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f"
TEXT_PATTERN = f"^[^{_FORBIDDEN_CLASS}]*$"
FILLED_TEXT_PATTERN = rf"^[^{_FORBIDDEN_CLASS}]*[^\s{_FORBIDDEN_CLASS}][^{_FORBIDDEN_CLASS}]*$"
_YEAR = r"(?:19\d\d|2[01]\d\d)"
# Months and days spelled out, so that a generator (Schemathesis) seldom makes an impossible one.
_MONTH_DAY = r"(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])"
DATE_PATTERN = rf"^{_YEAR}-{_MONTH_DAY}$"
DATETIME_PATTERN = rf"^{_YEAR}-"  # with format date-time: RFC 3339, years 1900-2199
SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def fail(code: str, message: str):
    """Refuse a value with the contract's code and a sentence for a person."""
    return PydanticCustomError(code, "{message}", {"message": str(message)})


@dataclass(frozen=True)
class Rule:
    """What the error mapping needs to know about a field beyond its check."""

    required_message: Callable[[], str] | None = None


def _required(rule: Rule):
    message = rule.required_message() if rule.required_message else _("This field is required.")
    return fail("required", message)


def _field(check: Callable, schema: dict, rule: Rule, nullable: bool, description=None):
    schema = dict(schema)
    if nullable:
        kind = schema.get("type")
        if kind is not None:
            schema["type"] = [kind, "null"]
        elif "enum" in schema:
            schema["enum"] = [*schema["enum"], None]
    if description:
        schema["description"] = description
    return Annotated[Any, PlainValidator(check), WithJsonSchema(schema), rule]


def _formatted(schema: dict, required: bool) -> dict:
    """A formatted string; when optional, also "" or null (none)."""
    if required:
        return schema
    return {"anyOf": [schema, {"enum": ["", None]}]}


def _describe(description, extra: str | None) -> str | None:
    parts = [str(p) for p in (description, extra) if p]
    return " ".join(parts) or None


# --- text ----------------------------------------------------------------------------------


def clean_text(value, max_length: int, *, required: bool, rule: Rule, multiline=False) -> str:
    """The text rule every field shares: text, storable characters, within the limit."""
    if value is None:
        if required:
            raise _required(rule)
        return ""
    if not isinstance(value, str):
        raise fail("invalid_type", _("Please enter text."))
    problem = text_problem(value)
    if problem:
        raise fail("invalid_text", problem)
    if len(value) > max_length:
        raise fail("too_long", _("Please use at most %(limit)d characters.", limit=max_length))
    if multiline:
        value = value.replace("\r\n", "\n")  # browsers send textarea lines as CRLF
    value = value.strip()
    if required and not value:
        raise _required(rule)
    return value


def Text(
    max_length: int,
    *,
    required: bool = False,
    required_message: Callable[[], str] | None = None,
    multiline: bool = False,
    description: str | None = None,
    pattern: tuple[str, str, Callable[[], str]] | None = None,
    min_length: int = 0,
):
    """Text of at most `max_length` characters. `required`: blank is refused. `pattern`:
    (regular expression, code, message): the text as sent must match it."""
    rule = Rule(required_message)

    def check(value):
        text = clean_text(value, max_length, required=required, rule=rule, multiline=multiline)
        if (
            pattern
            and text
            and not re.fullmatch(pattern[0].removeprefix("^").removesuffix("$"), value)
        ):
            raise fail(pattern[1], pattern[2]())
        return text

    schema = {"type": "string", "maxLength": max_length}
    if min_length:
        schema["minLength"] = min_length
    schema["pattern"] = pattern[0] if pattern else FILLED_TEXT_PATTERN if required else TEXT_PATTERN
    return _field(check, schema, rule, nullable=not required, description=description)


def Slug(description=None):
    message = lambda: _(  # noqa: E731
        "Use only lowercase letters, digits and single hyphens, e.g. camp-uots."
    )
    return Text(
        80, required=True, description=description, pattern=(SLUG_PATTERN, "invalid_slug", message)
    )


# --- phone and email -----------------------------------------------------------------------


def normalized_phone(text: str) -> str | None:
    """The number in E.164 form (+13055550100), or None if it is not a phone number."""
    try:
        number = phonenumbers.parse(text, PHONE_REGION)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def Phone(*, required: bool = False, description=None):
    """A phone number; stored in E.164 form."""
    rule = Rule()

    def check(value):
        text = clean_text(value, PHONE_MAX_LENGTH, required=required, rule=rule)
        if not text:
            return ""
        number = normalized_phone(text)
        if number is None:
            message = _("Please enter a valid phone number, e.g. (305) 555-0100.")
            raise fail("invalid_phone", message)
        return number

    schema = _formatted(
        {"type": "string", "format": "phone", "maxLength": PHONE_MAX_LENGTH}, required
    )
    note = (
        "A valid phone number (format `phone`): international with +, or a US number written "
        "any usual way, e.g. (305) 555-0100. Answered in E.164 form (+13055550100)."
    )
    if not required:
        note += ' Empty or null: none. Answers `""` for none.'
    return _field(check, schema, rule, nullable=False, description=_describe(description, note))


def clean_email(value, *, required: bool, rule: Rule, message=None) -> str:
    text = clean_text(value, EMAIL_MAX_LENGTH, required=required, rule=rule)
    if not text:
        return ""
    try:
        checked = validate_email(text, check_deliverability=False)
    except EmailNotValidError:
        refusal = message() if message else _("Please enter a valid email address.")
        raise fail("invalid_email", refusal) from None
    return checked.normalized.lower()


def Email(*, required: bool = False, required_message=None, message=None, description=None):
    """An email address, stored normalized and lower-cased."""
    rule = Rule(required_message)

    def check(value):
        return clean_email(value, required=required, rule=rule, message=message)

    schema = {"type": "string", "format": "email", "maxLength": EMAIL_MAX_LENGTH}
    return _field(
        check, _formatted(schema, required), rule, nullable=False, description=description
    )


# --- dates and times -----------------------------------------------------------------------


def _date_message() -> str:
    return _("Please enter a real date, e.g. 2015-04-30.")


def parse_day(value) -> date | None:
    """YYYY-MM-DD (exactly), or a date; None for anything else or a year outside 1900-2199."""
    day = _real_day(value)
    return day if day is not None and is_sane_day(day) else None


def _real_day(value) -> date | None:
    """YYYY-MM-DD (exactly), or a date, whatever its year; None for anything else."""
    if isinstance(value, datetime):
        day = value.date()
    elif isinstance(value, date):
        day = value
    elif isinstance(value, str) and _ISO_DATE.fullmatch(value.strip()):
        try:
            day = date.fromisoformat(value.strip())
        except ValueError:
            return None
    else:
        return None
    return day


def Day(*, required: bool = True, required_message=None, description=None):
    """A calendar date, YYYY-MM-DD, in the years 1900-2199."""
    rule = Rule(required_message)

    def check(value):
        if value is None or value == "":
            if required:
                raise _required(rule)
            return None
        day = _real_day(value)
        if day is None:
            wrong_type = not isinstance(value, str | date)
            raise fail("invalid_type" if wrong_type else "invalid_date", _date_message())
        if not is_sane_day(day):
            raise fail("date_out_of_range", str(DATE_RANGE_MESSAGE))
        return day

    schema = {"type": "string", "format": "date", "pattern": DATE_PATTERN}
    note = f"YYYY-MM-DD, years {FIRST_YEAR}-{LAST_YEAR}."
    return _field(
        check,
        _formatted(schema, required),
        rule,
        nullable=False,
        description=_describe(description, note),
    )


def Moment(*, required: bool = True, description=None):
    """A date and time, ISO 8601; without an offset it is camp time. Kept as aware UTC.
    Optional ones take null or "" for none."""
    rule = Rule()

    def check(value):
        if value is None or value == "":
            if not required:
                return None
            raise _required(rule)
        message = _("Enter a date and time, e.g. 2027-03-01T09:00.")
        if not isinstance(value, str | datetime):
            raise fail("invalid_type", message)
        try:
            text = value if isinstance(value, datetime) else value.strip().upper()  # t, z
            moment = text if isinstance(text, datetime) else datetime.fromisoformat(text)
        except (AttributeError, TypeError, ValueError):
            raise fail("invalid_datetime", message) from None
        if not is_sane_day(moment):
            raise fail("date_out_of_range", str(DATE_RANGE_MESSAGE))
        if moment.tzinfo is None:
            return camp_local_to_utc(moment)
        return moment.astimezone(UTC)

    schema = {"type": "string", "format": "date-time", "pattern": DATETIME_PATTERN}
    note = (
        "RFC 3339 date and time, e.g. 2027-03-01T09:00:00-05:00, years "
        f"{FIRST_YEAR}-{LAST_YEAR}. Also accepted: without an offset (2027-03-01T09:00), read "
        "in the camp's time zone, as the coordinator's form sends it. Answered in UTC."
    )
    return _field(
        check,
        _formatted(schema, required),
        rule,
        nullable=False,
        description=_describe(description, note),
    )


# --- numbers, booleans, choices -----------------------------------------------------------


def Integer(low: int, high: int, *, required: bool = True, description=None):
    """A whole number from `low` to `high`; optional ones take null or "" for none."""
    rule = Rule()

    def check(value):
        if value is None or value == "":
            if required:
                raise _required(rule)
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            if isinstance(value, float) and value.is_integer():
                value = int(value)
            else:
                raise fail("invalid_type", _("Please enter a whole number."))
        if not low <= value <= high:
            message = _("Enter a number from %(low)d to %(high)d.", low=low, high=high)
            raise fail("out_of_range", message)
        return value

    schema = {"type": "integer", "minimum": low, "maximum": high}
    return _field(check, schema, rule, nullable=not required, description=description)


def Identifier(*, required: bool = True, description=None):
    """A record's id. An id outside 1..2**31-1 cannot exist: it comes back as 0, which the
    services answer like any unknown id (not found)."""
    rule = Rule()

    def check(value):
        if value is None:
            if required:
                raise _required(rule)
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            raise fail("invalid_type", _("Please send a whole number."))
        return value if 0 < value <= MAX_ID else 0

    schema = {"type": "integer", "minimum": 1, "maximum": MAX_ID}
    return _field(check, schema, rule, nullable=not required, description=description)


_REFUSE = object()


def Boolean(*, null: Any = _REFUSE, description=None):
    """true or false. null is refused, unless a `null` value is given for it."""
    rule = Rule()

    def check(value):
        if value is None and null is not _REFUSE:
            return null
        if not isinstance(value, bool):
            raise fail("invalid_type", _("Please answer yes or no."))
        return value

    nullable = null is not _REFUSE
    return _field(check, {"type": "boolean"}, rule, nullable=nullable, description=description)


def _values(choices: Iterable) -> list[str]:
    return [str(getattr(c, "value", c)) for c in choices]


def Choice(
    choices: Iterable,
    message: Callable[[], str] | None = None,
    *,
    required: bool = False,
    required_message=None,
    empty: Any = None,
    code: str = "invalid_choice",
    description=None,
):
    """One of `choices` (else `code`). Optional: null or "" give `empty`. Required: they
    are `required`."""
    allowed = _values(choices)
    rule = Rule(required_message)

    def check(value):
        if value is None or value == "":
            if required:
                raise _required(rule)
            return empty
        if not isinstance(value, str) or value not in allowed:
            text = message() if message else None
            default = _("Please choose one of: %(choices)s.", choices=", ".join(allowed))
            raise fail(code if isinstance(value, str) else "invalid_type", text or default)
        return value

    if required:
        schema = {"type": "string", "enum": allowed}
    else:
        schema = {"enum": [*([] if "" in allowed else [""]), *allowed]}  # null joins below
    return _field(check, schema, rule, nullable=not required, description=description)


def Choices(choices: Iterable, message: Callable[[], str], *, description=None):
    """Any of `choices` as a list; kept in the declared order, without duplicates."""
    allowed = _values(choices)
    rule = Rule()

    def check(value):
        if value is None:
            return []
        if not isinstance(value, list):
            raise fail("invalid_type", message())
        if any(not isinstance(v, str) or v not in allowed for v in value):
            raise fail("invalid_choice", message())
        return [c for c in allowed if c in value]

    schema = {"type": "array", "items": {"type": "string", "enum": allowed}}
    return _field(check, schema, rule, nullable=True, description=description)


TIME_OF_DAY = re.compile(r"([01]\d|2[0-3]):[0-5]\d")


def TimesOfDay(*, max_items: int, description=None):
    """Wall-clock times "HH:MM" (24 h), as a list; answered sorted, without duplicates."""
    rule = Rule()

    def check(value):
        if value is None:
            return []
        message = _('Please give times as "HH:MM", for example ["08:00", "20:00"].')
        if not isinstance(value, list):
            raise fail("invalid_type", message)
        if any(not isinstance(v, str) or not TIME_OF_DAY.fullmatch(v) for v in value):
            raise fail("invalid_time", message)
        if len(set(value)) > max_items:
            raise fail("too_many", _("Please list at most %(count)d times.", count=max_items))
        return sorted(set(value))

    schema = {
        "type": "array",
        "maxItems": max_items,
        "items": {"type": "string", "pattern": "^([01][0-9]|2[0-3]):[0-5][0-9]$"},
    }
    return _field(check, schema, rule, nullable=True, description=description)


def Identifiers(*, description=None):
    """A list of record ids (their existence is the services' business)."""
    rule = Rule()

    def check(value):
        if value is None:
            return []
        if not isinstance(value, list) or not all(
            isinstance(v, int) and not isinstance(v, bool) for v in value
        ):
            raise fail("invalid_type", _("Please send a list of child ids."))
        return list(dict.fromkeys(v if 0 < v <= MAX_ID else 0 for v in value))

    schema = {"type": "array", "items": {"type": "integer", "minimum": 1, "maximum": MAX_ID}}
    return _field(check, schema, rule, nullable=True, description=description)


# --- objects and lists of objects ---------------------------------------------------------


def Nested(model, message: Callable[[], str]):
    """An object declared by `model`; null: not given."""

    def check(value):
        if value is not None and not isinstance(value, dict):
            raise fail("invalid_type", message())
        return value

    return Annotated[model | None, BeforeValidator(check), Rule()]


def Items(model, *, max_items: int, message: Callable[[], str], too_many: Callable[[], str]):
    """A list of objects declared by `model`; null: an empty list."""

    def check(value):
        if value is None:
            return []
        if not isinstance(value, list):
            raise fail("invalid_type", message())
        if len(value) > max_items:
            raise fail("too_many", too_many())
        return value

    return Annotated[list[model], BeforeValidator(check), Rule()]
