"""Who may take a child home: the guardians of the child's household (always), the family's
pickup people for that child, and never a `do_not_release` person. Read by the check-out page,
the day sheet's alerts and GET /registrations/{id}/pickups; the refusal itself is in actions.py.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from camp_app.accounts.models import User
from camp_app.extensions import db
from camp_app.families.models import Child, Contact, ContactKind
from camp_app.phones import phone_fields
from camp_app.registrations.models import Registration


@dataclass(frozen=True)
class Pickups:
    guardians: list[User]
    contacts: list[Contact]  # the family's pickup people for this child
    restricted: list[Contact]  # do_not_release people for this child


def _contacts(household_ids: Iterable[int], kind: ContactKind) -> list[Contact]:
    return list(
        db.session.scalars(
            select(Contact)
            .where(Contact.household_id.in_(list(household_ids)), Contact.kind == kind)
            .options(selectinload(Contact.children))
            .order_by(Contact.id)
        )
    )


def pickups_for(registration: Registration) -> Pickups:
    child = registration.child
    guardians = db.session.scalars(
        select(User).where(User.household_id == child.household_id).order_by(User.id)
    )
    return Pickups(
        guardians=list(guardians),
        contacts=[
            c for c in _contacts([child.household_id], ContactKind.PICKUP) if c.covers(child)
        ],
        restricted=restricted_for(child),
    )


def restricted_for(child: Child) -> list[Contact]:
    contacts = _contacts([child.household_id], ContactKind.DO_NOT_RELEASE)
    return [c for c in contacts if c.covers(child)]


def matching_restricted(pickups: Pickups, typed_name: str) -> Contact | None:
    """The do_not_release person whose name staff typed as "someone not on the list"."""
    wanted = " ".join(typed_name.split()).casefold()
    return next(
        (c for c in pickups.restricted if " ".join(c.name.split()).casefold() == wanted), None
    )


def pickups_to_dict(pickups: Pickups) -> dict:
    """The contract's answer of GET /registrations/{id}/pickups."""
    allowed = [
        {
            "kind": "guardian",
            "id": g.id,
            "name": g.name,
            "relationship": "guardian",
            **phone_fields(g.phone),
        }
        for g in pickups.guardians
    ] + [
        {
            "kind": "pickup",
            "id": c.id,
            "name": c.name,
            "relationship": c.relationship,
            **phone_fields(c.phone),
        }
        for c in pickups.contacts
    ]
    restricted = [
        {"id": c.id, "name": c.name, "relationship": c.relationship, "note": c.note or ""}
        for c in pickups.restricted
    ]
    return {"allowed": allowed, "restricted": restricted}
