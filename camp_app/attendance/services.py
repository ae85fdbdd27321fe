"""Attendance rules: who may be checked in, out or marked absent on which day, and by whom a
child may be picked up; the day sheet; the overnight medication log.

Every public function that changes something is one unit of work and commits at its end.
A day with no AttendanceRecord row is "expected". At an overnight camp a check-in is the
arrival and a check-out the departure: the days between show the child in camp (derived from
the latest arrival or departure before the day, in SQL so that sheets and exports agree).
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from flask_babel import gettext as _
from sqlalchemy import and_, case, func, literal, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased, selectinload

from camp_app.accounts.models import User
from camp_app.attendance.models import (
    UNDOABLE_ACTIONS,
    AttendanceAction,
    AttendanceEvent,
    AttendanceRecord,
    AttendanceStatus,
    MedicationDose,
)
from camp_app.audit.services import record as audit
from camp_app.events.models import Event, EventKind
from camp_app.extensions import db
from camp_app.families.models import Child, Contact, ContactKind, Medication
from camp_app.registrations.models import Registration, RegistrationStatus
from camp_app.service_errors import Conflict, InvalidInput, NotAllowed, NotFound, Problem
from camp_app.timeutil import age_on, camp_local_to_utc, camp_today, utcnow

S = AttendanceStatus
A = AttendanceAction
CAMP_KINDS = (EventKind.DAY_CAMP, EventKind.OVERNIGHT_CAMP)
REASON_MAX = 200
NAME_MAX = 120
DOSE_MAX = 80
NOTE_MAX = 500
MAX_ID = 2**31 - 1  # ids are 32-bit integers on PostgreSQL
# Words parents type into "allergies" that mean there are none.
NO_ALLERGY_WORDS = {"", "none", "no", "n/a", "na", "nkda", "nka", "ninguna", "ninguno", "-"}


# --- Seams for other features -------------------------------------------------------------


def group_names(registration_ids: Iterable[int]) -> dict[int, str]:
    """Cabin or group name per registration id ("" or missing: none).

    Seam for cabins/groups (issue 4): replace the body with ONE grouped query over the given
    ids. Sheets show a group column only when some child has a group.
    """
    return {}


# --- Reading the day ----------------------------------------------------------------------


@dataclass(frozen=True)
class SheetRow:
    registration_id: int
    child_id: int
    first_name: str
    last_name: str
    age: int
    group: str
    has_allergy: bool
    state: str
    record: AttendanceRecord | None  # this day's row, if anything happened on the day
    arrived_on: date | None = None  # overnight: in camp since (no record today)
    departed_on: date | None = None  # overnight: left on (no record today)

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def can_undo(self) -> bool:
        return self.record is not None and self.record.status != S.EXPECTED


@dataclass
class DaySheet:
    event: Event
    day: date
    rows: list[SheetRow]
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def show_groups(self) -> bool:
        return any(row.group for row in self.rows)


def _clean(text: str | None) -> str:
    """Typed text, trimmed; NUL characters dropped (PostgreSQL cannot store them)."""
    return (text or "").replace("\x00", "").strip()


def has_allergy(allergies: str | None) -> bool:
    return (allergies or "").strip().lower().rstrip(".") not in NO_ALLERGY_WORDS


def _prior(column, day: date):
    """The latest arrival or departure before `day` of the outer query's registration."""
    return (
        select(column)
        .where(
            AttendanceRecord.registration_id == Registration.id,
            AttendanceRecord.date < day,
            AttendanceRecord.status.in_((S.CHECKED_IN.value, S.CHECKED_OUT.value)),
        )
        .order_by(AttendanceRecord.date.desc())
        .limit(1)
        .correlate(Registration)
        .scalar_subquery()
    )


def _state_parts(day: date):
    """(own record alias, prior status, prior date, effective state) as SQL expressions."""
    own = aliased(AttendanceRecord, name="own")
    prior_status = _prior(AttendanceRecord.status, day)
    prior_date = _prior(AttendanceRecord.date, day)
    state = case(
        (and_(own.status.is_not(None), own.status != S.EXPECTED.value), own.status),
        (
            and_(Event.kind == EventKind.OVERNIGHT_CAMP.value, prior_status.is_not(None)),
            prior_status,
        ),
        else_=literal(S.EXPECTED.value),
    )
    return own, prior_status, prior_date, state


def day_statement(event: Event, day: date, q: str | None = None):
    """Every confirmed child of the event with the day's state, in name order: one statement."""
    own, prior_status, prior_date, state = _state_parts(day)
    statement = (
        select(
            Registration.id,
            Child.id,
            Child.first_name,
            Child.last_name,
            Child.date_of_birth,
            Child.allergies,
            own,
            prior_status.label("prior_status"),
            prior_date.label("prior_date"),
            state.label("state"),
        )
        .join(Child, Child.id == Registration.child_id)
        .join(Event, Event.id == Registration.event_id)
        .outerjoin(own, and_(own.registration_id == Registration.id, own.date == day))
        .where(
            Registration.event_id == event.id,
            Registration.status == RegistrationStatus.CONFIRMED.value,
        )
        .order_by(func.lower(Child.last_name), func.lower(Child.first_name), Registration.id)
    )
    if q and q.strip():
        statement = statement.where(_name_matches(q))
    return statement


def _name_matches(q: str):
    escaped = q.strip().lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    full_name = func.lower(Child.first_name + " " + Child.last_name)
    last_first = func.lower(Child.last_name + " " + Child.first_name)
    pattern = f"%{escaped}%"
    return full_name.like(pattern, escape="\\") | last_first.like(pattern, escape="\\")


def row_from_result(result_row, day: date, groups: dict[int, str]) -> SheetRow:
    (reg_id, child_id, first, last, born, allergies, own, prior_status, prior_date, state) = (
        result_row
    )
    in_camp_since = prior_date if (own is None or own.status == S.EXPECTED) else None
    return SheetRow(
        registration_id=reg_id,
        child_id=child_id,
        first_name=first,
        last_name=last,
        age=age_on(born, day),
        group=groups.get(reg_id, ""),
        has_allergy=has_allergy(allergies),
        state=state,
        record=own,
        arrived_on=in_camp_since
        if prior_status == S.CHECKED_IN and state == S.CHECKED_IN
        else None,
        departed_on=in_camp_since
        if prior_status == S.CHECKED_OUT and state == S.CHECKED_OUT
        else None,
    )


def day_sheet(event: Event, day: date, q: str | None = None) -> DaySheet:
    """The gate's list for a day: every confirmed child, name order, optionally searched."""
    require_event_day(event, day)
    results = db.session.execute(day_statement(event, day, q)).all()
    groups = group_names(r[0] for r in results)
    rows = [row_from_result(r, day, groups) for r in results]
    counts = {status.value: 0 for status in S}
    for row in rows:
        counts[row.state] += 1
    return DaySheet(event=event, day=day, rows=rows, counts=counts)


def camps_for_attendance(today: date) -> list[Event]:
    """Camps running now, soon or recently, soonest first."""
    return list(
        db.session.scalars(
            select(Event)
            .where(
                Event.kind.in_([k.value for k in CAMP_KINDS]),
                Event.ends_on >= today - timedelta(days=14),
                Event.starts_on <= today + timedelta(days=60),
            )
            .order_by(Event.starts_on, Event.name)
        )
    )


def counts_for_day(events: list[Event], day: date) -> dict[int, dict[str, int]]:
    """Per event running on `day`: how many confirmed children are in each state (one query)."""
    running = [e.id for e in events if e.starts_on <= day <= e.ends_on]
    counts = {event_id: {status.value: 0 for status in S} for event_id in running}
    if not running:
        return counts
    own, _status, _date, state = _state_parts(day)
    statement = (
        select(Registration.event_id, state, func.count())
        .join(Event, Event.id == Registration.event_id)
        .outerjoin(own, and_(own.registration_id == Registration.id, own.date == day))
        .where(
            Registration.event_id.in_(running),
            Registration.status == RegistrationStatus.CONFIRMED.value,
        )
        .group_by(Registration.event_id, state)
    )
    for event_id, status, number in db.session.execute(statement):
        counts[event_id][status] = number
    return counts


def event_days(event: Event, date_from: date | None = None, date_to: date | None = None):
    """The event's days from `date_from` to `date_to` (both inside the event), in order."""
    first = date_from or event.starts_on
    last = date_to or event.ends_on
    require_event_day(event, first, "from")
    require_event_day(event, last, "to")
    if first > last:
        raise InvalidInput(
            Problem("invalid_range", _("The start date must not be after the end date."), "to")
        )
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def default_day(event: Event) -> date:
    """Today if the event is running, otherwise its nearest day."""
    return min(max(camp_today(), event.starts_on), event.ends_on)


def require_event_day(event: Event, day: date, field_name: str = "date") -> None:
    if not isinstance(day, date) or isinstance(day, datetime):
        raise InvalidInput(
            Problem("invalid_date", _("Please give a date as YYYY-MM-DD."), field_name)
        )
    if not (event.starts_on <= day <= event.ends_on):
        raise NotAllowed(
            Problem(
                "outside_event_dates",
                _(
                    "%(day)s is not a day of %(event)s (%(start)s to %(end)s).",
                    day=day.isoformat(),
                    event=event.name,
                    start=event.starts_on.isoformat(),
                    end=event.ends_on.isoformat(),
                ),
                field_name,
            )
        )


def get_event(slug: str) -> Event:
    event = db.session.scalar(select(Event).where(Event.slug == slug))
    if event is None:
        raise NotFound(Problem("not_found", _("We could not find that event.")))
    return event


def _possible_id(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_ID


def registration_for(event: Event, registration_id: int, *, lock: bool = False) -> Registration:
    """The event's registration, or NotFound (also for another event's registration)."""
    if not _possible_id(registration_id):
        registration_id = 0  # no such row; PostgreSQL would refuse the number itself
    statement = select(Registration).where(
        Registration.id == registration_id, Registration.event_id == event.id
    )
    if lock:
        # Serialises two staff members acting on the same child at once (PostgreSQL).
        statement = statement.with_for_update()
    registration = db.session.scalar(statement)
    if registration is None:
        raise NotFound(
            Problem(
                "not_found", _("That child is not registered for this event."), "registration_id"
            )
        )
    return registration


def require_confirmed(registration: Registration) -> None:
    if registration.status != RegistrationStatus.CONFIRMED:
        raise NotAllowed(
            Problem(
                "not_confirmed",
                _(
                    "%(child)s's registration is not confirmed, so attendance cannot be recorded.",
                    child=registration.child.full_name,
                ),
                "registration_id",
            )
        )


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


def day_record(registration: Registration, day: date) -> AttendanceRecord | None:
    return db.session.scalar(
        select(AttendanceRecord).where(
            AttendanceRecord.registration_id == registration.id, AttendanceRecord.date == day
        )
    )


def _prior_movement(registration: Registration, day: date) -> AttendanceRecord | None:
    return db.session.scalar(
        select(AttendanceRecord)
        .where(
            AttendanceRecord.registration_id == registration.id,
            AttendanceRecord.date < day,
            AttendanceRecord.status.in_((S.CHECKED_IN.value, S.CHECKED_OUT.value)),
        )
        .order_by(AttendanceRecord.date.desc())
        .limit(1)
    )


def effective_state(event: Event, registration: Registration, day: date, record) -> str:
    """The same rule as the SQL in _state_parts, for one child."""
    if record is not None and record.status != S.EXPECTED:
        return record.status
    if event.kind == EventKind.OVERNIGHT_CAMP:
        prior = _prior_movement(registration, day)
        if prior is not None:
            return prior.status
    return S.EXPECTED.value


# --- Changing the day ---------------------------------------------------------------------


@dataclass
class _Context:
    event: Event
    registration: Registration
    day: date
    record: AttendanceRecord | None
    state: str


def _begin(event: Event, registration_id: int, day: date, *, confirmed=True) -> _Context:
    registration = registration_for(event, registration_id, lock=True)
    require_event_day(event, day)
    if confirmed:
        require_confirmed(registration)
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
) -> AttendanceRecord:
    """Check a child out (an overnight camp: the departure).

    At a day camp the person collecting the child must be on the child's pickup list. Anyone
    else is refused, and the refused attempt is committed to the history before the refusal.
    `unlisted_pickup_name` is how staff record a person who is not on the list at all.
    """
    ctx = _begin(event, registration_id, day)
    _require_not_future(day)
    unlisted_pickup_name = _clean(unlisted_pickup_name)[:NAME_MAX]
    contact = None
    if pickup_contact_id is not None or unlisted_pickup_name:
        contact = _authorized_contact_or_refuse(ctx, actor, pickup_contact_id, unlisted_pickup_name)
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
    record.picked_up_by_name = contact.name if contact else ""
    _history(
        ctx,
        actor,
        A.CHECK_OUT,
        S.CHECKED_OUT,
        before=before,
        pickup_contact_id=record.picked_up_by_contact_id,
        pickup_name=record.picked_up_by_name,
    )
    fields = ["status", "check_out_at", "check_out_by_id", "picked_up_by_contact_id"]
    audit(actor.id, "attendance.check_out", record, fields)
    _commit()
    return record


def _authorized_contact_or_refuse(ctx: _Context, actor, contact_id, unlisted_name) -> Contact:
    contact = db.session.get(Contact, contact_id) if _possible_id(contact_id) else None
    if (
        contact is not None
        and not unlisted_name
        and contact in authorized_pickups(ctx.registration)
    ):
        return contact
    # Another family's contact keeps its id in the history but its name stays out of it.
    same_family = (
        contact is not None and contact.household_id == ctx.registration.child.household_id
    )
    attempt = _history(
        ctx,
        actor,
        A.PICKUP_REFUSED,
        ctx.state,
        pickup_contact_id=contact_id if _possible_id(contact_id) else None,
        pickup_name=unlisted_name or (contact.name if same_family else ""),
    )
    audit(actor.id, "attendance.pickup_refused", attempt, ["pickup_contact_id", "pickup_name"])
    db.session.commit()  # the refusal itself must be kept
    raise NotAllowed(_pickup_refusal(ctx, unlisted_name or (contact.name if same_family else "")))


def _pickup_refusal(ctx: _Context, person: str) -> Problem:
    child = ctx.registration.child.full_name
    phone = ctx.event.contact_phone
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
    reason = _clean(reason)
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
    ctx = _begin(event, registration_id, day, confirmed=False)
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
) -> AttendanceRecord:
    """The API's one entry point: action is check_in, check_out or absent."""
    if action == "check_in":
        return check_in(actor, event, registration_id, day)
    if action == "check_out":
        return check_out(actor, event, registration_id, day, pickup_contact_id)
    if action == "absent":
        return mark_absent(actor, event, registration_id, day, reason)
    raise InvalidInput(
        Problem("invalid_action", _("Action must be check_in, check_out or absent."), "action")
    )


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def record_to_dict(record: AttendanceRecord | None, registration_id: int | None = None, day=None):
    """The API's view of a child's day. None (no record, e.g. after an undo): expected."""
    if record is None:
        return {
            "registration_id": registration_id,
            "date": day.isoformat() if day else None,
            "status": S.EXPECTED.value,
            "check_in_at": None,
            "checked_in_by_id": None,
            "check_out_at": None,
            "checked_out_by_id": None,
            "picked_up_by_contact_id": None,
            "picked_up_by": None,
            "absence_reason": "",
        }
    return {
        "registration_id": record.registration_id,
        "date": record.date.isoformat(),
        "status": record.status,
        "check_in_at": _iso(record.check_in_at),
        "checked_in_by_id": record.check_in_by_id,
        "check_out_at": _iso(record.check_out_at),
        "checked_out_by_id": record.check_out_by_id,
        "picked_up_by_contact_id": record.picked_up_by_contact_id,
        "picked_up_by": record.picked_up_by_name or None,
        "absence_reason": record.absence_reason,
    }


def history_for(registration: Registration, day: date) -> list[AttendanceEvent]:
    return list(
        db.session.scalars(
            select(AttendanceEvent)
            .where(AttendanceEvent.registration_id == registration.id, AttendanceEvent.date == day)
            .order_by(AttendanceEvent.id)
        )
    )


def actor_names(entries: Iterable[AttendanceEvent]) -> dict[int, str]:
    """Names of the staff members in a history, in one query."""
    ids = {entry.actor_id for entry in entries if entry.actor_id is not None}
    if not ids:
        return {}
    return dict(db.session.execute(select(User.id, User.name).where(User.id.in_(ids))).all())


# --- Medication log (overnight camps) -----------------------------------------------------


def require_medication_log(event: Event) -> None:
    if event.kind != EventKind.OVERNIGHT_CAMP:
        raise NotAllowed(
            Problem(
                "medication_log_overnight_only",
                _("The medication log is kept for overnight camps."),
            )
        )


def record_dose(
    actor,
    registration: Registration,
    medication_id: int | None,
    dose: str,
    given_at: datetime | None,
    note: str = "",
) -> MedicationDose:
    """Log a dose the nurse gave; the medication must be on the child's own list."""
    event = registration.event
    require_medication_log(event)
    require_confirmed(registration)
    medication = _child_medication(registration.child, medication_id)
    dose = _clean(dose)
    note = _clean(note)
    _check_dose_fields(event, dose, given_at, note)
    entry = MedicationDose(
        registration_id=registration.id,
        child_id=registration.child_id,
        medication_id=medication.id,
        medication_name=medication.name,
        dose=dose,
        given_at=given_at,
        given_by_id=actor.id,
        note=note,
    )
    db.session.add(entry)
    audit(actor.id, "medication_dose.create", entry, ["medication_id", "dose", "given_at", "note"])
    db.session.commit()
    return entry


def _child_medication(child: Child, medication_id) -> Medication:
    for medication in child.medications:
        if medication_id is not None and medication.id == medication_id:
            return medication
    raise InvalidInput(
        Problem(
            "medication_not_on_list",
            _("Choose a medication from %(child)s's list.", child=child.full_name),
            "medication_id",
        )
    )


def _check_dose_fields(event: Event, dose: str, given_at: datetime | None, note: str) -> None:
    problems = []
    if not dose:
        problems.append(Problem("required", _("Enter the dose given."), "dose"))
    elif len(dose) > DOSE_MAX:
        problems.append(
            Problem(
                "too_long",
                _("Please keep the dose under %(max)d characters.", max=DOSE_MAX),
                "dose",
            )
        )
    if len(note) > NOTE_MAX:
        problems.append(
            Problem(
                "too_long",
                _("Please keep the note under %(max)d characters.", max=NOTE_MAX),
                "note",
            )
        )
    if given_at is None or given_at.tzinfo is None:
        problems.append(Problem("required", _("Enter the time the dose was given."), "given_at"))
    elif given_at > utcnow() + timedelta(minutes=5):
        problems.append(
            Problem("given_in_future", _("The time given cannot be in the future."), "given_at")
        )
    elif not (event.starts_on <= camp_date_of(given_at) <= event.ends_on):
        problems.append(
            Problem("outside_event_dates", _("The time given must be during the camp."), "given_at")
        )
    if problems:
        raise InvalidInput(problems)


def camp_date_of(moment: datetime) -> date:
    return camp_today(moment)


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """The camp-local day as a UTC range [start, end)."""
    start = camp_local_to_utc(datetime.combine(day, time.min))
    end = camp_local_to_utc(datetime.combine(day + timedelta(days=1), time.min))
    return start, end


@dataclass
class ChildMedicationDay:
    registration: Registration
    due: list[Medication]  # the child's list; each schedule is free text from the family
    given: list[MedicationDose]


def doses_for_day(event: Event, day: date) -> list[ChildMedicationDay]:
    """Per confirmed child with medications or doses: what is due (schedules) and what was given."""
    require_medication_log(event)
    require_event_day(event, day)
    registrations = db.session.scalars(
        select(Registration)
        .join(Child, Child.id == Registration.child_id)
        .where(
            Registration.event_id == event.id,
            Registration.status == RegistrationStatus.CONFIRMED.value,
        )
        .options(selectinload(Registration.child).selectinload(Child.medications))
        .order_by(func.lower(Child.last_name), func.lower(Child.first_name), Registration.id)
    ).all()
    start, end = day_bounds(day)
    doses = db.session.scalars(
        select(MedicationDose)
        .join(Registration, Registration.id == MedicationDose.registration_id)
        .where(
            Registration.event_id == event.id,
            MedicationDose.given_at >= start,
            MedicationDose.given_at < end,
        )
        .options(selectinload(MedicationDose.given_by))
        .order_by(MedicationDose.given_at, MedicationDose.id)
    ).all()
    given: dict[int, list[MedicationDose]] = {}
    for dose in doses:
        given.setdefault(dose.registration_id, []).append(dose)
    return [
        ChildMedicationDay(r, list(r.child.medications), given.get(r.id, []))
        for r in registrations
        if r.child.medications or r.id in given
    ]
