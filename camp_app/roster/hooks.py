"""What roster answers for the layers below it (called once by create_app)."""

from flask import url_for
from sqlalchemy import select

from camp_app.audit.links import connect_linker
from camp_app.events.copying import EVENT_COPIED
from camp_app.events.hooks import event_slugs_of
from camp_app.extensions import db
from camp_app.roster.models import CampGroup

# A cabin's own settings, which a copied event keeps (not its members: nobody is registered).
CABIN_FIELDS = ("name", "capacity", "min_age", "max_age", "gender")


def _group_links(ids) -> dict:
    return {i: url_for("cabins.index", slug=s) for i, s in event_slugs_of(CampGroup, ids)}


def copy_cabins(source, copy, shift) -> None:
    """The copied event gets the same cabins and groups, empty (events.copying). The caller
    commits."""
    query = select(CampGroup).where(CampGroup.event_id == source.id).order_by(CampGroup.id)
    for group in db.session.scalars(query):
        values = {name: getattr(group, name) for name in CABIN_FIELDS}
        db.session.add(CampGroup(event_id=copy.id, **values))


def connect() -> None:
    connect_linker("camp_groups", _group_links)
    EVENT_COPIED.connect(copy_cabins)
