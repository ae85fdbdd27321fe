"""Which patients an event's verification page lists: the registered patients, and the
patients of a registered sibling's household, a page at a time with a fixed number of queries.
(The verification itself, a fact about the child, is families.verification.)"""

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import aliased, joinedload

from camp_app.extensions import db
from camp_app.families.models import Child, ChildRelationship
from camp_app.families.verification import STATES
from camp_app.registrations.models import ACTIVE, Registration
from camp_app.service_errors import NotFound, Problem

PER_PAGE = 100


def _active(event):
    return Registration, and_(Registration.event_id == event.id, Registration.status.in_(ACTIVE))


def _registered_children(event):
    """Ids of the children with an active registration for the event."""
    registration, active = _active(event)
    return select(registration.child_id).where(active)


def _households(event, *, siblings_only: bool):
    """Ids of the households with an active registration (of a sibling) for the event."""
    registration, active = _active(event)
    query = select(registration.household_id).where(active)
    if siblings_only:
        # Its own alias: the outer query is about Child too, and must not correlate with it.
        sibling = aliased(Child)
        query = query.join(sibling, sibling.id == registration.child_id).where(
            sibling.relationship == ChildRelationship.SIBLING
        )
    return query


def _listed(event):
    """The condition for a patient on the event's page: registered, or in the household of a
    registered sibling with a condition the event covers (a sibling comes because of them, and
    an event that requires verification looks at them: registrations.review)."""
    household = Child.household_id.in_(_households(event, siblings_only=True))
    if event.diagnosis_categories:
        household = and_(household, Child.diagnosis_category.in_(event.diagnosis_categories))
    condition = or_(Child.id.in_(_registered_children(event)), household)
    return and_(Child.relationship == ChildRelationship.PATIENT, condition)


@dataclass(frozen=True)
class PatientRow:
    child: Child
    registered: bool  # False: the patient of a registered sibling's household


@dataclass(frozen=True)
class VerificationList:
    rows: list[PatientRow]
    counts: dict[str, int]  # per state, for the filter's labels
    total: int  # matching the filter, over all pages
    page: int
    pages: int


def _name_matches(q: str):
    pattern = "%" + q.strip().lower().replace("\\", "").replace("%", "").replace("_", "") + "%"
    full_name = func.lower(Child.first_name + " " + Child.last_name)
    return or_(full_name.like(pattern), func.lower(Child.last_name).like(pattern))


def verification_list(event, state: str | None, page: int = 1, q: str = "") -> VerificationList:
    """A page of the patients the event needs verified, by name, in two queries.

    `state` None lists every state; `q` matches the child's name; a page out of range is the
    first."""
    listed = _listed(event)
    if q and q.strip():
        listed = and_(listed, _name_matches(q))
    counts = dict.fromkeys(STATES, 0)
    count_query = select(Child.patient_verification, func.count()).where(listed)
    for name, number in db.session.execute(count_query.group_by(Child.patient_verification)):
        counts[name] = number
    matching = and_(listed, Child.patient_verification == state) if state else listed
    total = counts[state] if state else sum(counts.values())
    pages = max(1, -(-total // PER_PAGE))
    page = page if isinstance(page, int) and 1 <= page <= pages else 1
    registered = Child.id.in_(_registered_children(event)).label("registered")
    query = (
        select(Child, registered)
        .where(matching)
        .options(joinedload(Child.verified_by))
        .order_by(Child.last_name, Child.first_name, Child.id)
        .limit(PER_PAGE)
        .offset((page - 1) * PER_PAGE)
    )
    rows = [PatientRow(child, bool(flag)) for child, flag in db.session.execute(query)]
    return VerificationList(rows, counts, total, page, pages)


def child_for_event(event, child_id: int) -> Child:
    """The child, if registered for the event or in the household of a registered child;
    else NotFound."""
    registered = Child.id.in_(_registered_children(event))
    related = or_(registered, Child.household_id.in_(_households(event, siblings_only=False)))
    child = db.session.scalar(select(Child).where(Child.id == child_id, related))
    if child is None:
        raise NotFound(Problem("not_found", _("We could not find that child.")))
    return child
