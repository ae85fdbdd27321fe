"""Attendance over a span of days, for the exports: every confirmed child for every day.

A statement per day made an export's cost grow with its range; here the span takes at most
three statements whatever its length (the children, their cabins or groups, the records up to
the last day). Each day's state follows the day sheet's rule (day_sheet._state_parts; the
same rule as effective_state): the day's own record unless it is "expected"; at an
overnight camp, otherwise, the latest arrival or departure before the day.
"""

from collections import defaultdict
from collections.abc import Iterator
from datetime import date

from sqlalchemy import func, select

from camp_app.attendance.common import S
from camp_app.attendance.day_sheet import ChildValues, SheetRow, group_names, sheet_row
from camp_app.attendance.models import AttendanceRecord
from camp_app.events.models import Event, EventKind
from camp_app.extensions import db
from camp_app.families.models import Child
from camp_app.registrations.models import Registration, RegistrationStatus

MOVEMENTS = (S.CHECKED_IN.value, S.CHECKED_OUT.value)


def _confirmed(statement, event: Event):
    return statement.where(
        Registration.event_id == event.id,
        Registration.status == RegistrationStatus.CONFIRMED.value,
    )


def confirmed_children(event: Event) -> list[ChildValues]:
    """The event's confirmed children in the day sheet's name order (one statement)."""
    statement = _confirmed(
        select(
            Registration.id,
            Child.id,
            Child.first_name,
            Child.last_name,
            Child.date_of_birth,
            Child.allergies,
        ).join(Child, Child.id == Registration.child_id),
        event,
    ).order_by(func.lower(Child.last_name), func.lower(Child.first_name), Registration.id)
    return [ChildValues(*row) for row in db.session.execute(statement)]


def _records_until(event: Event, last: date) -> list[AttendanceRecord]:
    statement = _confirmed(
        select(AttendanceRecord)
        .join(Registration, Registration.id == AttendanceRecord.registration_id)
        .where(AttendanceRecord.date <= last),
        event,
    ).order_by(AttendanceRecord.date, AttendanceRecord.id)
    return list(db.session.scalars(statement))


def span_rows(
    event: Event, days: list[date], *, with_groups: bool = False
) -> Iterator[tuple[date, SheetRow]]:
    """(day, row) for each of `days` (consecutive, in order, as event_days gives them), the
    children of a day in name order. `with_groups` fills in each child's cabin or group."""
    if not days:
        return
    children = confirmed_children(event)
    if not children:
        return
    groups = group_names(c.registration_id for c in children) if with_groups else {}
    records_on: dict[date, dict[int, AttendanceRecord]] = defaultdict(dict)
    latest_movement: dict[int, AttendanceRecord] = {}  # per registration, before the day
    for record in _records_until(event, days[-1]):
        if record.date >= days[0]:
            records_on[record.date][record.registration_id] = record
        elif record.status in MOVEMENTS:
            latest_movement[record.registration_id] = record  # in date order: the last wins
    overnight = event.kind == EventKind.OVERNIGHT_CAMP
    for day in days:
        own_records = records_on.pop(day, {})
        for child in children:
            own = own_records.get(child.registration_id)
            prior = latest_movement.get(child.registration_id)
            prior_status, prior_date = (prior.status, prior.date) if prior else (None, None)
            if own is not None and own.status != S.EXPECTED:
                state = own.status
            elif overnight and prior is not None:
                state = prior.status
            else:
                state = S.EXPECTED.value
            yield day, sheet_row(child, day, groups, own, prior_status, prior_date, state)
        for registration_id, record in own_records.items():
            if record.status in MOVEMENTS:
                latest_movement[registration_id] = record
