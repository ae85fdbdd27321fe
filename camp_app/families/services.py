"""Household rules: children and their medical details, contacts, guardians and invitations.

Called by the HTML pages (routes.py) and the JSON API alike. Each public function is one unit
of work and commits at its end; bad input raises camp_app.service_errors (nothing changed).
A parent reaches only their own household: anything else is NotFound, never "forbidden".
"""

import hashlib
import secrets
from datetime import timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, exists, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from camp_app.accounts.models import Role, User
from camp_app.accounts.users import find_user_by_email, normalize_email
from camp_app.audit.services import record
from camp_app.extensions import db
from camp_app.families import serializers
from camp_app.families.models import (
    Child,
    Contact,
    ContactKind,
    GuardianInvite,
    Household,
    Medication,
    contact_children,
)
from camp_app.families.validation import Problems, clean_child, clean_contact, clean_email
from camp_app.notifications.services import queue_mail
from camp_app.service_errors import Conflict, InvalidInput, NotAllowed, NotFound, Problem
from camp_app.timeutil import utcnow

INVITE_TTL = timedelta(days=7)
MAX_INVITES_PER_DAY = 10
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
)
CONTACT_SCALARS = ("kind", "name", "relationship", "phone")


# --- finding things --------------------------------------------------------------------


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
    child_id = _as_id(child_id)
    child = None
    if child_id is not None and user.household_id is not None:
        child = db.session.scalar(
            select(Child)
            .where(Child.id == child_id, Child.household_id == user.household_id)
            .options(selectinload(Child.medications))
        )
    if child is None:
        raise NotFound(Problem("not_found", _("We could not find that child."), None))
    return child


def contact_of(user: User, contact_id) -> Contact:
    """The contact with this id if it belongs to the user's household; otherwise NotFound."""
    contact_id = _as_id(contact_id)
    contact = None
    if contact_id is not None and user.household_id is not None:
        contact = db.session.scalar(
            select(Contact)
            .where(Contact.id == contact_id, Contact.household_id == user.household_id)
            .options(selectinload(Contact.children))
        )
    if contact is None:
        raise NotFound(Problem("not_found", _("We could not find that contact."), None))
    return contact


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


def pending_invites(household: Household) -> list[GuardianInvite]:
    return list(
        db.session.scalars(
            select(GuardianInvite)
            .where(
                GuardianInvite.household_id == household.id,
                GuardianInvite.accepted_at.is_(None),
                GuardianInvite.expires_at > utcnow(),
            )
            .order_by(GuardianInvite.created_at, GuardianInvite.id)
        )
    )


# --- children --------------------------------------------------------------------------


def add_child(actor: User, data: dict) -> Child:
    household = household_of(actor)
    clean = clean_child(data)
    child = Child()
    _apply_child(child, clean)
    child.household = household  # only now: a half-built child must not be autoflushed
    db.session.add(child)
    filled = [name for name, value in clean.items() if value not in (None, "", [], False)]
    record(actor.id, "child.create", child, fields=filled)
    db.session.commit()
    return child


def update_child(actor: User, child: Child, data: dict, partial: bool = False) -> Child:
    """Replace the child's details (partial=True: only the fields given; medications, when
    given, replace the whole list). Audits the names of the fields that changed."""
    _ensure_same_household(actor, child.household_id, _("We could not find that child."))
    current = {"relationship": child.relationship, "diagnosis_category": child.diagnosis_category}
    clean = clean_child(data, current if partial else None)
    changed = _apply_child(child, clean)
    if changed:
        record(actor.id, "child.update", child, fields=changed)
    db.session.commit()
    return child


def remove_child(actor: User, child: Child) -> None:
    """Remove a child who has never been registered; registrations keep their history."""
    from camp_app.registrations.models import Registration  # registrations builds on families

    _ensure_same_household(actor, child.household_id, _("We could not find that child."))
    registered = db.session.scalar(select(exists().where(Registration.child_id == child.id)))
    if registered:
        raise InvalidInput(_child_in_use(child))
    _drop_child_from_pickup_lists(actor, child)
    record(actor.id, "child.delete", child)
    db.session.delete(child)
    try:
        db.session.commit()
    except IntegrityError:  # a registration arrived meanwhile
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

    return sorted((m["name"], m["dose"], m["schedule"]) for m in map(parts, rows))


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
        result.append(row)
    return result


# --- contacts --------------------------------------------------------------------------


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
    _ensure_same_household(actor, contact.household_id, _("We could not find that contact."))
    household = contact.household
    current = {"kind": contact.kind}
    clean = clean_contact(data, _child_ids(household), current if partial else None)
    changed = _apply_contact(contact, clean, household)
    if changed:
        record(actor.id, "contact.update", contact, fields=changed)
    db.session.commit()
    return contact


def remove_contact(actor: User, contact: Contact) -> None:
    _ensure_same_household(actor, contact.household_id, _("We could not find that contact."))
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


# --- guardians and invitations ----------------------------------------------------------


def invite_guardian(actor: User, email: str) -> GuardianInvite:
    """Invite another guardian by email; the mail carries a one-time link valid 7 days.
    A newer invitation to the same address replaces an older pending one."""
    household = household_of(actor)
    problems = Problems()
    address = clean_email(email, problems)
    problems.raise_if_any()
    guardian_emails = set(
        db.session.scalars(select(User.email).where(User.household_id == household.id))
    )
    if address in guardian_emails:
        message = _("This person already belongs to your family.")
        raise InvalidInput(Problem("already_guardian", message, "email"))
    _check_invite_rate(household)
    now = utcnow()
    db.session.execute(
        update(GuardianInvite)
        .where(
            GuardianInvite.household_id == household.id,
            GuardianInvite.email == address,
            GuardianInvite.accepted_at.is_(None),
            GuardianInvite.expires_at > now,
        )
        .values(expires_at=now)
        .execution_options(synchronize_session=False)
    )
    token = secrets.token_urlsafe(32)
    invite = GuardianInvite(
        household=household,
        email=address,
        token_hash=hash_token(token),
        invited_by_id=actor.id,
        created_at=now,
        expires_at=now + INVITE_TTL,
    )
    db.session.add(invite)
    record(actor.id, "guardian_invite.create", invite, fields=["email"])
    _queue_invite_mail(actor, invite, token)
    db.session.commit()
    return invite


def _check_invite_rate(household: Household) -> None:
    since = utcnow() - timedelta(days=1)
    recent = db.session.scalar(
        select(func.count(GuardianInvite.id)).where(
            GuardianInvite.household_id == household.id, GuardianInvite.created_at > since
        )
    )
    if recent >= MAX_INVITES_PER_DAY:
        message = _("Too many invitations today. Please try again tomorrow.")
        raise NotAllowed(Problem("too_many_invites", message, "email"))


def _queue_invite_mail(actor: User, invite: GuardianInvite, token: str) -> None:
    invitee = find_user_by_email(invite.email)
    queue_mail(
        to=invite.email,
        template="guardian_invite",
        subject=_l("%(name)s invited you to share their family's camp account", name=actor.name),
        context={
            "inviter_name": actor.name,
            "email": invite.email,
            "link_path": f"/family/invite/{token}",
            "expires_at": invite.expires_at,
            "has_account": invitee is not None,
        },
        locale=invitee.locale if invitee else actor.locale,
        user_id=invitee.id if invitee else None,
    )


def revoke_invite(actor: User, invite_id) -> None:
    """Withdraw a pending invitation of the actor's household."""
    invite_id = _as_id(invite_id)
    invite = None
    if invite_id is not None and actor.household_id is not None:
        invite = db.session.scalar(
            select(GuardianInvite).where(
                GuardianInvite.id == invite_id,
                GuardianInvite.household_id == actor.household_id,
                GuardianInvite.accepted_at.is_(None),
            )
        )
    if invite is None:
        raise NotFound(Problem("not_found", _("We could not find that invitation."), None))
    invite.expires_at = min(invite.expires_at, utcnow())
    record(actor.id, "guardian_invite.revoke", invite, fields=["expires_at"])
    db.session.commit()


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def find_invite(token: str) -> GuardianInvite:
    """The pending invitation for this token: NotFound if unknown, InvalidInput if used or
    expired (each with a message a person understands)."""
    invite = None
    if isinstance(token, str) and 0 < len(token) <= 200:
        invite = db.session.scalar(
            select(GuardianInvite).where(GuardianInvite.token_hash == hash_token(token))
        )
    if invite is None:
        message = _("This invitation link is not valid. Please check that it was copied whole.")
        raise NotFound(Problem("invalid_token", message, None))
    if invite.accepted_at is not None:
        message = _("This invitation has already been used.")
        raise InvalidInput(Problem("invite_used", message, None))
    if invite.expires_at <= utcnow():
        message = _("This invitation has expired. Please ask for a new one.")
        raise InvalidInput(Problem("invite_expired", message, None))
    return invite


def accept_invite(user: User, token: str) -> Household:
    """The signed-in, verified user (with the invited address) joins the inviting household.

    Refused if the user's own household has children (they would be left behind). An own
    household without children is dropped; its contacts move to the joined household.
    The token works once, even when two requests race.
    """
    invite = invite_for(user, token)
    old_household = db.session.get(Household, user.household_id) if user.household_id else None
    now = utcnow()
    claimed = db.session.execute(
        update(GuardianInvite)
        .where(GuardianInvite.id == invite.id, GuardianInvite.accepted_at.is_(None))
        .values(accepted_at=now, accepted_by_id=user.id)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:
        db.session.rollback()
        message = _("This invitation has already been used.")
        raise InvalidInput(Problem("invite_used", message, None))
    joined = db.session.get(Household, invite.household_id)
    # Through the relationship, so that a loaded old.guardians list forgets the user too.
    user.household = joined
    db.session.flush()
    record(user.id, "guardian_invite.accept", invite, fields=["accepted_at", "accepted_by_id"])
    record(user.id, "user.join_household", user, fields=["household_id"])
    if old_household is not None:
        _drop_empty_household(user, old_household, joined)
    db.session.commit()
    return joined


def invite_for(user: User, token: str) -> GuardianInvite:
    """The invitation if this user may accept it now; otherwise the reason, as a ServiceError
    (the accept page shows it before the person clicks)."""
    invite = find_invite(token)
    _check_can_accept(user, invite)
    own = db.session.get(Household, user.household_id) if user.household_id else None
    if own is not None and own.children:
        message = _(
            "Your own family record already has children, so it cannot be merged. "
            "Please contact the camp office."
        )
        raise NotAllowed(Problem("household_has_children", message, None))
    return invite


def _check_can_accept(user: User, invite: GuardianInvite) -> None:
    if not user.has_role(Role.PARENT):
        message = _("Only a parent account can join a family.")
        raise NotAllowed(Problem("not_a_parent", message, None))
    if not user.is_verified:
        message = _("Please verify your email address first, then open the link again.")
        raise NotAllowed(Problem("email_not_verified", message, None))
    if normalize_email(user.email) != invite.email:
        # The link is for one person: someone who got it forwarded cannot use it.
        message = _(
            "This invitation was sent to another email address. "
            "Please sign in with the address that received it."
        )
        raise NotAllowed(Problem("invite_for_other_email", message, None))
    if user.household_id == invite.household_id:
        message = _("You already belong to this family.")
        raise Conflict(Problem("already_guardian", message, None))


def _drop_empty_household(user: User, old: Household, joined: Household) -> None:
    """Remove the user's former household if nobody else uses it; keep its contacts."""
    others = db.session.scalar(
        select(func.count(User.id)).where(User.household_id == old.id, User.id != user.id)
    )
    if others:
        return
    for contact in list(old.contacts):
        contact.household = joined  # through the relationship: old.contacts lets go of it
        contact.children = []
        record(user.id, "contact.update", contact, fields=["household_id"])
    db.session.execute(delete(GuardianInvite).where(GuardianInvite.household_id == old.id))
    record(user.id, "household.delete", old)
    db.session.flush()
    db.session.delete(old)


# --- helpers ---------------------------------------------------------------------------


def _ensure_same_household(actor: User, household_id: int, message: str) -> None:
    if actor.household_id is None or actor.household_id != household_id:
        raise NotFound(Problem("not_found", message, None))


MAX_DB_ID = 2**31 - 1  # a larger id can't exist; PostgreSQL would refuse to compare it


def _as_id(value) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, str) and value.isdigit() and len(value) < 19:
        value = int(value)
    if isinstance(value, int) and 0 < value <= MAX_DB_ID:
        return value
    return None


def _by_id(row) -> int:
    return row.id


__all__ = [
    "ContactKind",
    "accept_invite",
    "add_child",
    "add_contact",
    "child_of",
    "contact_of",
    "family_summary",
    "find_invite",
    "household_of",
    "invite_for",
    "invite_guardian",
    "load_family",
    "pending_invites",
    "remove_child",
    "remove_contact",
    "revoke_invite",
    "update_child",
    "update_contact",
]
