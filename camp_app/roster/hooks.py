"""What roster answers for the layers below it (called once by create_app)."""

from flask import url_for

from camp_app.audit.links import connect_linker
from camp_app.events.hooks import event_slugs_of
from camp_app.roster.models import CampGroup


def _group_links(ids) -> dict:
    return {i: url_for("cabins.index", slug=s) for i, s in event_slugs_of(CampGroup, ids)}


def connect() -> None:
    connect_linker("camp_groups", _group_links)
