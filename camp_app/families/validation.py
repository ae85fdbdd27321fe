"""Checking and cleaning household input (children, medications, contacts, invitations).

Each `clean_*` function takes the contract's field names and returns clean values, or raises
InvalidInput naming every problem at once, so a person fixes the whole form in one go.

Age rule (documented choice): a child may be at most 25 years old today (camp time zone).
Camp programmes serve children and young adults; anything older is a typing mistake.
"""

from collections.abc import Iterable
from datetime import date, datetime

import phonenumbers
from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _

from camp_app.families.models import ChildRelationship, ContactKind, DiagnosisCategory, Gender
from camp_app.service_errors import InvalidInput, Problem
from camp_app.text_rules import text_problem
from camp_app.timeutil import age_on, camp_today

MAX_CHILD_AGE = 25
PHONE_REGION = "US"
MAX_MEDICATIONS = 30

# Longest accepted text per field: column sizes for strings, a sane cap for free text.
CHILD_TEXT_LIMITS = {
    "first_name": 80,
    "last_name": 80,
    "diagnosis": 2000,
    "allergies": 2000,
    "dietary_needs": 2000,
    "medical_conditions": 2000,
    "physician_name": 120,
}
MEDICATION_LIMITS = {"name": 120, "dose": 80, "schedule": 120}
CONTACT_LIMITS = {"name": 120, "relationship": 80}

CHILD_REQUIRED = ("first_name", "last_name", "date_of_birth", "relationship")
CHILD_FIELDS = (
    *CHILD_TEXT_LIMITS,
    "date_of_birth",
    "relationship",
    "diagnosis_category",
    "treated_at_hospital",
    "medications",
    "physician_phone",
    "gender",
)
CONTACT_REQUIRED = ("kind", "name", "relationship", "phone")
CONTACT_FIELDS = (*CONTACT_REQUIRED, "child_ids")


class Problems:
    """Collects problems while cleaning; raise_if_any() ends the check."""

    def __init__(self):
        self.items: list[Problem] = []

    def add(self, code: str, message: str, field: str | None) -> None:
        self.items.append(Problem(code, message, field))

    def has(self, field: str) -> bool:
        return any(p.field == field for p in self.items)

    def raise_if_any(self) -> None:
        if self.items:
            raise InvalidInput(self.items)


# --- single values ---------------------------------------------------------------------


def clean_text(value, field: str, limit: int, problems: Problems, *, required=False) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        problems.add("invalid_type", _("Please enter text."), field)
        return ""
    value = value.strip()
    forbidden = text_problem(value)  # the one rule for text (NUL, control characters)
    if forbidden:
        problems.add("invalid_text", forbidden, field)
    elif required and not value:
        problems.add("required", _("This field is required."), field)
    elif len(value) > limit:
        problems.add("too_long", _("Please use at most %(limit)d characters.", limit=limit), field)
    return value


def clean_birth_date(value, problems: Problems, field: str = "date_of_birth") -> date | None:
    if value is None or value == "":
        problems.add("required", _("Please enter the date of birth."), field)
        return None
    born = _parse_date(value)
    if born is None:
        problems.add("invalid_date", _("Please enter a real date, e.g. 2015-04-30."), field)
        return None
    today = camp_today()
    if born > today:
        problems.add("date_in_future", _("The date of birth cannot be in the future."), field)
    elif age_on(born, today) > MAX_CHILD_AGE:
        message = _(
            "Please check the date of birth: a camper can be at most %(years)d years old.",
            years=MAX_CHILD_AGE,
        )
        problems.add("impossible_age", message, field)
    return born


def _parse_date(value) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        return None
    text = value.strip()
    if len(text) != 10:  # exactly YYYY-MM-DD, not the looser forms fromisoformat allows
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def clean_choice(value, field: str, choices: Iterable[str], problems: Problems) -> str | None:
    if value is None or value == "":
        return None
    allowed = [str(c) for c in choices]
    if not isinstance(value, str) or value not in allowed:
        message = _("Please choose one of: %(choices)s.", choices=", ".join(allowed))
        problems.add("invalid_choice", message, field)
        return None
    return value


def clean_bool(value, field: str, problems: Problems) -> bool:
    if value is None:
        return False
    if not isinstance(value, bool):
        problems.add("invalid_type", _("Please answer yes or no."), field)
        return False
    return value


def clean_phone(value, field: str, problems: Problems, *, required=False) -> str:
    """A phone number as E.164 (+13055550100); US numbers may be typed without +1."""
    text = clean_text(value, field, 40, problems, required=required)
    if not text or problems.has(field):
        return ""
    try:
        number = phonenumbers.parse(text, PHONE_REGION)
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        message = _("Please enter a valid phone number, e.g. (305) 555-0100.")
        problems.add("invalid_phone", message, field)
        return ""
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def clean_email(value, problems: Problems, field: str = "email") -> str:
    text = clean_text(value, field, 254, problems, required=True)
    if not text or problems.has(field):
        return ""
    try:
        checked = validate_email(text, check_deliverability=False)
    except EmailNotValidError:
        problems.add("invalid_email", _("Please enter a valid email address."), field)
        return ""
    return checked.normalized.lower()


# --- children --------------------------------------------------------------------------


def clean_child(data: dict, current: dict | None = None) -> dict:
    """Clean child input. With `current` (a partial update), only given fields are checked,
    but the rules that join fields (a patient needs a category) see the merged result.

    Returns the clean values of the given fields (all fields for a full write).
    """
    if not isinstance(data, dict):
        raise InvalidInput(Problem("invalid_type", _("Please send the child's details."), None))
    problems = Problems()
    given = set(CHILD_FIELDS) if current is None else set(data) & set(CHILD_FIELDS)
    clean: dict = {}
    for field, limit in CHILD_TEXT_LIMITS.items():
        if field in given:
            required = field in CHILD_REQUIRED
            clean[field] = clean_text(data.get(field), field, limit, problems, required=required)
    if "date_of_birth" in given:
        clean["date_of_birth"] = clean_birth_date(data.get("date_of_birth"), problems)
    if "relationship" in given:
        clean["relationship"] = _clean_relationship(data.get("relationship"), problems)
    if "diagnosis_category" in given:
        category = clean_choice(
            data.get("diagnosis_category"), "diagnosis_category", DiagnosisCategory, problems
        )
        clean["diagnosis_category"] = category
    if "treated_at_hospital" in given:
        clean["treated_at_hospital"] = clean_bool(
            data.get("treated_at_hospital"), "treated_at_hospital", problems
        )
    if "physician_phone" in given:
        clean["physician_phone"] = clean_phone(
            data.get("physician_phone"), "physician_phone", problems
        )
    if "medications" in given:
        clean["medications"] = clean_medications(data.get("medications"), problems)
    if "gender" in given:
        clean["gender"] = clean_gender(data.get("gender"), problems)
    _check_diagnosis_category({**(current or {}), **clean}, clean, problems)
    problems.raise_if_any()
    return clean


def clean_gender(value, problems: Problems, field: str = "gender") -> str:
    """ "" (not given, the default) or one of Gender; only gendered cabins look at it."""
    if value is None or value == "":
        return ""
    if not isinstance(value, str) or value not in {g.value for g in Gender}:
        message = _(
            "Please choose female, male or nonbinary, or leave the gender empty (not given)."
        )
        problems.add("invalid_choice", message, field)
        return ""
    return value


def _clean_relationship(value, problems: Problems) -> str | None:
    if value is None or value == "":
        problems.add(
            "required", _("Please say whether the child is a patient or a sibling."), "relationship"
        )
        return None
    return clean_choice(value, "relationship", ChildRelationship, problems)


def _check_diagnosis_category(merged: dict, clean: dict, problems: Problems) -> None:
    """A patient needs a diagnosis category; a sibling has none (cleared, not an error)."""
    relationship = merged.get("relationship")
    category = merged.get("diagnosis_category")
    if relationship == ChildRelationship.SIBLING and category is not None:
        clean["diagnosis_category"] = None
    elif (
        relationship == ChildRelationship.PATIENT
        and category is None
        and not problems.has("diagnosis_category")  # an invalid choice was named already
    ):
        message = _("Please choose the diagnosis category for a patient.")
        problems.add("diagnosis_category_required", message, "diagnosis_category")


def clean_medications(value, problems: Problems) -> list[dict]:
    """A list of {name, dose, schedule}; every part is needed for the camp nurse."""
    if value is None:
        return []
    if not isinstance(value, list):
        problems.add("invalid_type", _("Please send a list of medications."), "medications")
        return []
    if len(value) > MAX_MEDICATIONS:
        message = _("Please list at most %(count)d medications.", count=MAX_MEDICATIONS)
        problems.add("too_many", message, "medications")
        return []
    medications = []
    for index, item in enumerate(value):
        prefix = f"medications[{index}]"
        if not isinstance(item, dict):
            problems.add("invalid_type", _("Please give name, dose and schedule."), prefix)
            continue
        row = {}
        for part, limit in MEDICATION_LIMITS.items():
            field = f"{prefix}.{part}"
            row[part] = clean_text(item.get(part), field, limit, problems, required=True)
        medications.append(row)
    return medications


# --- contacts --------------------------------------------------------------------------


def clean_contact(data: dict, household_child_ids: set[int], current: dict | None = None) -> dict:
    """Clean contact input; child_ids must be children of the same household."""
    if not isinstance(data, dict):
        raise InvalidInput(Problem("invalid_type", _("Please send the contact's details."), None))
    problems = Problems()
    given = set(CONTACT_FIELDS) if current is None else set(data) & set(CONTACT_FIELDS)
    clean: dict = {}
    if "kind" in given:
        kind = clean_choice(data.get("kind"), "kind", ContactKind, problems)
        if kind is None and not problems.has("kind"):
            problems.add("required", _("Please choose the kind of contact."), "kind")
        clean["kind"] = kind
    for field, limit in CONTACT_LIMITS.items():
        if field in given:
            clean[field] = clean_text(data.get(field), field, limit, problems, required=True)
    if "phone" in given:
        clean["phone"] = clean_phone(data.get("phone"), "phone", problems, required=True)
    if "child_ids" in given:
        clean["child_ids"] = _clean_child_ids(data.get("child_ids"), household_child_ids, problems)
    merged = {**(current or {}), **clean}
    if merged.get("kind") == ContactKind.EMERGENCY:
        clean["child_ids"] = []  # an emergency contact is for every child
    problems.raise_if_any()
    return clean


def _clean_child_ids(value, allowed: set[int], problems: Problems) -> list[int]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(_is_id(v) for v in value):
        problems.add("invalid_type", _("Please send a list of child ids."), "child_ids")
        return []
    ids = list(dict.fromkeys(int(v) for v in value))
    if any(child_id not in allowed for child_id in ids):
        # The same answer whether the child is another family's or does not exist.
        problems.add("invalid_choice", _("Please choose children of your family."), "child_ids")
        return []
    return ids


def _is_id(value) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return True
    return isinstance(value, str) and value.isdigit()
