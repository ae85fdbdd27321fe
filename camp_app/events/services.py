"""Events: finding, creating, changing and publishing them; the API's view of one event.

Each public function that changes data is one unit of work and commits. The HTML pages and the
JSON API both call these.
"""

from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from camp_app.audit.services import record
from camp_app.events.availability import SeatSummary, seat_summary
from camp_app.events.descriptions import audience_description  # noqa: F401  (part of the API)
from camp_app.events.models import Event
from camp_app.events.rules import clean_event_data, slug_taken_message
from camp_app.events.schema import ELIGIBILITY_FIELDS
from camp_app.extensions import db
from camp_app.registrations import lifecycle
from camp_app.registrations.locking import event_locked
from camp_app.registrations.models import Registration
from camp_app.service_errors import InvalidInput, NotFound, Problem
from camp_app.timeutil import camp_today, utcnow


class RegistrationState(StrEnum):
    NOT_YET_OPEN = "not_yet_open"
    OPEN = "open"
    CLOSED = "closed"


def published_events(now: datetime | None = None) -> list[Event]:
    """Published events that have not ended yet (in the camp's zone), soonest first."""
    query = (
        select(Event)
        .where(Event.published.is_(True), Event.ends_on >= camp_today(now))
        .order_by(Event.starts_on, Event.name, Event.id)
    )
    return list(db.session.scalars(query))


def all_events() -> list[Event]:
    """Every event, published or not, past ones included (for coordinators), latest first."""
    query = select(Event).order_by(Event.starts_on.desc(), Event.name, Event.id)
    return list(db.session.scalars(query))


def event_by_slug(slug: str, *, include_unpublished: bool = False) -> Event:
    """The event with this slug; an unpublished one only with include_unpublished."""
    query = select(Event).where(Event.slug == slug)
    if not include_unpublished:
        query = query.where(Event.published.is_(True))
    event = db.session.scalar(query)
    if event is None:
        raise NotFound(Problem("not_found", _("We could not find that event.")))
    return event


def registration_state(event: Event, now: datetime | None = None) -> RegistrationState:
    now = now or utcnow()
    if now < event.registration_opens_at:
        return RegistrationState.NOT_YET_OPEN
    if now < event.registration_closes_at:
        return RegistrationState.OPEN
    return RegistrationState.CLOSED


def _actor_id(actor) -> int | None:
    return actor.id if actor is not None else None


def create_event(actor, data: dict) -> Event:
    """A new event from the contract's fields (see validation.clean_event_data). Commits."""
    values = clean_event_data(data)
    event = Event(**values)
    try:
        db.session.add(event)
        record(_actor_id(actor), "event.create", event, fields=values.keys())
        db.session.commit()
    except IntegrityError:
        raise _slug_raced() from None
    return event


def _slug_raced() -> InvalidInput:
    """Two people saved the same slug at once: the database kept one; the other is told."""
    db.session.rollback()
    return InvalidInput(Problem("slug_taken", slug_taken_message(), "slug"))


@dataclass(frozen=True)
class EventSaved:
    event: Event
    promoted: list[Registration] = field(default_factory=list)  # seated from the waitlist


def update_event(actor, event: Event, data: dict) -> Event:
    """save_event, for callers that only need the event (the API)."""
    return save_event(actor, event, data).event


def save_event(actor, event: Event, data: dict) -> EventSaved:
    """Change the fields given in `data` (a partial update). Commits; nothing changes on error.

    Runs under the event lock that registrations take, so no seat can be taken between the
    check "capacity >= seats taken" and the commit. Seats that are free while children wait
    (a raised capacity) go to the waitlist in order in the same transaction, as a cancelled
    seat does: a newcomer registering a moment later finds them taken, never a seat out of
    turn. The promoted families are mailed through the outbox.
    """
    actor_id = _actor_id(actor)
    try:
        with event_locked(event.id):
            db.session.refresh(event)
            values = clean_event_data(data, event=event, seats_taken=seat_summary(event).taken)
            changed = [key for key, value in values.items() if getattr(event, key) != value]
            for key in changed:
                setattr(event, key, values[key])
            if changed:
                record(actor_id, "event.update", event, fields=changed)
                db.session.flush()  # the seat count below must see the new capacity
            promoted = lifecycle.fill_free_seats(event, actor_id)
    except IntegrityError:
        raise _slug_raced() from None
    return EventSaved(event, promoted)


def set_published(actor, event: Event, published: bool) -> Event:
    """Show the event to the public, or hide it again. Commits."""
    if event.published != published:
        event.published = published
        action = "event.publish" if published else "event.unpublish"
        record(_actor_id(actor), action, event, fields=["published"])
    db.session.commit()
    return event


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()


def event_to_dict(event: Event, summary: SeatSummary | None = None) -> dict:
    """The contract's view of an event (dates YYYY-MM-DD, datetimes ISO 8601 with offset)."""
    summary = summary or seat_summary(event)
    return {
        "slug": event.slug,
        "name": event.name,
        "kind": event.kind,
        "summary": event.summary,
        "description": event.description,
        "location": event.location,
        "contact_email": event.contact_email,
        "contact_phone": event.contact_phone,
        "starts_on": event.starts_on.isoformat(),
        "ends_on": event.ends_on.isoformat(),
        "registration_opens_at": _iso(event.registration_opens_at),
        "registration_closes_at": _iso(event.registration_closes_at),
        "capacity": event.capacity,
        "waitlist_enabled": event.waitlist_enabled,
        "requires_review": event.requires_review,
        "requires_verification": event.requires_verification,
        "published": event.published,
        "eligibility": {key: getattr(event, key) for key in ELIGIBILITY_FIELDS},
        "seats_taken": summary.taken,
        "seats_left": summary.left,
        "waitlist_length": summary.waitlist_length,
    }
