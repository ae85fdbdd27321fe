"""Where an audited record can be seen: a link for the records that have a page.

One query per kind of record present on the page (at most four), never one per row.
"""

from flask import url_for
from sqlalchemy import select

from camp_app.events.models import Event
from camp_app.extensions import db
from camp_app.messages.models import EventMessage
from camp_app.registrations.models import Registration
from camp_app.roster.models import CampGroup


def _event_links(ids) -> dict:
    rows = db.session.execute(select(Event.id, Event.slug).where(Event.id.in_(ids)))
    return {id_: url_for("roster.dashboard", slug=slug) for id_, slug in rows}


def _slug_of_event_of(model, ids):
    query = select(model.id, Event.slug).join(Event, Event.id == model.event_id)
    return db.session.execute(query.where(model.id.in_(ids)))


def _registration_links(ids) -> dict:
    return {i: url_for("roster.roster", slug=s) for i, s in _slug_of_event_of(Registration, ids)}


def _group_links(ids) -> dict:
    return {i: url_for("cabins.index", slug=s) for i, s in _slug_of_event_of(CampGroup, ids)}


def _message_links(ids) -> dict:
    rows = _slug_of_event_of(EventMessage, ids)
    return {i: url_for("messages.detail", slug=s, message_id=i) for i, s in rows}


LINKERS = {
    "events": _event_links,
    "registrations": _registration_links,
    "camp_groups": _group_links,
    "event_messages": _message_links,
}


def record_links(entries) -> dict[tuple[str, int], str]:
    """{(entity_type, entity_id): url} for the entries whose record has a page."""
    wanted: dict[str, set[int]] = {}
    for entry in entries:
        if entry.entity_type in LINKERS and entry.entity_id is not None:
            wanted.setdefault(entry.entity_type, set()).add(entry.entity_id)
    links = {}
    for entity_type, ids in wanted.items():
        for id_, url in LINKERS[entity_type](sorted(ids)).items():
            links[(entity_type, id_)] = url
    return links
