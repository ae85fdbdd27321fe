"""Reading attendance: the gate's day sheet, per-camp counts, the event's days, one child's
effective state and day history, and the API's view of a record.

A day with no AttendanceRecord row is "expected". At an overnight camp a check-in is the
arrival and a check-out the departure: the days between show the child in camp (derived from
the latest arrival or departure before the day, in SQL so that sheets and exports agree).
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import NamedTuple

from flask_babel import gettext as _
from sqlalchemy import and_, case, func, literal, select
from sqlalchemy.orm import aliased, selectinload

from camp_app.accounts.models import User
from camp_app.attendance.common import S, require_date, require_event_day
from camp_app.attendance.models import AttendanceEvent, AttendanceRecord
from camp_app.database import like_pattern
from camp_app.events.models import Event, EventKind
from camp_app.extensions import db
from camp_app.families.health_alerts import alert_labels
from camp_app.families.models import Child, Contact, ContactKind
from camp_app.readiness.status import Readiness, document_titles, readiness_by_registration
from camp_app.registrations.models import Registration, RegistrationStatus
from camp_app.roster.models import CampGroup
from camp_app.service_errors import InvalidInput, Problem
from camp_app.timeutil import age_on, camp_today

CAMP_KINDS = (EventKind.DAY_CAMP, EventKind.OVERNIGHT_CAMP)
# Words parents type into "allergies" that mean there are none.
NO_ALLERGY_WORDS = {"", "none", "no", "n/a", "na", "nkda", "nka", "ninguna", "ninguno", "-"}


def group_names(registration_ids: Iterable[int]) -> dict[int, str]:
    """Cabin or group name per registration id (missing: in no group), in one query.

    Sheets show a group column only when some child has a group.
    """
    ids = list(dict.fromkeys(registration_ids))
    if not ids:
        return {}
    rows = db.session.execute(
        select(Registration.id, CampGroup.name)
        .join(CampGroup, CampGroup.id == Registration.group_id)
        .where(Registration.id.in_(ids))
    )
    return dict(rows.all())


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
    # do_not_release people per child id: the alert staff see on the sheet.
    restricted: dict = field(default_factory=dict)
    # Health alerts (labels) per child id: what counselors may see, never the diagnosis.
    alerts: dict = field(default_factory=dict)
    # Camp readiness per registration id (events that ask for documents): what is missing.
    readiness: dict[int, Readiness] = field(default_factory=dict)
    document_titles: dict[str, str] = field(default_factory=dict)

    @property
    def show_groups(self) -> bool:
        return any(row.group for row in self.rows)

    def missing_documents(self, row: "SheetRow") -> list[str]:
        """The titles of the documents the child's family has not sent (or sent again)."""
        found = self.readiness.get(row.registration_id)
        if found is None:
            return []
        return [self.document_titles.get(key, key) for key in found.missing]

    def documents_waiting(self, row: "SheetRow") -> int:
        found = self.readiness.get(row.registration_id)
        return len(found.submitted) if found is not None else 0


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
    pattern = like_pattern(q.strip())
    full_name = func.lower(Child.first_name + " " + Child.last_name)
    last_first = func.lower(Child.last_name + " " + Child.first_name)
    return full_name.like(pattern, escape="\\") | last_first.like(pattern, escape="\\")


def row_from_result(result_row, day: date, groups: dict[int, str]) -> SheetRow:
    (reg_id, child_id, first, last, born, allergies, own, prior_status, prior_date, state) = (
        result_row
    )
    child = ChildValues(reg_id, child_id, first, last, born, allergies)
    return sheet_row(child, day, groups, own, prior_status, prior_date, state)


class ChildValues(NamedTuple):
    """What a sheet shows of a confirmed child (the first columns of day_statement)."""

    registration_id: int
    child_id: int
    first_name: str
    last_name: str
    date_of_birth: date
    allergies: str | None


def sheet_row(
    child: ChildValues,
    day: date,
    groups: dict[int, str],
    own: AttendanceRecord | None,
    prior_status: str | None,
    prior_date: date | None,
    state: str,
) -> SheetRow:
    in_camp_since = prior_date if (own is None or own.status == S.EXPECTED) else None
    return SheetRow(
        registration_id=child.registration_id,
        child_id=child.child_id,
        first_name=child.first_name,
        last_name=child.last_name,
        age=age_on(child.date_of_birth, day),
        group=groups.get(child.registration_id, ""),
        has_allergy=has_allergy(child.allergies),
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
    restricted, alerts = child_alerts([row.child_id for row in rows])
    return DaySheet(
        event=event,
        day=day,
        rows=rows,
        counts=counts,
        restricted=restricted,
        alerts=alerts,
        readiness=readiness_by_registration(
            event, [(row.registration_id, row.child_id) for row in rows]
        ),
        document_titles=document_titles(event),
    )


def child_alerts(child_ids: list[int]) -> tuple[dict, dict]:
    """(do_not_release people, health alert labels) per child id, children with none left
    out: one query (and one for the contacts' children when there is a restriction)."""
    if not child_ids:
        return {}, {}
    rows = db.session.execute(
        select(Child.id, Child.health_alerts, Child.health_alert_note, Contact)
        .outerjoin(
            Contact,
            and_(
                Contact.household_id == Child.household_id,
                Contact.kind == ContactKind.DO_NOT_RELEASE.value,
            ),
        )
        .where(Child.id.in_(child_ids))
        .options(selectinload(Contact.children))
        .order_by(Child.id, Contact.id)
    ).all()
    restricted, alerts = {}, {}
    for child_id, flags, note, contact in rows:
        labels = alert_labels(flags, note)
        if labels:
            alerts[child_id] = labels
        if contact is not None and contact.covers_child_id(child_id):
            restricted.setdefault(child_id, []).append(contact)
    return restricted, alerts


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
    """The event's days from `date_from` to `date_to`, in order (default: the whole event).

    A range reaching outside the event is cut to the event's dates: a day outside it has
    nothing to show, and so a range of centuries costs no more than the event itself. A range
    that misses the event has no days. Raises InvalidInput for a start after the end."""
    for value, field_name in ((date_from, "from"), (date_to, "to")):
        if value is not None:
            require_date(value, field_name)
    if date_from is not None and date_to is not None and date_from > date_to:
        raise InvalidInput(
            Problem("invalid_range", _("The start date must not be after the end date."), "to")
        )
    first = max(date_from or event.starts_on, event.starts_on)
    last = min(date_to or event.ends_on, event.ends_on)
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def default_day(event: Event) -> date:
    """Today if the event is running, otherwise its nearest day."""
    return min(max(camp_today(), event.starts_on), event.ends_on)


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
            "picked_up_by_guardian_id": None,
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
        "picked_up_by_guardian_id": record.picked_up_by_guardian_id,
        "picked_up_by": record.picked_up_by_name or None,
        "absence_reason": record.absence_reason,
    }
