"""Cabins (overnight camps) and groups (other events): define, change and delete them.

Each public function is one unit of work and commits at its end; bad input raises
camp_app.service_errors with every problem at once, and nothing changes. Only coordinators
and admins manage them. Assigning children is in roster/assignments.py.
"""

from flask_babel import gettext as _
from sqlalchemy import func, insert, select, update
from sqlalchemy.exc import IntegrityError

from camp_app.accounts.models import User
from camp_app.audit.models import AuditEntry
from camp_app.audit.services import record
from camp_app.events.models import Event, EventKind
from camp_app.extensions import db
from camp_app.families.models import Gender
from camp_app.ids import possible_id
from camp_app.registrations.models import ACTIVE, Registration
from camp_app.roles import MANAGERS
from camp_app.roster.models import CampGroup
from camp_app.service_errors import InvalidInput, NotAllowed, NotFound, Problem
from camp_app.timeutil import utcnow

NAME_LIMIT = 80
MAX_CAPACITY = 500
MAX_AGE = 30
GROUP_FIELDS = ("name", "capacity", "min_age", "max_age", "gender")


def uses_cabins(event: Event) -> bool:
    """Overnight camps sleep in cabins; every other event plays in groups."""
    return event.kind == EventKind.OVERNIGHT_CAMP


def require_manager(actor: User) -> None:
    if actor is None or not actor.has_role(*MANAGERS):
        message = _("Only coordinators and admins may manage cabins and groups.")
        raise NotAllowed(Problem("not_allowed", message))


def groups_of(event: Event) -> list[CampGroup]:
    """The event's cabins or groups in name order (one query)."""
    return list(
        db.session.scalars(
            select(CampGroup)
            .where(CampGroup.event_id == event.id)
            .order_by(func.lower(CampGroup.name), CampGroup.id)
        )
    )


def group_of(event: Event, group_id) -> CampGroup:
    """The event's group with this id; another event's, or none: NotFound."""
    group = None
    if possible_id(group_id):
        group = db.session.scalar(
            select(CampGroup).where(CampGroup.id == group_id, CampGroup.event_id == event.id)
        )
    if group is None:
        raise NotFound(Problem("not_found", _("We could not find that cabin or group.")))
    return group


def assigned_count(group: CampGroup) -> int:
    """Children with an active registration in the group (read now, in this transaction)."""
    return db.session.scalar(
        select(func.count())
        .select_from(Registration)
        .where(Registration.group_id == group.id, Registration.status.in_(ACTIVE))
    )


# --- checking input --------------------------------------------------------------------


def whole_number(text: str) -> int | None:
    """A non-negative whole number typed as text, or None. Only ASCII digits, and few of
    them: int() also takes "٣" and raises on "²" or on thousands of digits."""
    text = text.strip()
    if text.isascii() and text.isdigit() and len(text) <= 9:
        return int(text)
    return None


def _clean_int(value, field: str, low: int, high: int, problems: list, *, required: bool):
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            problems.append(Problem("required", _("This field is required."), field))
        return None
    if isinstance(value, bool):
        value = None
    elif isinstance(value, str):
        value = whole_number(value)
    if not isinstance(value, int) or not low <= value <= high:
        message = _("Please enter a whole number from %(low)d to %(high)d.", low=low, high=high)
        problems.append(Problem("out_of_range", message, field))
        return None
    return value


def clean_group(event: Event, data: dict, current: CampGroup | None = None) -> dict:
    """Clean values for every group field, or InvalidInput naming each problem."""
    problems: list[Problem] = []
    name = data.get("name")
    name = name.strip() if isinstance(name, str) else ""
    if not name:
        problems.append(Problem("required", _("Please give the name."), "name"))
    elif len(name) > NAME_LIMIT:
        message = _("Please use at most %(limit)d characters.", limit=NAME_LIMIT)
        problems.append(Problem("too_long", message, "name"))
    elif _name_taken(event, name, current):
        message = _(
            "%(event)s already has one called “%(name)s”.", event=event.text("name"), name=name
        )
        problems.append(Problem("name_taken", message, "name"))
    capacity = _clean_int(
        data.get("capacity"), "capacity", 1, MAX_CAPACITY, problems, required=True
    )
    min_age = _clean_int(data.get("min_age"), "min_age", 0, MAX_AGE, problems, required=False)
    max_age = _clean_int(data.get("max_age"), "max_age", 0, MAX_AGE, problems, required=False)
    if min_age is not None and max_age is not None and min_age > max_age:
        message = _("The youngest age must not be above the oldest age.")
        problems.append(Problem("invalid_range", message, "max_age"))
    gender = data.get("gender") or ""
    if gender not in ("", *(g.value for g in Gender)):
        message = _("Please choose girls, boys, nonbinary campers or anyone.")
        problems.append(Problem("invalid_choice", message, "gender"))
    if problems:
        raise InvalidInput(problems)
    return {
        "name": name,
        "capacity": capacity,
        "min_age": min_age,
        "max_age": max_age,
        "gender": gender,
    }


def _name_taken(event: Event, name: str, current: CampGroup | None) -> bool:
    """Case does not make a different cabin: "bears" and "Bears" would confuse everyone."""
    query = select(CampGroup.id).where(
        CampGroup.event_id == event.id, func.lower(CampGroup.name) == name.lower()
    )
    if current is not None:
        query = query.where(CampGroup.id != current.id)
    return db.session.scalar(query.limit(1)) is not None


def _commit_or_name_taken(event: Event, name: str, write=lambda: None) -> None:
    """`write`, then commit. Another coordinator may have saved the same name a moment ago:
    the unique index then refuses it (at the flush or the commit) with a clear message."""
    try:
        write()
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        message = _(
            "%(event)s already has one called “%(name)s”.", event=event.text("name"), name=name
        )
        raise InvalidInput(Problem("name_taken", message, "name")) from None


# --- changes ---------------------------------------------------------------------------


def create_group(actor: User, event: Event, data: dict) -> CampGroup:
    require_manager(actor)
    clean = clean_group(event, data)
    group = CampGroup(event_id=event.id, **clean)
    filled = [name for name, value in clean.items() if value not in (None, "")]

    def write():
        db.session.add(group)
        record(actor.id, "camp_group.create", group, fields=filled)  # flushes: needs the id

    _commit_or_name_taken(event, clean["name"], write)
    return group


def update_group(actor: User, event: Event, group: CampGroup, data: dict) -> list[str]:
    """Save the group's new values; returns the names of the fields that changed."""
    require_manager(actor)
    if group.event_id != event.id:
        raise NotFound(Problem("not_found", _("We could not find that cabin or group.")))
    clean = clean_group(event, data, current=group)
    changed = [name for name in GROUP_FIELDS if getattr(group, name) != clean[name]]
    for name in changed:
        setattr(group, name, clean[name])
    if changed:
        record(actor.id, "camp_group.update", group, fields=changed)
    _commit_or_name_taken(event, clean["name"])
    return changed


def delete_group(actor: User, event: Event, group: CampGroup) -> int:
    """Delete the group; its children become unassigned. Returns how many were active."""
    require_manager(actor)
    if group.event_id != event.id:
        raise NotFound(Problem("not_found", _("We could not find that cabin or group.")))
    members = db.session.execute(
        select(Registration.id, Registration.status).where(Registration.group_id == group.id)
    ).all()
    if members:
        # Explicitly, not only by the foreign key: SQLite enforces it only when asked to.
        db.session.execute(
            update(Registration)
            .where(Registration.group_id == group.id)
            .values(group_id=None)
            .execution_options(synchronize_session="fetch")
        )
        ids = [registration_id for registration_id, _status in members]
        record_each(actor.id, "registration.group", Registration.__tablename__, ids, ["group_id"])
    record(actor.id, "camp_group.delete", group)
    db.session.delete(group)
    db.session.commit()
    return sum(1 for _id, status in members if status in ACTIVE)


def record_each(actor_id: int, action: str, entity_type: str, entity_ids, fields) -> None:
    """audit.services.record for many records of one kind in ONE statement (a bulk change of
    200 children must not cost 200 INSERTs). Joins the caller's transaction."""
    rows = [
        {
            "at": utcnow(),
            "actor_id": actor_id,
            "action": action,
            "entity_type": entity_type,
            "entity_id": entity_id,
            "fields": sorted(fields),
        }
        for entity_id in entity_ids
    ]
    if rows:
        db.session.execute(insert(AuditEntry), rows)
