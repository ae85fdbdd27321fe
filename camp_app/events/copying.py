"""Next year's camp: an event copied with every date moved by the same amount, the same
settings, and (through EVENT_COPIED) what the features above keep per event: cabins and
groups today; documents too once their features connect.

A copy is one function per part: `copy_settings` and `move_dates` here; each feature that keeps
rows per event connects one function `(source, copy, shift)` to EVENT_COPIED in its
`hooks.connect()` that adds its copies to the session (the caller commits), e.g.
roster.hooks.copy_cabins.
"""

import re
from datetime import datetime, timedelta

from sqlalchemy.exc import IntegrityError

from camp_app.audit.services import record
from camp_app.events.consents import apply_documents, document_dict
from camp_app.events.models import Event
from camp_app.events.rules import slug_taken_message
from camp_app.events.schema import EventCopyInput
from camp_app.events.services import actor_id_of, slug_in_use, slug_raced, suggest_slug
from camp_app.extensions import db
from camp_app.hooks import Hook
from camp_app.schemas.validation import check
from camp_app.service_errors import InvalidInput, Problem
from camp_app.timeutil import camp_zone

# Called with (source, copy, shift: timedelta) once the copy has its id, in the copy's
# transaction. Not required: an app without per-event parts still copies events.
EVENT_COPIED = Hook("an event was copied: copy the parts a feature keeps per event", required=False)

# Columns a copy never takes from its source: who it is, whether families see it, its seats.
NOT_COPIED = frozenset(
    {"id", "slug", "published", "registration_counter", "created_at", "updated_at"}
)
DAYS = ("starts_on", "ends_on")
MOMENTS = ("registration_opens_at", "registration_closes_at")


def copy_event(actor, source: Event, data) -> Event:
    """An unpublished copy of `source` named `data["slug"]`, starting on `data["starts_on"]`:
    every date moved by the same number of days, the same settings and parts. Raises
    InvalidInput (the slug's and the date's problems, all at once); commits."""
    values, problems = check(EventCopyInput, data)
    if values.get("slug") and slug_in_use(values["slug"]):
        problems.append(Problem("slug_taken", slug_taken_message(), "slug"))
    if problems:
        raise InvalidInput(problems)
    shift = values["starts_on"] - source.starts_on
    copy = Event(slug=values["slug"], published=False, registration_counter=0)
    copy_settings(source, copy)
    move_dates(source, copy, shift)
    # The documents parents sign, as they read now (each starts again at version 1).
    apply_documents(copy, [document_dict(d) for d in source.active_documents], actor_id_of(actor))
    rename_for_year(source, copy)
    try:
        db.session.add(copy)
        db.session.flush()  # the copy's id, for the parts
        EVENT_COPIED(source, copy, shift)
        record(actor_id_of(actor), "event.copy", copy, fields=["slug", "starts_on"])
        db.session.commit()
    except IntegrityError:
        raise slug_raced() from None
    return copy


def copy_settings(source: Event, copy: Event) -> None:
    """Every column of the event but its identity, publication and seats (NOT_COPIED)."""
    for column in Event.__table__.columns:
        if column.key not in NOT_COPIED:
            value = getattr(source, column.key)
            setattr(copy, column.key, _fresh(value))


def _fresh(value):
    """JSON values are copied, not shared between the two events' rows."""
    if isinstance(value, dict):
        return {k: _fresh(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_fresh(v) for v in value]
    return value


def move_dates(source: Event, copy: Event, shift: timedelta) -> None:
    """Days move by `shift`; registration times keep their wall-clock time in the camp's
    zone (9:00 stays 9:00 across a daylight-saving change)."""
    for name in DAYS:
        setattr(copy, name, getattr(source, name) + shift)
    for name in MOMENTS:
        setattr(copy, name, shift_moment(getattr(source, name), shift))


def shift_moment(moment: datetime, shift: timedelta) -> datetime:
    local = moment.astimezone(camp_zone())
    moved = local.replace(tzinfo=None) + shift
    return moved.replace(tzinfo=camp_zone()).astimezone(moment.tzinfo)


def rename_for_year(source: Event, copy: Event) -> None:
    """A year in the name ("Camp Sunrise 2027") becomes the copy's year, in every language."""
    old, new = str(source.starts_on.year), str(copy.starts_on.year)
    if old == new:
        return
    year = re.compile(rf"\b{old}\b")
    copy.name = year.sub(new, copy.name)
    for texts in (copy.translations or {}).values():
        if texts.get("name"):
            texts["name"] = year.sub(new, texts["name"])


def suggested_copy(source: Event) -> dict:
    """What the copy form starts with: 52 weeks later (the same weekday) and a free web address
    name, with the year moved ("camp-sunrise-2027" -> "camp-sunrise-2028")."""
    starts_on = source.starts_on + timedelta(weeks=52)
    base = re.sub(rf"\b{source.starts_on.year}\b", str(starts_on.year), source.slug)
    return {"slug": suggest_slug(base), "starts_on": starts_on}
