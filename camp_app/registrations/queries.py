"""Reading registrations: a family's list, a coordinator's list, the roster, the API shape.

Every list is a fixed number of queries whatever its length (eager loading, and waitlist
positions from one window query).
"""

from collections.abc import Iterable, Iterator
from typing import NamedTuple

from flask_babel import gettext as _
from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import defer, joinedload, selectinload

from camp_app.accounts.models import User
from camp_app.database import like_pattern  # the roster's search: % and _ are literal
from camp_app.events.models import ConsentDocumentVersion, Event
from camp_app.extensions import db
from camp_app.families.health_alerts import alert_labels
from camp_app.families.models import Child, Contact, ContactKind, Household
from camp_app.ids import possible_id
from camp_app.registrations.consents import signed_documents
from camp_app.registrations.models import (
    ACTIVE,
    ConsentSigning,
    Registration,
    RegistrationStatus,
    SignedConsent,
)
from camp_app.service_errors import InvalidInput, NotFound, Problem
from camp_app.spreadsheets import csv_lines
from camp_app.timeutil import age_on

MAX_PER_PAGE = 200


class RegistrationRow(NamedTuple):
    registration: Registration
    waitlist_position: int | None


def _positions(event_ids: Iterable[int]) -> dict[int, int]:
    """Waitlist position (1 = next to get a seat) of every waitlisted registration of the events."""
    ids = sorted(set(event_ids))
    if not ids:
        return {}
    position = (
        func.row_number()
        .over(partition_by=Registration.event_id, order_by=Registration.sequence)
        .label("position")
    )
    query = select(Registration.id, position).where(
        Registration.event_id.in_(ids), Registration.status == RegistrationStatus.WAITLISTED
    )
    return {reg_id: pos for reg_id, pos in db.session.execute(query)}


def _rows(registrations: list[Registration]) -> list[RegistrationRow]:
    waiting = [r.event_id for r in registrations if r.status == RegistrationStatus.WAITLISTED]
    positions = _positions(waiting)
    return [RegistrationRow(r, positions.get(r.id)) for r in registrations]


def waitlist_position(registration: Registration) -> int | None:
    """Where a waitlisted registration stands (1 = next); None when it is not waitlisted."""
    if registration.status != RegistrationStatus.WAITLISTED:
        return None
    query = select(func.count()).where(
        Registration.event_id == registration.event_id,
        Registration.status == RegistrationStatus.WAITLISTED,
        Registration.sequence <= registration.sequence,
    )
    return db.session.scalar(query)


def signed_loaders() -> tuple:
    """What `consents` of serialize_registration reads, for a whole list in two queries."""
    return (
        selectinload(Registration.signing)
        .selectinload(ConsentSigning.answers)
        .joinedload(SignedConsent.document_version)
        .joinedload(ConsentDocumentVersion.document),
    )


def family_registrations(household: Household) -> list[RegistrationRow]:
    """The household's registrations, soonest event first, each with its waitlist position."""
    query = (
        select(Registration)
        .join(Registration.event)
        .where(Registration.household_id == household.id)
        .options(joinedload(Registration.event), joinedload(Registration.child), *signed_loaders())
        .order_by(Event.starts_on, Registration.sequence)
    )
    return _rows(list(db.session.scalars(query)))


def signing_registrations(signing: ConsentSigning) -> list[RegistrationRow]:
    """The registrations of one submission (what one signing covered), in the order received,
    each with its waitlist position."""
    query = (
        select(Registration)
        .where(
            Registration.signing_id == signing.id,
            Registration.household_id == signing.household_id,
        )
        .options(joinedload(Registration.event), joinedload(Registration.child))
        .order_by(Registration.sequence)
    )
    return _rows(list(db.session.scalars(query)))


def registration_of_event(event: Event, registration_id, *, lock: bool = False) -> Registration:
    """The event's registration with this id; NotFound otherwise (another event's too).
    `lock` takes its row lock (PostgreSQL), so that two people acting on the same child at
    once go one after the other."""
    statement = select(Registration).where(
        Registration.id == (registration_id if possible_id(registration_id) else 0),
        Registration.event_id == event.id,
    )
    registration = db.session.scalar(statement.with_for_update() if lock else statement)
    if registration is None:
        message = _("That child is not registered for this event.")
        raise NotFound(Problem("not_found", message, "registration_id"))
    return registration


def family_registration(household: Household | None, registration_id) -> Registration | None:
    """One of the household's registrations, or None (also for another family's)."""
    if household is None or not isinstance(registration_id, int):
        return None
    registration = db.session.get(Registration, registration_id)
    if registration is None or registration.household_id != household.id:
        return None
    return registration


def active_registrations(household: Household, event: Event) -> dict[int, Registration]:
    """The household's active registrations for the event, by child id."""
    query = select(Registration).where(
        Registration.household_id == household.id,
        Registration.event_id == event.id,
        Registration.status.in_(ACTIVE),
    )
    return {r.child_id: r for r in db.session.scalars(query)}


def _check_listing(status, page, per_page) -> None:
    problems = []
    if status is not None and status not in set(RegistrationStatus):
        problems.append(Problem("invalid_status", _("Unknown status."), "status"))
    if not isinstance(page, int) or page < 1:
        problems.append(Problem("invalid_page", _("The page must be 1 or more."), "page"))
    if not isinstance(per_page, int) or not 1 <= per_page <= MAX_PER_PAGE:
        message = _("Choose between 1 and %(most)s per page.", most=MAX_PER_PAGE)
        problems.append(Problem("invalid_per_page", message, "per_page"))
    if problems:
        raise InvalidInput(problems)


def _search(q: str):
    pattern = like_pattern(q.strip())
    full_name = func.lower(Child.first_name + " " + Child.last_name)
    last_name = func.lower(Child.last_name)
    return or_(full_name.like(pattern, escape="\\"), last_name.like(pattern, escape="\\"))


def event_registrations(
    event: Event, status: str | None = None, q: str | None = None, page: int = 1, per_page: int = 50
) -> tuple[list[RegistrationRow], int]:
    """A page of the event's registrations in the order received, and how many match in all.

    For coordinators and staff. `q` matches the child's name. Raises InvalidInput for a bad
    status, page or per_page.
    """
    _check_listing(status, page, per_page)
    conditions = [Registration.event_id == event.id]
    if status:
        conditions.append(Registration.status == status)
    if q and q.strip():
        conditions.append(_search(q))
    matching = select(Registration).join(Registration.child).where(*conditions)
    total = db.session.scalar(select(func.count()).select_from(matching.subquery()))
    query = (
        matching.options(
            joinedload(Registration.child),
            joinedload(Registration.group),
            joinedload(Registration.event),
            joinedload(Registration.signed_by),
            selectinload(Registration.household).selectinload(Household.guardians),
            *signed_loaders(),
        )
        .order_by(Registration.sequence)
        .limit(per_page)
        .offset((page - 1) * per_page)
    )
    return _rows(list(db.session.scalars(query))), total


def serialize_registration(registration: Registration, position: int | None = None) -> dict:
    """The contract's shape: {id, event, child_id, status, waitlist_position, created_at,
    reference, consents: [{key, title, version, accepted}]}."""
    return {
        "id": registration.id,
        "event": registration.event.slug,
        "child_id": registration.child_id,
        "status": registration.status,
        "waitlist_position": position,
        "created_at": registration.created_at.isoformat(),
        "reference": registration.reference,
        "consents": signed_documents(registration.signing),
    }


# --- the roster ------------------------------------------------------------------------------

# What the people running the camp need on the day. Allergies, dietary needs and the health
# alerts are there for safety; diagnosis, medications and other conditions stay in the child's
# record (staff download this roster too).
ROSTER_COLUMNS = (
    "registration_id",
    "status",
    "child_first_name",
    "child_last_name",
    "date_of_birth",
    "age_on_first_day",
    "allergies",
    "dietary_needs",
    "photo_release",
    "parent_name",
    "parent_email",
    "parent_phone",
    "emergency_contact_name",
    "emergency_contact_relationship",
    "emergency_contact_phone",
    "cabin",
    "health_alerts",
)

_STATUS_ORDER = case(
    (Registration.status == RegistrationStatus.CONFIRMED, 0),
    (Registration.status == RegistrationStatus.PENDING_REVIEW, 1),
    else_=2,
)


def roster_unshown() -> tuple:
    """Loader options for a roster's children and contacts: the sealed details it never shows
    are not loaded, so not decrypted (each value costs a decryption)."""
    return (
        defer(Child.diagnosis),
        defer(Child.medical_conditions),
        defer(Child.physician_name),
        defer(Child.physician_phone),
    )


def roster_loaders() -> tuple:
    """What roster_row reads, loaded a batch at a time: never a query per row. The signer's
    roles (User.role_rows loads "selectin" by default) are not part of a roster. (Built when
    called: building loader options configures the mappers, which must wait until every
    feature's models are imported, e.g. roster's CampGroup that Registration.group names.)"""
    return (
        joinedload(Registration.child).options(*roster_unshown()),
        joinedload(Registration.signed_by).lazyload(User.role_rows),
        selectinload(Registration.household)
        .selectinload(Household.contacts)
        .defer(Contact.note),  # sealed, and not on a roster
    )


ROSTER_BATCH = 500


def _emergency_contact(household: Household):
    return next((c for c in household.contacts if c.kind == ContactKind.EMERGENCY), None)


def roster_row(registration: Registration, event: Event) -> dict:
    """ROSTER_COLUMNS of one registration (child, signer and household.contacts loaded)."""
    child, parent = registration.child, registration.signed_by
    contact = _emergency_contact(registration.household)
    return {
        "registration_id": registration.id,
        "status": registration.status,
        "child_first_name": child.first_name,
        "child_last_name": child.last_name,
        "date_of_birth": child.date_of_birth.isoformat(),
        "age_on_first_day": age_on(child.date_of_birth, event.starts_on),
        "allergies": child.allergies,
        "dietary_needs": child.dietary_needs,
        "photo_release": "yes" if registration.consent_photo_release else "no",
        "parent_name": parent.name,
        "parent_email": parent.email,
        "parent_phone": parent.phone or "",
        "emergency_contact_name": contact.name if contact else "",
        "emergency_contact_relationship": contact.relationship if contact else "",
        "emergency_contact_phone": contact.phone if contact else "",
        "cabin": registration.group.name if registration.group else "",
        "health_alerts": "; ".join(alert_labels(child.health_alerts, child.health_alert_note)),
    }


def roster_rows(event: Event) -> Iterator[dict]:
    """A row (ROSTER_COLUMNS) per active registration: seat holders by name, then the waitlist."""
    query = (
        select(Registration)
        .join(Registration.child)
        .where(Registration.event_id == event.id, Registration.status.in_(ACTIVE))
        .options(*roster_loaders())
        .order_by(
            _STATUS_ORDER,
            case((Registration.status == RegistrationStatus.WAITLISTED, Registration.sequence)),
            Child.last_name,
            Child.first_name,
            Registration.id,
        )
        .execution_options(yield_per=ROSTER_BATCH)
    )
    for registration in db.session.scalars(query):
        yield roster_row(registration, event)


def roster_count(event: Event):
    """How many rows roster_csv holds, as a scalar subquery (for the audit entry's INSERT)."""
    return (
        select(func.count(Registration.id))
        .where(Registration.event_id == event.id, Registration.status.in_(ACTIVE))
        .scalar_subquery()
    )


def roster_csv(event: Event) -> Iterator[str]:
    """The roster as CSV lines (header first), for a streamed text/csv response."""
    rows = roster_rows(event)
    return csv_lines(ROSTER_COLUMNS, ([row[name] for name in ROSTER_COLUMNS] for row in rows))
