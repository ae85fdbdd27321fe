"""What messages answers for the layers below it (called once by create_app)."""

from flask import url_for

from camp_app.audit.links import connect_linker
from camp_app.events.hooks import event_slugs_of
from camp_app.messages.models import EventMessage


def _message_links(ids) -> dict:
    rows = event_slugs_of(EventMessage, ids)
    return {i: url_for("messages.detail", slug=s, message_id=i) for i, s in rows}


def connect() -> None:
    connect_linker("event_messages", _message_links)
