"""A household's emergency contacts and authorized pickup people: add, update, remove.

Each public function is one unit of work and commits at its end; bad input raises
camp_app.service_errors (nothing changed). Only the contact's own household may change it.
"""

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from camp_app.accounts.models import User
from camp_app.audit.services import record
from camp_app.extensions import db
from camp_app.families.household import ensure_same_household, household_of
from camp_app.families.models import Child, Contact, ContactKind, Household
from camp_app.families.schema import ContactInput
from camp_app.schemas.validation import check
from camp_app.service_errors import Conflict, InvalidInput, Problem

CONTACT_SCALARS = ("kind", "name", "relationship", "phone", "note")


def clean_contact(data, household_child_ids: set[int], current: dict | None = None) -> dict:
    """Clean contact input (see families/schema.py); child_ids must be children of the same
    household, an emergency contact is for every child, and only a do_not_release person may
    come without a phone number. Every problem is reported together."""
    clean, problems = check(ContactInput, data, partial=current is not None)
    if problems:
        _require_phone(data, clean, current, problems)
        raise InvalidInput(problems)
    if any(child_id not in household_child_ids for child_id in clean.get("child_ids", [])):
        # The same answer whether the child is another family's or does not exist.
        message = _("Please choose children of your family.")
        raise InvalidInput(Problem("invalid_choice", message, "child_ids"))
    if {**(current or {}), **clean}.get("kind") == ContactKind.EMERGENCY:
        clean["child_ids"] = []
    _require_phone(data, clean, current, problems)
    if problems:
        raise InvalidInput(problems)
    return clean


def _require_phone(data, clean: dict, current: dict | None, problems: list[Problem]) -> None:
    """Staff must be able to call anyone who may take or be called about the children."""
    if any(p.field == "phone" for p in problems):
        return
    merged = {**(current or {}), **clean}
    kind = merged.get("kind", data.get("kind") if isinstance(data, dict) else None)
    if kind != ContactKind.DO_NOT_RELEASE and not merged.get("phone"):
        problems.append(Problem("required", _("This field is required."), "phone"))


def add_contact(actor: User, data: dict) -> Contact:
    """An emergency contact or authorized pickup person. child_ids limits a pickup person to
    some children of the household; empty means every child."""
    household = household_of(actor)
    clean = clean_contact(data, _child_ids(household))
    contact = Contact()
    _apply_contact(contact, clean, household)
    contact.household = household  # only now: a half-built contact must not be autoflushed
    db.session.add(contact)
    filled = [name for name, value in clean.items() if value not in (None, "", [])]
    record(actor.id, "contact.create", contact, fields=filled)
    db.session.commit()
    return contact


def update_contact(actor: User, contact: Contact, data: dict, partial: bool = False) -> Contact:
    ensure_same_household(actor, contact.household_id, _("We could not find that contact."))
    household = contact.household
    current = {"kind": contact.kind, "phone": contact.phone}
    clean = clean_contact(data, _child_ids(household), current if partial else None)
    changed = _apply_contact(contact, clean, household)
    if changed:
        record(actor.id, "contact.update", contact, fields=changed)
    db.session.commit()
    return contact


def remove_contact(actor: User, contact: Contact) -> None:
    ensure_same_household(actor, contact.household_id, _("We could not find that contact."))
    record(actor.id, "contact.delete", contact)
    db.session.delete(contact)
    try:
        db.session.commit()
    except IntegrityError:  # e.g. named in an attendance record as the person who picked up
        db.session.rollback()
        message = _("This person is named in camp records, so the record must stay.")
        raise Conflict(Problem("contact_in_use", message, None)) from None


def _apply_contact(contact: Contact, clean: dict, household: Household) -> list[str]:
    changed = []
    for name in CONTACT_SCALARS:
        if name in clean and getattr(contact, name) != clean[name]:
            setattr(contact, name, clean[name])
            changed.append(name)
    if "child_ids" in clean:
        before = sorted(c.id for c in contact.children)
        if before != sorted(clean["child_ids"]):
            wanted = set(clean["child_ids"])
            contact.children = [c for c in household.children if c.id in wanted]
            changed.append("child_ids")
    return changed


def _child_ids(household: Household) -> set[int]:
    return set(db.session.scalars(select(Child.id).where(Child.household_id == household.id)))
