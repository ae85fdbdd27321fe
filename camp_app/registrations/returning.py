"""Returning families: a child registered for an earlier camp registers again. Their medical
details, medications and contacts may be a year old, so before the new registration a
guardian confirms them as still current (families.confirmation), unless they did so this camp
season: in the SEASON_DAYS before the camp's first day (long enough for registration to open
months ahead, short enough that last year's camp is outside it)."""

from collections.abc import Iterable
from datetime import datetime, time, timedelta

from flask_babel import gettext as _
from sqlalchemy import and_, or_, select

from camp_app.events.models import Event
from camp_app.extensions import db
from camp_app.families.models import Child
from camp_app.ids import possible_id
from camp_app.registrations.models import Registration
from camp_app.service_errors import InvalidInput, Problem
from camp_app.timeutil import camp_local_to_utc

SEASON_DAYS = 270


def season_start(event: Event) -> datetime:
    """The first moment of the camp's season (camp time): SEASON_DAYS before its first day."""
    return camp_local_to_utc(
        datetime.combine(event.starts_on - timedelta(days=SEASON_DAYS), time())
    )


def confirmation_due(
    event: Event, child_ids: Iterable[int], household_id: int | None = None
) -> set[int]:
    """The children (of `child_ids`; of `household_id` when given) who were registered for
    an earlier camp and whose details were not confirmed this season: one statement."""
    ids = [i for i in dict.fromkeys(child_ids) if possible_id(i)]
    if not ids:
        return set()
    earlier = (
        select(Registration.id)
        .join(Event, Event.id == Registration.event_id)
        .where(
            Registration.child_id == Child.id,
            Registration.event_id != event.id,
            Event.ends_on < event.starts_on,
        )
        .correlate(Child)
        .exists()
    )
    if household_id is not None:
        earlier = and_(earlier, Child.household_id == household_id)
    query = select(Child.id).where(
        Child.id.in_(ids),
        earlier,
        or_(
            Child.medical_confirmed_at.is_(None),
            and_(Child.medical_confirmed_at < season_start(event)),
        ),
    )
    return set(db.session.scalars(query))


def require_confirmed(event: Event, children: list[Child]) -> None:
    """InvalidInput naming each chosen child whose details must be confirmed first."""
    if not children:
        return
    due = confirmation_due(event, [c.id for c in children], children[0].household_id)
    problems = [
        Problem(
            "medical_confirmation_required",
            _(
                "%(child)s came to an earlier camp: please check that %(child)s's medical "
                "details, medications and contacts are still current, and confirm them.",
                child=child.first_name,
            ),
            f"children.{child.id}",
        )
        for child in children
        if child.id in due
    ]
    if problems:
        raise InvalidInput(problems)


def require_confirmed_by_ids(event: Event, household_id: int | None, child_ids) -> None:
    """require_confirmed for children named by id (the API, the registration form): a child
    of another household is left to the registration's own 404."""
    ids = [i for i in dict.fromkeys(child_ids) if possible_id(i)]
    if household_id is None or not ids:
        return
    due = confirmation_due(event, ids, household_id)
    if due:
        require_confirmed(event, [db.session.get(Child, i) for i in ids if i in due])
