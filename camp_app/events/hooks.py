"""What events answers for the layers below it (called once by create_app)."""

from flask import url_for
from sqlalchemy import select

from camp_app.audit.links import connect_linker
from camp_app.events.models import Event
from camp_app.extensions import db


def event_slugs_of(model, ids):
    """(id, slug of its event) for the rows of `model` (which has event_id) with these ids; the
    features above use it to link their audited records."""
    query = select(model.id, Event.slug).join(Event, Event.id == model.event_id)
    return db.session.execute(query.where(model.id.in_(ids)))


def _event_links(ids) -> dict:
    rows = db.session.execute(select(Event.id, Event.slug).where(Event.id.in_(ids)))
    return {id_: url_for("roster.dashboard", slug=slug) for id_, slug in rows}


def connect() -> None:
    connect_linker("events", _event_links)
