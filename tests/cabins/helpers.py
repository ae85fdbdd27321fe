"""Test data for cabins and groups: a camp, children with registrations, groups."""

from datetime import date
from itertools import count

from camp_app.accounts.models import User
from camp_app.audit.models import AuditEntry
from camp_app.extensions import db
from camp_app.families.models import Household
from camp_app.registrations.models import Registration
from camp_app.roles import Role
from tests.factories import (
    make_child,
    make_event,
    make_group,
    make_registration,
    make_user,
    shared_parent,
)

FIRST_DAY = date(2027, 6, 14)  # make_event's default start: ages are counted on this day
SIGNER_EMAIL = "cabin-signer@example.org"
_serial = count(1)


def camp(kind="overnight_camp", **fields):
    return make_event(kind=kind, starts_on=FIRST_DAY, ends_on=date(2027, 6, 19), **fields)


def born_for_age(age: int) -> date:
    """A birthday that makes the child `age` on the camp's first day."""
    return date(FIRST_DAY.year - age, 1, 15)


def registered(event, first="Maya", last="Lopez", age=9, gender="", status="confirmed"):
    """A child of a new household with a registration for `event` (committed)."""
    household = Household()
    db.session.add(household)
    child = make_child(
        household, first_name=first, last_name=last, date_of_birth=born_for_age(age), gender=gender
    )
    return make_registration(event, child, shared_parent(SIGNER_EMAIL), status)


def many_registered(event, number: int, **fields) -> list[Registration]:
    return [registered(event, first=f"Kid{next(_serial)}", **fields) for _ in range(number)]


def group(event, name="Bears", capacity=8, min_age=None, max_age=None, gender="", members=()):
    return make_group(
        event, name, capacity, members, min_age=min_age, max_age=max_age, gender=gender
    )


def coordinator(role=Role.COORDINATOR) -> User:
    return make_user((role,), name=f"{role.value.title()} {next(_serial)}")


def group_id_of(registration_id: int) -> int | None:
    return db.session.scalar(
        db.select(Registration.group_id).where(Registration.id == registration_id)
    )


def audit(action: str) -> list[AuditEntry]:
    return list(
        db.session.scalars(
            db.select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)
        )
    )
