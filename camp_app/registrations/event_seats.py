"""An event with its seats: saving its settings, and the contract's view of it.

Saving an event is a seat decision (a raised capacity seats children from the waitlist, a
lowered one may not go below the seats taken), so it lives with the registrations that hold the
seats, under the event's lock. Each public function that changes data is one unit of work and
commits.
"""

from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy.exc import IntegrityError

from camp_app.audit.services import record
from camp_app.events.consents import apply_documents, documents_as_dicts
from camp_app.events.locking import event_locked
from camp_app.events.models import Event
from camp_app.events.rules import clean_event_data
from camp_app.events.schema import ELIGIBILITY_FIELDS
from camp_app.events.services import actor_id_of, slug_raced
from camp_app.extensions import db
from camp_app.registrations import lifecycle
from camp_app.registrations.availability import SeatSummary, seat_summary
from camp_app.registrations.models import Registration


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
    actor_id = actor_id_of(actor)
    try:
        with event_locked(event.id):
            db.session.refresh(event)
            values = clean_event_data(data, event=event, seats_taken=seat_summary(event).taken)
            documents = values.pop("consent_documents", None)
            changed = [key for key, value in values.items() if getattr(event, key) != value]
            for key in changed:
                setattr(event, key, values[key])
            if documents is not None:
                keys = apply_documents(event, documents, actor_id)
                changed += [f"consent_documents.{key}" for key in keys]
            if changed:
                record(actor_id, "event.update", event, fields=changed)
                db.session.flush()  # the seat count below must see the new capacity
            promoted = lifecycle.fill_free_seats(event, actor_id)
    except IntegrityError:
        raise slug_raced() from None
    return EventSaved(event, promoted)


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()


def event_to_dict(event: Event, summary: SeatSummary | None = None, language: str = "en") -> dict:
    """The contract's view of an event (dates YYYY-MM-DD, datetimes ISO 8601 with offset),
    its name, summary and description in `language` (English where not translated)."""
    summary = summary or seat_summary(event)
    return {
        "slug": event.slug,
        "name": event.text("name", language),
        "kind": event.kind,
        "summary": event.text("summary", language),
        "description": event.text("description", language),
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
        "required_documents": [dict(d) for d in event.required_documents or []],
        "arrival_details": event.arrival_details or "",
        "packing_list": event.packing_list or "",
        "eligibility": {key: getattr(event, key) for key in ELIGIBILITY_FIELDS},
        "consent_documents": documents_as_dicts(event),
        "translations": event.translations or {},
        "seats_taken": summary.taken,
        "seats_left": summary.left,
        "waitlist_length": summary.waitlist_length,
    }
