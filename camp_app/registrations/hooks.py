"""What registrations answers for the layers below it (called once by create_app)."""

from flask import url_for

from camp_app.audit.links import connect_linker
from camp_app.events.hooks import event_slugs_of
from camp_app.registrations.models import Registration


def _registration_links(ids) -> dict:
    return {i: url_for("roster.roster", slug=s) for i, s in event_slugs_of(Registration, ids)}


def connect() -> None:
    connect_linker("registrations", _registration_links)
