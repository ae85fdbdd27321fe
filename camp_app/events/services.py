"""Events: finding, creating and publishing them (saving an event's settings is a seat decision:
registrations.event_seats).

Each public function that changes data is one unit of work and commits. The HTML pages and the
JSON API both call these.
"""

import re
import unicodedata
from datetime import datetime
from enum import StrEnum

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from camp_app.audit.services import record
from camp_app.events.consents import apply_documents, documents_loaded
from camp_app.events.descriptions import audience_description  # noqa: F401  (part of the API)
from camp_app.events.models import Event
from camp_app.events.rules import clean_event_data, slug_taken_message
from camp_app.extensions import db
from camp_app.service_errors import InvalidInput, NotFound, Problem
from camp_app.timeutil import camp_today, utcnow


class RegistrationState(StrEnum):
    NOT_YET_OPEN = "not_yet_open"
    OPEN = "open"
    CLOSED = "closed"


def published_events(now: datetime | None = None, *, with_documents=False) -> list[Event]:
    """Published events that have not ended yet (in the camp's zone), soonest first;
    `with_documents`: their consent documents loaded too (two queries for the whole list)."""
    query = (
        select(Event)
        .where(Event.published.is_(True), Event.ends_on >= camp_today(now))
        .order_by(Event.starts_on, Event.name, Event.id)
    )
    if with_documents:
        query = query.options(*documents_loaded())
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


def actor_id_of(actor) -> int | None:
    return actor.id if actor is not None else None


SLUG_MAX_LENGTH = 80


def suggest_slug(name: str, *, taken=None) -> str:
    """A free web address name made from `name`: "Campamento Sol 2027" -> "campamento-sol-2027"
    (accents dropped), with "-2", "-3"… when one is taken; "event" when nothing is left."""
    ascii_text = unicodedata.normalize("NFKD", name or "").encode("ascii", "ignore").decode()
    base = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "event"
    base = base[:SLUG_MAX_LENGTH].rstrip("-")
    is_taken = taken or slug_in_use
    candidate, number = base, 1
    while is_taken(candidate):
        number += 1
        suffix = f"-{number}"
        candidate = base[: SLUG_MAX_LENGTH - len(suffix)].rstrip("-") + suffix
    return candidate


def slug_in_use(slug: str) -> bool:
    return db.session.scalar(select(Event.id).where(Event.slug == slug)) is not None


def create_event(actor, data: dict) -> Event:
    """A new event from the contract's fields (see validation.clean_event_data). Commits."""
    values = clean_event_data(data)
    documents = values.pop("consent_documents", None)
    event = Event(**values)
    if documents is not None:  # else the standard ones (events.models)
        apply_documents(event, documents, actor_id_of(actor))
    fields = [*values, *(["consent_documents"] if documents is not None else [])]
    try:
        db.session.add(event)
        record(actor_id_of(actor), "event.create", event, fields=fields)
        db.session.commit()
    except IntegrityError:
        raise slug_raced() from None
    return event


def slug_raced() -> InvalidInput:
    """Two people saved the same slug at once: the database kept one; the other is told."""
    db.session.rollback()
    return InvalidInput(Problem("slug_taken", slug_taken_message(), "slug"))


def set_published(actor, event: Event, published: bool) -> Event:
    """Show the event to the public, or hide it again. Commits."""
    if event.published != published:
        event.published = published
        action = "event.publish" if published else "event.unpublish"
        record(actor_id_of(actor), action, event, fields=["published"])
    db.session.commit()
    return event
