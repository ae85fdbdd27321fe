"""Test data for attendance: camps around today, families, confirmed registrations."""

from datetime import timedelta

from camp_app.attendance.models import AttendanceEvent
from camp_app.extensions import db
from camp_app.families.models import Household
from camp_app.registrations.models import Registration
from camp_app.roles import Role
from camp_app.timeutil import camp_today
from tests.factories import (
    make_child,
    make_contact,
    make_event,
    make_registration,
    make_user,
    shared_parent,
)

SIGNER_EMAIL = "signer@example.org"


def running_camp(kind="day_camp", days_before=2, days_after=3, **fields):
    """A camp whose days include today (check-in is refused for days still to come)."""
    today = camp_today()
    return make_event(
        kind=kind,
        starts_on=today - timedelta(days=days_before),
        ends_on=today + timedelta(days=days_after),
        **fields,
    )


def family(**child_fields):
    """A household with one child; returns (the signing parent, the child)."""
    household = Household()
    db.session.add(household)
    child = make_child(household, **child_fields)
    return shared_parent(SIGNER_EMAIL), child


def register(event, child, parent, status="confirmed") -> Registration:
    return make_registration(event, child, parent, status)


def confirmed_child(event, pickup=True, **child_fields):
    """A confirmed registration; with `pickup`, the family has one pickup person (Ana)."""
    parent, child = family(**child_fields)
    contact = make_contact(child.household, kind="pickup", name="Ana Lopez") if pickup else None
    return register(event, child, parent), contact


def staff_member(role=Role.STAFF):
    return make_user((role,), name=f"{role.value.title()} Member")


def history_actions(registration, day=None):
    query = db.select(AttendanceEvent.action).where(
        AttendanceEvent.registration_id == registration.id
    )
    if day is not None:
        query = query.where(AttendanceEvent.date == day)
    return list(db.session.scalars(query.order_by(AttendanceEvent.id)))
