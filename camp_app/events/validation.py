"""Checking event input from the API (JSON) and the coordinator's form alike.

`clean_event_data` turns the contract's field names into model values, checks every rule and
raises one InvalidInput naming every problem, so a person can fix the whole form at once.
"""

import re
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import phonenumbers
from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from camp_app.events.models import Audience, Event, EventKind
from camp_app.extensions import db
from camp_app.families.models import DiagnosisCategory
from camp_app.service_errors import InvalidInput, Problem
from camp_app.text_rules import text_problem
from camp_app.timeutil import EARLIEST_DAY, LATEST_DAY, camp_local_to_utc, is_sane_day

ELIGIBILITY_FIELDS = (
    "min_age",
    "max_age",
    "audience",
    "diagnosis_categories",
    "treated_at_hospital_required",
)
# Answers of GET that a client may send back unchanged; they are ignored, never written.
READ_ONLY_FIELDS = frozenset({"id", "seats_taken", "seats_left", "waitlist_length"})
REQUIRED_FIELDS = (
    "slug",
    "name",
    "kind",
    "starts_on",
    "ends_on",
    "registration_opens_at",
    "registration_closes_at",
    "capacity",
)
DEFAULTS: dict[str, Any] = {
    "summary": "",
    "description": "",
    "location": "",
    "contact_email": "",
    "contact_phone": "",
    "waitlist_enabled": True,
    "requires_review": False,
    "requires_verification": False,
    "published": False,
    "min_age": None,
    "max_age": None,
    "audience": Audience.ANYONE.value,
    "diagnosis_categories": [],
    "treated_at_hospital_required": False,
}
SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
DATE_PATTERN = re.compile(r"^\d{4}-\d{2}-\d{2}$")
MIN_AGE, MAX_AGE = 0, 25
MAX_CAPACITY = 100_000  # far above any camp; keeps the number inside an SQL integer


class _Bad(Exception):
    """A value that breaks its field's rule: the code and the sentence to show."""

    def __init__(self, code: str, message: str):
        self.code, self.message = code, message


def field_name(key: str) -> str:
    """The name a Problem gives a field: eligibility rules sit under `eligibility.`."""
    return f"eligibility.{key}" if key in ELIGIBILITY_FIELDS else key


def _missing(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _required():
    return _Bad("required", _("This field is required."))


# --- parsers: a raw value in, the model's value out (or _Bad) --------------------------------


def _text(max_length: int, required: bool = False) -> Callable[[Any], str]:
    def parse(value):
        if _missing(value):
            if required:
                raise _required()
            return ""
        if not isinstance(value, str):
            raise _Bad("invalid_text", _("Enter text."))
        problem = text_problem(value)  # the one rule for text (NUL, control characters)
        if problem:
            raise _Bad("invalid_text", problem)
        value = value.replace("\r\n", "\n").strip()  # browsers send textarea lines as CRLF
        if len(value) > max_length:
            raise _Bad("too_long", _("Use at most %(n)d characters.", n=max_length))
        return value

    return parse


def _slug(value) -> str:
    value = _text(80, required=True)(value)
    if not SLUG_PATTERN.match(value):
        raise _Bad(
            "invalid_slug",
            _("Use only lowercase letters, digits and single hyphens, e.g. camp-uots."),
        )
    return value


def _choice(enum_type, message) -> Callable[[Any], str]:
    def parse(value):
        if _missing(value):
            raise _required()
        if not isinstance(value, str) or value not in {member.value for member in enum_type}:
            raise _Bad("invalid_choice", str(message))
        return str(value)

    return parse


def _date(value) -> date:
    if _missing(value):
        raise _required()
    day = _day_of(value)
    if day is None:
        raise _Bad("invalid_date", _("Enter a real date as YYYY-MM-DD."))
    if not is_sane_day(day):  # a day after it or the camp's zone must still be a date
        raise _out_of_years()
    return day


def _day_of(value) -> date | None:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str) and DATE_PATTERN.match(value.strip()):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def _out_of_years() -> _Bad:
    message = _(
        "Enter a date between %(first)s and %(last)s.",
        first=EARLIEST_DAY.year,
        last=LATEST_DAY.year,
    )
    return _Bad("date_out_of_range", message)


def _datetime(value) -> datetime:
    """Aware ISO 8601 is taken as given; a time without an offset is camp local time."""
    if _missing(value):
        raise _required()
    try:
        moment = value if isinstance(value, datetime) else datetime.fromisoformat(value.strip())
    except (AttributeError, TypeError, ValueError):
        raise _Bad("invalid_datetime", _("Enter a date and time, e.g. 2027-03-01T09:00.")) from None
    if not is_sane_day(moment):
        raise _out_of_years()
    if moment.tzinfo is None:
        return camp_local_to_utc(moment)
    return moment.astimezone(UTC)


def _integer(value, *, low: int, high: int) -> int:
    if isinstance(value, bool):
        raise _Bad("invalid_number", _("Enter a whole number."))
    if isinstance(value, str) and re.fullmatch(r"\s*-?\d{1,9}\s*", value):
        value = int(value)
    if not isinstance(value, int):
        raise _Bad("invalid_number", _("Enter a whole number."))
    if not low <= value <= high:
        raise _Bad(
            "out_of_range",
            _("Enter a number from %(low)d to %(high)d.", low=low, high=high),
        )
    return value


def _capacity(value) -> int:
    if _missing(value):
        raise _required()
    return _integer(value, low=0, high=MAX_CAPACITY)


def _age(value) -> int | None:
    if _missing(value):
        return None  # no limit
    return _integer(value, low=MIN_AGE, high=MAX_AGE)


def _boolean(value) -> bool:
    if not isinstance(value, bool):
        raise _Bad("invalid_boolean", _("Answer true or false."))
    return value


def _categories(value) -> list[str]:
    if value is None:
        return []
    allowed = [c.value for c in DiagnosisCategory]
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        raise _Bad("invalid_choice", _("Choose from: %(choices)s.", choices=", ".join(allowed)))
    unknown = [v for v in value if v not in allowed]
    if unknown:
        raise _Bad("invalid_choice", _("Choose from: %(choices)s.", choices=", ".join(allowed)))
    return [c for c in allowed if c in value]  # a stable order, no duplicates


def _email(value) -> str:
    value = _text(254)(value)
    if not value:
        return ""
    try:
        return validate_email(value, check_deliverability=False).normalized
    except EmailNotValidError:
        raise _Bad("invalid_email", _("Enter an email address like name@example.org.")) from None


def _phone(value) -> str:
    value = _text(32)(value)
    if not value:
        return ""
    try:
        number = phonenumbers.parse(value, "US")
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise _Bad("invalid_phone", _("Enter a phone number, e.g. 305-555-0100."))
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


PARSERS: dict[str, Callable[[Any], Any]] = {
    "slug": _slug,
    "name": _text(160, required=True),
    "kind": _choice(EventKind, _l("Choose overnight camp, day camp or event.")),
    "summary": _text(500),
    "description": _text(20_000),
    "location": _text(200),
    "contact_email": _email,
    "contact_phone": _phone,
    "starts_on": _date,
    "ends_on": _date,
    "registration_opens_at": _datetime,
    "registration_closes_at": _datetime,
    "capacity": _capacity,
    "waitlist_enabled": _boolean,
    "requires_review": _boolean,
    "requires_verification": _boolean,
    "published": _boolean,
    "min_age": _age,
    "max_age": _age,
    "audience": _choice(
        Audience, _l("Choose patients, siblings, patients and siblings, or anyone.")
    ),
    "diagnosis_categories": _categories,
    "treated_at_hospital_required": _boolean,
}
WRITABLE_FIELDS = tuple(PARSERS)


# --- the whole check -------------------------------------------------------------------------


class _Problems:
    def __init__(self):
        self.items: list[Problem] = []
        self.fields: set[str] = set()

    def add(self, key: str, code: str, message: str) -> None:
        self.items.append(Problem(code, message, field_name(key)))
        self.fields.add(key)


def _flatten(data: dict, problems: _Problems) -> dict[str, Any]:
    """Top-level and `eligibility` fields in one dict; the form sends eligibility flat."""
    values = {k: v for k, v in data.items() if k != "eligibility"}
    eligibility = data.get("eligibility")
    if isinstance(eligibility, dict):
        for key, value in eligibility.items():
            if key in ELIGIBILITY_FIELDS:
                values[key] = value
            else:
                problems.items.append(
                    Problem("unknown_field", _("This field is unknown."), f"eligibility.{key}")
                )
    elif eligibility is not None:
        problems.add("eligibility", "invalid_object", _("Send the eligibility rules as an object."))
    for key in list(values):
        if key in READ_ONLY_FIELDS:
            del values[key]
        elif key not in PARSERS:
            problems.add(key, "unknown_field", _("This field is unknown."))
            del values[key]
    return values


def slug_taken_message() -> str:
    return _("Another event already uses this web address name.")


def _current_values(event: Event | None) -> dict[str, Any]:
    if event is None:
        return {**dict.fromkeys(REQUIRED_FIELDS), **DEFAULTS}
    return {key: getattr(event, key) for key in WRITABLE_FIELDS}


def _slug_taken(slug: str, event: Event | None) -> bool:
    query = select(Event.id).where(Event.slug == slug)
    if event is not None:
        query = query.where(Event.id != event.id)
    return db.session.scalar(query) is not None


def _end_of_event(ends_on: date) -> datetime:
    """The first moment after the event's last day, in the camp's zone, as UTC."""
    return camp_local_to_utc(datetime.combine(ends_on + timedelta(days=1), time()))


def _check_together(merged: dict, given: set[str], seats_taken: int, problems: _Problems) -> None:
    """Rules between fields; skipped where one side already has a problem of its own."""

    def usable(*keys):
        return not any(k in problems.fields or merged.get(k) is None for k in keys)

    def blame(preferred, other):
        return preferred if preferred in given or other not in given else other

    if usable("starts_on", "ends_on") and merged["ends_on"] < merged["starts_on"]:
        problems.add(
            blame("ends_on", "starts_on"),
            "ends_before_start",
            _("The last day cannot be before the first day."),
        )
    opens, closes = "registration_opens_at", "registration_closes_at"
    if usable(opens, closes) and merged[closes] <= merged[opens]:
        problems.add(
            blame(closes, opens),
            "closes_before_opens",
            _("Registration must close after it opens."),
        )
    if usable(closes, "ends_on") and merged[closes] >= _end_of_event(merged["ends_on"]):
        problems.add(
            blame(closes, "ends_on"),
            "closes_after_event",
            _("Registration must close before the event ends."),
        )
    if usable("capacity") and merged["capacity"] < seats_taken:
        problems.add(
            "capacity",
            "capacity_below_taken",
            _("%(n)d seats are already taken; the capacity cannot be lower.", n=seats_taken),
        )
    if usable("min_age", "max_age") and merged["min_age"] > merged["max_age"]:
        problems.add(
            blame("max_age", "min_age"),
            "ages_reversed",
            _("The youngest age cannot be above the oldest age."),
        )


def clean_event_data(data: Any, *, event: Event | None = None, seats_taken: int = 0) -> dict:
    """Model values for the fields given in `data` (all fields, with defaults, for a new event).

    `event` is the event being changed (None: a new one); `seats_taken` its taken seats.
    Raises InvalidInput with every problem; changes nothing.
    """
    if not isinstance(data, dict):
        raise InvalidInput(Problem("invalid_body", _("Send the event as an object.")))
    problems = _Problems()
    values = _flatten(data, problems)
    if event is None:
        values = {**dict.fromkeys(REQUIRED_FIELDS), **values}
    cleaned: dict[str, Any] = {}
    for key, raw in values.items():
        try:
            cleaned[key] = PARSERS[key](raw)
        except _Bad as bad:
            problems.add(key, bad.code, bad.message)
    slug = cleaned.get("slug")
    if slug and (event is None or slug != event.slug) and _slug_taken(slug, event):
        problems.add("slug", "slug_taken", slug_taken_message())
    merged = {**_current_values(event), **cleaned}
    _check_together(merged, set(values), seats_taken, problems)
    if problems.items:
        raise InvalidInput(problems.items)
    return {**DEFAULTS, **cleaned} if event is None else cleaned
