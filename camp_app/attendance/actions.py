"""Changing a child's day: check-in, check-out (with the day camp's pickup rule), absence and
undo. Each public function is one unit of work and commits at its end; every change leaves an
AttendanceEvent in the day's history and an audit entry.
"""

from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from camp_app.attendance.common import (
    A,
    S,
    clean_text,
    day_record,
    registration_at_camp,
    require_event_day,
)
from camp_app.attendance.day_sheet import effective_state
from camp_app.attendance.models import UNDOABLE_ACTIONS, AttendanceEvent, AttendanceRecord
from camp_app.attendance.pickups import matching_restricted, pickups_for
from camp_app.audit.services import record as audit
from camp_app.events.models import Event, EventKind
from camp_app.extensions import db
from camp_app.families.models import Contact, ContactKind
from camp_app.ids import possible_id
from camp_app.phones import readable_phone
from camp_app.registrations.models import Registration
from camp_app.service_errors import Conflict, InvalidInput, NotAllowed, Problem
from camp_app.timeutil import camp_today, utcnow

REASON_MAX = 200
NAME_MAX = 120
RESTRICTED_NOTE = "do_not_release"  # the history's note on a refused do_not_release person


def authorized_pickups(registration: Registration) -> list[Contact]:
    """The people the family allows to collect this child, in the order they were added."""
    child = registration.child
    contacts = db.session.scalars(
        select(Contact)
        .where(Contact.household_id == child.household_id, Contact.kind == ContactKind.PICKUP)
        .options(selectinload(Contact.children))
        .order_by(Contact.id)
    )
    return [contact for contact in contacts if contact.covers(child)]


@dataclass
class _Context:
    event: Event
    registration: Registration
    day: date
    record: AttendanceRecord | None
    state: str


def _begin(event: Event, registration_id: int, day: date) -> _Context:
    registration = registration_at_camp(event, registration_id, lock=True)
    require_event_day(event, day)
    record = day_record(registration, day)
    return _Context(
        event, registration, day, record, effective_state(event, registration, day, record)
    )


def _require_not_future(day: date) -> None:
    if day > camp_today():
        raise NotAllowed(
            Problem(
                "day_in_future",
                _("Children can only be checked in or out on the day itself or later."),
                "date",
            )
        )


def _snapshot(record: AttendanceRecord | None) -> dict | None:
    if record is None:
        return None
    snapshot = {}
    for name in AttendanceRecord.STATE_FIELDS:
        value = getattr(record, name)
        snapshot[name] = value.isoformat() if isinstance(value, datetime) else value
    return snapshot


def _restore(record: AttendanceRecord, snapshot: dict) -> list[str]:
    changed = []
    for name in AttendanceRecord.STATE_FIELDS:
        value = snapshot.get(name)
        if name.endswith("_at") and value is not None:
            value = datetime.fromisoformat(value)
        if getattr(record, name) != value:
            setattr(record, name, value)
            changed.append(name)
    return changed


def _history(ctx: _Context, actor, action: str, status_after: str, **values) -> AttendanceEvent:
    entry = AttendanceEvent(
        registration_id=ctx.registration.id,
        date=ctx.day,
        action=action,
        at=utcnow(),
        actor_id=actor.id,
        status_before=ctx.state,
        status_after=status_after,
        **values,
    )
    db.session.add(entry)
    return entry


def _ensure_record(ctx: _Context) -> AttendanceRecord:
    if ctx.record is None:
        ctx.record = AttendanceRecord(
            registration_id=ctx.registration.id, date=ctx.day, status=S.EXPECTED.value
        )
        db.session.add(ctx.record)
    return ctx.record


def _commit() -> None:
    try:
        db.session.commit()
    except IntegrityError:
        # Someone else recorded this child's day in the same moment.
        db.session.rollback()
        raise Conflict(
            Problem(
                "changed_meanwhile",
                _("Someone else just changed this child's attendance. Reload and try again."),
            )
        ) from None


def _conflict_for(ctx: _Context) -> Conflict:
    child = ctx.registration.child.full_name
    messages = {
        S.CHECKED_IN: ("already_checked_in", _("%(child)s is already checked in.", child=child)),
        S.CHECKED_OUT: (
            "already_checked_out",
            _("%(child)s is already checked out.", child=child),
        ),
        S.ABSENT: ("already_absent", _("%(child)s is already marked absent.", child=child)),
    }
    code, message = messages[S(ctx.state)]
    return Conflict(Problem(code, message))


def check_in(actor, event: Event, registration_id: int, day: date) -> AttendanceRecord:
    """Check a child in (an overnight camp: the arrival)."""
    ctx = _begin(event, registration_id, day)
    _require_not_future(day)
    _refuse_if_later_days(ctx)
    own_state = ctx.record.status if ctx.record else S.EXPECTED
    # At an overnight camp a child who departed on an earlier day may arrive again.
    if ctx.state == S.CHECKED_IN or own_state == S.CHECKED_OUT:
        raise _conflict_for(ctx)
    before = _snapshot(ctx.record)
    record = _ensure_record(ctx)
    record.status = S.CHECKED_IN.value
    record.check_in_at = utcnow()
    record.check_in_by_id = actor.id
    record.check_out_at = record.check_out_by_id = record.picked_up_by_contact_id = None
    record.picked_up_by_guardian_id = None
    record.picked_up_by_name = record.absence_reason = ""
    _history(ctx, actor, A.CHECK_IN, S.CHECKED_IN, before=before)
    audit(actor.id, "attendance.check_in", record, ["status", "check_in_at", "check_in_by_id"])
    _commit()
    return record


def check_out(
    actor,
    event: Event,
    registration_id: int,
    day: date,
    pickup_contact_id: int | None = None,
    unlisted_pickup_name: str = "",
    pickup_guardian_id: int | None = None,
) -> AttendanceRecord:
    """Check a child out (an overnight camp: the departure).

    A guardian of the child's household may always take the child. At a day camp anyone else
    must be on the child's pickup list; a do_not_release person is refused at every camp.
    A refused attempt is committed to the history before the refusal.
    `unlisted_pickup_name` is how staff record a person who is not on the list at all.
    """
    ctx = _begin(event, registration_id, day)
    _require_not_future(day)
    unlisted_pickup_name = clean_text(unlisted_pickup_name)[:NAME_MAX]
    contact = guardian = None
    if pickup_contact_id is not None or pickup_guardian_id is not None or unlisted_pickup_name:
        contact, guardian = _allowed_person_or_refuse(
            ctx, actor, pickup_contact_id, pickup_guardian_id, unlisted_pickup_name
        )
    elif event.is_day_camp:
        raise InvalidInput(
            Problem(
                "pickup_required",
                _(
                    "Choose the person who is picking up %(child)s.",
                    child=ctx.registration.child.full_name,
                ),
                "pickup_contact_id",
            )
        )
    if ctx.state == S.CHECKED_OUT:
        raise _conflict_for(ctx)
    _refuse_if_later_days(ctx)
    if ctx.state != S.CHECKED_IN:
        raise NotAllowed(
            Problem(
                "not_checked_in",
                _(
                    "%(child)s has not been checked in, so cannot be checked out.",
                    child=ctx.registration.child.full_name,
                ),
                "action",
            )
        )
    before = _snapshot(ctx.record)
    record = _ensure_record(ctx)
    record.status = S.CHECKED_OUT.value
    record.check_out_at = utcnow()
    record.check_out_by_id = actor.id
    record.picked_up_by_contact_id = contact.id if contact else None
    record.picked_up_by_guardian_id = guardian.id if guardian else None
    record.picked_up_by_name = (contact or guardian).name if (contact or guardian) else ""
    _history(
        ctx,
        actor,
        A.CHECK_OUT,
        S.CHECKED_OUT,
        before=before,
        pickup_contact_id=record.picked_up_by_contact_id,
        pickup_guardian_id=record.picked_up_by_guardian_id,
        pickup_name=record.picked_up_by_name,
    )
    fields = [
        "status",
        "check_out_at",
        "check_out_by_id",
        "picked_up_by_contact_id",
        "picked_up_by_guardian_id",
    ]
    audit(actor.id, "attendance.check_out", record, fields)
    _commit()
    return record


def _allowed_person_or_refuse(ctx: _Context, actor, contact_id, guardian_id, unlisted_name):
    """(contact, None) for a pickup person, (None, guardian) for a guardian of the household;
    anyone else is refused, and the attempt is kept."""
    pickups = pickups_for(ctx.registration)
    if guardian_id is not None and contact_id is None and not unlisted_name:
        guardian = next((g for g in pickups.guardians if g.id == guardian_id), None)
        if guardian is not None:
            return None, guardian
    contact = db.session.get(Contact, contact_id) if possible_id(contact_id) else None
    if contact is not None and not unlisted_name and contact in pickups.contacts:
        return contact, None
    restricted = contact if contact in pickups.restricted else None
    if restricted is None and unlisted_name:
        restricted = matching_restricted(pickups, unlisted_name)
    if restricted is not None:
        _refuse_restricted(ctx, actor, restricted)
    # Another family's contact keeps its id in the history but its name stays out of it.
    same_family = (
        contact is not None and contact.household_id == ctx.registration.child.household_id
    )
    person = unlisted_name or (contact.name if same_family else "")
    attempt = _history(
        ctx,
        actor,
        A.PICKUP_REFUSED,
        ctx.state,
        pickup_contact_id=contact_id if possible_id(contact_id) else None,
        pickup_guardian_id=guardian_id if possible_id(guardian_id) else None,
        pickup_name=person,
    )
    fields = ["pickup_contact_id", "pickup_guardian_id", "pickup_name"]
    audit(actor.id, "attendance.pickup_refused", attempt, fields)
    db.session.commit()  # the refusal itself must be kept
    raise NotAllowed(_pickup_refusal(ctx, person))


def _refuse_restricted(ctx: _Context, actor, person: Contact):
    """A person the family named as never to take the child: kept in the history and the
    audit, then refused with the coordinator's phone."""
    attempt = _history(
        ctx,
        actor,
        A.PICKUP_REFUSED,
        ctx.state,
        pickup_contact_id=person.id,
        pickup_name=person.name,
        note=RESTRICTED_NOTE,
    )
    audit(actor.id, "attendance.pickup_restricted", attempt, ["pickup_contact_id", "pickup_name"])
    db.session.commit()  # the refusal itself must be kept
    child = ctx.registration.child.full_name
    phone = readable_phone(ctx.event.contact_phone)
    if phone:
        message = _(
            "Do not release %(child)s to %(person)s: the family named this person as someone "
            "who must never pick up. Keep %(child)s with staff and call the camp coordinator "
            "at %(phone)s.",
            child=child,
            person=person.name,
            phone=phone,
        )
    else:
        message = _(
            "Do not release %(child)s to %(person)s: the family named this person as someone "
            "who must never pick up. Keep %(child)s with staff and call the camp coordinator.",
            child=child,
            person=person.name,
        )
    raise NotAllowed(Problem("pickup_restricted", message, "pickup_contact_id"))


def _pickup_refusal(ctx: _Context, person: str) -> Problem:
    child = ctx.registration.child.full_name
    phone = readable_phone(ctx.event.contact_phone)
    if person and phone:
        message = _(
            "%(person)s is not on %(child)s's list of people allowed to pick up. Do not release "
            "the child. Call the camp coordinator at %(phone)s.",
            person=person,
            child=child,
            phone=phone,
        )
    elif person:
        message = _(
            "%(person)s is not on %(child)s's list of people allowed to pick up. Do not release "
            "the child. Call the camp coordinator.",
            person=person,
            child=child,
        )
    else:
        message = _(
            "That person is not on %(child)s's list of people allowed to pick up. Do not release "
            "the child. Call the camp coordinator.",
            child=child,
        )
    return Problem("pickup_not_authorized", message, "pickup_contact_id")


def mark_absent(
    actor, event: Event, registration_id: int, day: date, reason: str = ""
) -> AttendanceRecord:
    """Record that a child did not come (may be recorded ahead, when a family calls)."""
    ctx = _begin(event, registration_id, day)
    reason = clean_text(reason)
    if len(reason) > REASON_MAX:
        raise InvalidInput(
            Problem(
                "too_long",
                _("Please keep the reason under %(max)d characters.", max=REASON_MAX),
                "reason",
            )
        )
    if ctx.state != S.EXPECTED:
        raise _conflict_for(ctx)
    before = _snapshot(ctx.record)
    record = _ensure_record(ctx)
    record.status = S.ABSENT.value
    record.absence_reason = reason
    _history(ctx, actor, A.ABSENT, S.ABSENT, before=before, note=reason)
    audit(actor.id, "attendance.absent", record, ["status", "absence_reason"])
    _commit()
    return record


def undo_last(actor, event: Event, registration_id: int, day: date) -> AttendanceRecord | None:
    """Undo the latest not yet undone check-in, check-out or absence of the child's day.

    The undone action and the undo both stay in the history. Returns the day's record, or None
    when the day is back to having no record.
    """
    ctx = _begin(event, registration_id, day)
    last = _last_undoable(ctx)
    if last is None or ctx.record is None:
        raise Conflict(Problem("nothing_to_undo", _("There is nothing to undo for this day.")))
    if last.action == A.CHECK_IN:
        _refuse_if_later_days(ctx)
    record = ctx.record
    if last.before is None:
        # The undone action created the day's record: the day goes back to having none.
        audit(actor.id, "attendance.undo", record, AttendanceRecord.STATE_FIELDS)
        db.session.delete(record)
        db.session.flush()
        ctx.record = None
    else:
        audit(actor.id, "attendance.undo", record, _restore(record, last.before))
    status_after = effective_state(event, ctx.registration, day, ctx.record)
    _history(ctx, actor, A.UNDO, status_after, undoes_id=last.id)
    _commit()
    return ctx.record


def _last_undoable(ctx: _Context) -> AttendanceEvent | None:
    undone = select(AttendanceEvent.undoes_id).where(AttendanceEvent.undoes_id.is_not(None))
    return db.session.scalar(
        select(AttendanceEvent)
        .where(
            AttendanceEvent.registration_id == ctx.registration.id,
            AttendanceEvent.date == ctx.day,
            AttendanceEvent.action.in_([a.value for a in UNDOABLE_ACTIONS]),
            AttendanceEvent.id.not_in(undone),
        )
        .order_by(AttendanceEvent.id.desc())
        .limit(1)
    )


def _refuse_if_later_days(ctx: _Context) -> None:
    """An overnight stay is told by its arrival and departure days: changing an earlier day
    under a later arrival or departure would leave the stay contradicting itself."""
    if ctx.event.kind != EventKind.OVERNIGHT_CAMP:
        return
    later = db.session.scalar(
        select(func.count())
        .select_from(AttendanceRecord)
        .where(
            AttendanceRecord.registration_id == ctx.registration.id,
            AttendanceRecord.date > ctx.day,
            AttendanceRecord.status != S.EXPECTED.value,
        )
    )
    if later:
        raise Conflict(
            Problem(
                "later_days_recorded",
                _("Later days are already recorded for this child; undo those first."),
            )
        )


def record_action(
    actor,
    event: Event,
    registration_id: int,
    day: date,
    action: str,
    pickup_contact_id: int | None = None,
    reason: str = "",
    pickup_guardian_id: int | None = None,
) -> AttendanceRecord:
    """The API's one entry point: action is check_in, check_out or absent."""
    if action == "check_in":
        return check_in(actor, event, registration_id, day)
    if action == "check_out":
        return check_out(
            actor, event, registration_id, day, pickup_contact_id, "", pickup_guardian_id
        )
    if action == "absent":
        return mark_absent(actor, event, registration_id, day, reason)
    raise InvalidInput(
        Problem("invalid_action", _("Action must be check_in, check_out or absent."), "action")
    )
