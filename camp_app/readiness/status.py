"""Who is missing what: per active registration of an event, each required document is
missing (never sent, or the newest was rejected), submitted (waiting for review) or accepted.

Two statements for a whole event (registrations with their children, then the newest document
per child and key), whatever its size.
"""

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import contains_eager

from camp_app.events.models import Event
from camp_app.extensions import db
from camp_app.families.models import Child
from camp_app.readiness.models import ChildDocument, DocumentStatus
from camp_app.registrations.models import ACTIVE, Registration


@dataclass
class Readiness:
    registration_id: int
    child_id: int
    child_first_name: str
    child_last_name: str
    missing: list[str] = field(default_factory=list)
    submitted: list[str] = field(default_factory=list)
    accepted: list[str] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)  # also in `missing`
    # When a guardian last confirmed the medical details as current (the nurse sees it).
    medical_confirmed_at: datetime | None = None

    @property
    def complete(self) -> bool:
        return not self.missing and not self.submitted

    @property
    def needs_family(self) -> bool:
        return bool(self.missing)

    def state_of(self, key: str) -> str:
        if key in self.accepted:
            return "accepted"
        if key in self.submitted:
            return "submitted"
        if key in self.rejected:
            return "rejected"
        return "missing"

    def as_dict(self) -> dict:
        return {
            "registration_id": self.registration_id,
            "child_first_name": self.child_first_name,
            "child_last_name": self.child_last_name,
            "missing": self.missing,
            "submitted": self.submitted,
            "accepted": self.accepted,
            "rejected": self.rejected,
            "medical_confirmed_at": self.medical_confirmed_at.isoformat()
            if self.medical_confirmed_at
            else None,
        }


def required_keys(event: Event) -> list[str]:
    return [item["key"] for item in event.required_documents or []]


def latest_documents(event_id: int, child_ids) -> dict[tuple[int, str], ChildDocument]:
    """The newest document per (child, key) for the event: one statement."""
    child_ids = list(child_ids)
    if not child_ids:
        return {}
    newest = (
        select(func.max(ChildDocument.id))
        .where(ChildDocument.event_id == event_id, ChildDocument.child_id.in_(child_ids))
        .group_by(ChildDocument.child_id, ChildDocument.key)
    )
    rows = db.session.scalars(select(ChildDocument).where(ChildDocument.id.in_(newest)))
    return {(row.child_id, row.key): row for row in rows}


def readiness_of(
    event: Event, registrations: list[Registration], documents: dict
) -> list[Readiness]:
    keys = required_keys(event)
    answers = []
    for registration in registrations:
        child = registration.child
        item = Readiness(registration.id, child.id, child.first_name, child.last_name)
        item.medical_confirmed_at = getattr(child, "medical_confirmed_at", None)
        for key in keys:
            document = documents.get((child.id, key))
            status = document.status if document is not None else None
            if status == DocumentStatus.ACCEPTED:
                item.accepted.append(key)
            elif status == DocumentStatus.SUBMITTED:
                item.submitted.append(key)
            else:
                item.missing.append(key)
                if status == DocumentStatus.REJECTED:
                    item.rejected.append(key)
        answers.append(item)
    return answers


def active_registrations(event: Event) -> list[Registration]:
    query = (
        select(Registration)
        .join(Registration.child)
        .where(Registration.event_id == event.id, Registration.status.in_(ACTIVE))
        .options(contains_eager(Registration.child))
        .order_by(Child.last_name, Child.first_name, Registration.id)
    )
    return list(db.session.scalars(query))


def event_readiness(event: Event) -> list[Readiness]:
    """Each active registration's documents (two statements; none without requirements)."""
    registrations = active_registrations(event)
    if not required_keys(event):
        return readiness_of(event, registrations, {})
    documents = latest_documents(event.id, {r.child_id for r in registrations})
    return readiness_of(event, registrations, documents)


@dataclass(frozen=True)
class _Seat:
    """What readiness_of needs of a registration when its child is not loaded."""

    id: int
    child_id: int

    @property
    def child(self):
        return _Nameless(self.child_id)


@dataclass(frozen=True)
class _Nameless:
    id: int
    first_name: str = ""
    last_name: str = ""


def readiness_by_registration(event: Event, pairs) -> dict[int, Readiness]:
    """{registration id: Readiness} for (registration id, child id) pairs of `event` (the
    day sheet): one statement, none when the event asks for no documents."""
    if not required_keys(event):
        return {}
    seats = [_Seat(registration_id, child_id) for registration_id, child_id in pairs]
    documents = latest_documents(event.id, {seat.child_id for seat in seats})
    return {item.registration_id: item for item in readiness_of(event, seats, documents)}


def document_titles(event: Event) -> dict[str, str]:
    return {item["key"]: item["title"] for item in event.required_documents or []}


def attention_counts(event: Event) -> tuple[int, int]:
    """(active registrations still missing a document, documents waiting for review): two
    statements, none when the event asks for no documents."""
    if not required_keys(event):
        return 0, 0
    items = event_readiness(event)
    return sum(1 for i in items if i.needs_family), sum(len(i.submitted) for i in items)


@dataclass
class Overview:
    """An event's readiness page: the required documents, each registration's state, and
    the newest document per child and key (for the review buttons)."""

    keys: list[str]
    titles: dict[str, str]
    items: list[Readiness]
    documents: dict[tuple[int, str], ChildDocument]

    def document(self, item: Readiness, key: str) -> ChildDocument | None:
        return self.documents.get((item.child_id, key))

    def count(self, key: str, state: str) -> int:
        return sum(
            1
            for item in self.items
            if item.state_of(key) == state or (state == "missing" and key in item.missing)
        )


def event_overview(event: Event) -> Overview:
    """Two statements, whatever the event's size."""
    registrations = active_registrations(event)
    keys = required_keys(event)
    documents = latest_documents(event.id, {r.child_id for r in registrations}) if keys else {}
    titles = {item["key"]: item["title"] for item in event.required_documents or []}
    return Overview(keys, titles, readiness_of(event, registrations, documents), documents)
