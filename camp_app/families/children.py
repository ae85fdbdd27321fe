"""A household's children and their medical details: add, update, remove.

Each public function is one unit of work and commits at its end; bad input raises
camp_app.service_errors (nothing changed). Only the child's own household may change it.
Each field's rule is declared in camp_app/families/schema.py; the rules here join fields or
depend on today.

Age rule (documented choice): a child may be at most 25 years old today (camp time zone).
Camp programmes serve children and young adults; anything older is a typing mistake.
"""

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from camp_app import timeutil
from camp_app.accounts.models import User
from camp_app.audit.services import record
from camp_app.extensions import db
from camp_app.families import serializers
from camp_app.families.household import ensure_same_household, household_of
from camp_app.families.models import (
    Child,
    ChildRelationship,
    Contact,
    Medication,
    contact_children,
)
from camp_app.families.schema import ChildInput
from camp_app.families.verification import VOUCHED_FIELDS, reset_verification
from camp_app.schemas.validation import check
from camp_app.service_errors import InvalidInput, Problem
from camp_app.timeutil import age_on, camp_today

MAX_CHILD_AGE = 25

CHILD_SCALARS = (
    "first_name",
    "last_name",
    "date_of_birth",
    "relationship",
    "diagnosis_category",
    "diagnosis",
    "treated_at_hospital",
    "allergies",
    "dietary_needs",
    "medical_conditions",
    "physician_name",
    "physician_phone",
    "gender",
    "health_alerts",
    "health_alert_note",
)


def clean_child(data, current: dict | None = None) -> dict:
    """Clean child input. With `current` (a partial update), only given fields are checked,
    but the rules that join fields (a patient needs a category) see the merged result.

    Returns the clean values of the given fields (all fields for a full write).
    """
    clean, problems = check(ChildInput, data, partial=current is not None)
    failed = {p.field for p in problems}
    if clean.get("date_of_birth") is not None:
        problems += _birth_date_problems(clean["date_of_birth"])
    merged = {**(current or {}), **clean}
    relationship, category = merged.get("relationship"), merged.get("diagnosis_category")
    if relationship == ChildRelationship.SIBLING and category is not None:
        clean["diagnosis_category"] = None  # a sibling has none: cleared, not an error
    elif (
        relationship == ChildRelationship.PATIENT
        and category is None
        and "diagnosis_category" not in failed  # an invalid choice was named already
    ):
        message = _("Please choose the diagnosis category for a patient.")
        problems.append(Problem("diagnosis_category_required", message, "diagnosis_category"))
    if problems:
        raise InvalidInput(problems)
    return clean


def _birth_date_problems(born) -> list[Problem]:
    today = camp_today()
    if born > today:
        message = _("The date of birth cannot be in the future.")
        return [Problem("date_in_future", message, "date_of_birth")]
    if age_on(born, today) > MAX_CHILD_AGE:
        message = _(
            "Please check the date of birth: a camper can be at most %(years)d years old.",
            years=MAX_CHILD_AGE,
        )
        return [Problem("impossible_age", message, "date_of_birth")]
    return []


def add_child(actor: User, data: dict) -> Child:
    household = household_of(actor)
    clean = clean_child(data)
    child = Child()
    _apply_child(child, clean)
    child.household = household  # only now: a half-built child must not be autoflushed
    child.medical_confirmed_at = timeutil.utcnow()  # what was just typed is current
    db.session.add(child)
    filled = [name for name, value in clean.items() if value not in (None, "", [], False)]
    record(actor.id, "child.create", child, fields=filled)
    db.session.commit()
    return child


def update_child(actor: User, child: Child, data: dict, partial: bool = False) -> Child:
    """Replace the child's details (partial=True: only the fields given; medications, when
    given, replace the whole list). Audits the names of the fields that changed."""
    ensure_same_household(actor, child.household_id, _("We could not find that child."))
    current = {"relationship": child.relationship, "diagnosis_category": child.diagnosis_category}
    clean = clean_child(data, current if partial else None)
    changed = _apply_child(child, clean)
    if any(name in changed for name in VOUCHED_FIELDS):
        # The medical team verified what the family said before; it must look again.
        changed += reset_verification(child)
    if changed:
        record(actor.id, "child.update", child, fields=changed)
    db.session.commit()
    return child


def remove_child(actor: User, child: Child) -> None:
    """Remove a child who has never been registered; registrations keep their history.

    Registrations are a feature above families: their foreign key to the child is what refuses
    the delete (on every database: SQLite enforces foreign keys here too), so the whole
    transaction rolls back and the family is told, whenever the registration arrived."""
    ensure_same_household(actor, child.household_id, _("We could not find that child."))
    _drop_child_from_pickup_lists(actor, child)
    record(actor.id, "child.delete", child)
    db.session.delete(child)
    try:
        db.session.commit()
    except IntegrityError:  # a registration holds the child
        db.session.rollback()
        raise InvalidInput(_child_in_use(child)) from None


def _child_in_use(child: Child) -> Problem:
    message = _(
        "%(name)s has camp registrations, so the record must stay. "
        "Please contact the camp office if it should be removed.",
        name=child.first_name,
    )
    return Problem("child_has_registrations", message, None)


def _drop_child_from_pickup_lists(actor: User, child: Child) -> None:
    """A pickup person limited to this child alone would otherwise cover every child
    (an empty list means all), so such a person is removed with the child."""
    limited = db.session.scalars(
        select(Contact)
        .join(contact_children, contact_children.c.contact_id == Contact.id)
        .where(contact_children.c.child_id == child.id)
        .options(selectinload(Contact.children))
    ).all()
    for contact in limited:
        if all(c.id == child.id for c in contact.children):
            record(actor.id, "contact.delete", contact)
            db.session.delete(contact)
        else:
            contact.children = [c for c in contact.children if c.id != child.id]
            record(actor.id, "contact.update", contact, fields=["child_ids"])
    db.session.flush()


def _apply_child(child: Child, clean: dict) -> list[str]:
    """Set the clean values; return the names of the fields that changed."""
    changed = []
    for name in CHILD_SCALARS:
        if name in clean and getattr(child, name) != clean[name]:
            setattr(child, name, clean[name])
            changed.append(name)
    medications = clean.get("medications")
    if medications is not None and _medication_set(child.medications) != _medication_set(
        medications
    ):
        child.medications = _reconcile_medications(child.medications, medications)
        changed.append("medications")
    return changed


def _medication_set(rows) -> list[tuple]:
    def parts(row):
        return row if isinstance(row, dict) else serializers.serialize_medication(row)

    return sorted(
        (m["name"], m["dose"], m["schedule"], tuple(m.get("times") or ())) for m in map(parts, rows)
    )


def _reconcile_medications(existing: list[Medication], wanted: list[dict]) -> list[Medication]:
    """The new list, keeping the rows (and ids) of medications that stay: the nurse's dose
    records point at them. A medication is the same one when its name is."""
    by_name: dict[str, list[Medication]] = {}
    for row in existing:
        by_name.setdefault(row.name.casefold(), []).append(row)
    result = []
    for item in wanted:
        same_name = by_name.get(item["name"].casefold())
        row = same_name.pop(0) if same_name else Medication()
        row.name, row.dose, row.schedule = item["name"], item["dose"], item["schedule"]
        row.times = list(item.get("times") or [])
        result.append(row)
    return result
