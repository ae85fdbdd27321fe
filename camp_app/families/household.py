"""Finding a household and what belongs to it, and the GET /family summary.

A parent reaches only their own household: anything else is NotFound, never "forbidden".
The other families modules build on these lookups and helpers.
"""

from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.orm import selectinload

from camp_app.accounts.models import User
from camp_app.audit.services import record
from camp_app.extensions import db
from camp_app.families import serializers
from camp_app.families.models import Child, Contact, Household
from camp_app.ids import possible_id
from camp_app.roles import Role
from camp_app.service_errors import NotFound, Problem


def household_of(user: User) -> Household:
    """The user's household; a parent without one gets a new, empty one.

    Safe when two requests of the same parent race: only one household is ever attached.
    Commits only when it creates the household, so call it before changing anything else.
    """
    if user.household_id is not None:
        return db.session.get(Household, user.household_id)
    if not user.has_role(Role.PARENT):
        raise NotFound(Problem("not_found", _("You have no family record."), None))
    household = Household()
    db.session.add(household)
    db.session.flush()
    attached = db.session.execute(
        update(User)
        .where(User.id == user.id, User.household_id.is_(None))
        .values(household_id=household.id)
        .execution_options(synchronize_session=False)
    )
    if attached.rowcount == 1:
        record(user.id, "household.create", household)
    else:  # another request attached one first: use that one
        db.session.delete(household)
    db.session.commit()  # expires `user`, so household_id is read afresh below
    return db.session.get(Household, user.household_id)


def child_of(user: User, child_id) -> Child:
    """The child with this id if it belongs to the user's household; otherwise NotFound."""
    message = _("We could not find that child.")
    return _household_row(user, Child, child_id, Child.medications, message)


def contact_of(user: User, contact_id) -> Contact:
    """The contact with this id if it belongs to the user's household; otherwise NotFound."""
    message = _("We could not find that contact.")
    return _household_row(user, Contact, contact_id, Contact.children, message)


def _household_row(user: User, model, row_id, relation, message: str):
    """The user's household's `model` row with this id, `relation` loaded; else NotFound."""
    row_id = as_id(row_id)
    row = None
    if row_id is not None and user.household_id is not None:
        row = db.session.scalar(
            select(model)
            .where(model.id == row_id, model.household_id == user.household_id)
            .options(selectinload(relation))
        )
    if row is None:
        raise NotFound(Problem("not_found", message, None))
    return row


def load_family(household: Household) -> Household:
    """The household with guardians, children (with medications) and contacts loaded in a
    fixed number of queries, ready for a page or family_summary()."""
    return db.session.scalars(
        select(Household)
        .where(Household.id == household.id)
        .options(
            selectinload(Household.guardians),
            selectinload(Household.children).selectinload(Child.medications),
            selectinload(Household.contacts).selectinload(Contact.children),
        )
    ).one()


def family_summary(household: Household) -> dict:
    """The contract's GET /family answer: {guardians, children, contacts}."""
    family = load_family(household)
    return {
        "guardians": [
            serializers.serialize_guardian(u) for u in sorted(family.guardians, key=_by_id)
        ],
        "children": [serializers.serialize_child(c) for c in family.children],
        "contacts": [serializers.serialize_contact(c) for c in family.contacts],
    }


def ensure_same_household(actor: User, household_id: int, message: str) -> None:
    """NotFound (with this message) unless the actor belongs to that household."""
    if actor.household_id is None or actor.household_id != household_id:
        raise NotFound(Problem("not_found", message, None))


def as_id(value) -> int | None:
    """A usable row id from a path or JSON value, or None if it cannot name a row."""
    if isinstance(value, str) and value.isdigit() and len(value) < 19:
        value = int(value)
    return value if possible_id(value) else None


def _by_id(row) -> int:
    return row.id
