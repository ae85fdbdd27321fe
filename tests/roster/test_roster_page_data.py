"""Test data for the dashboard and roster tests (no tests here): registrations written directly
in the statuses, groups, ages and days a test needs, and signing in as each role."""

import html
from datetime import UTC, date, datetime

from camp_app.accounts.models import User
from camp_app.extensions import db
from camp_app.families.models import Child, Household
from camp_app.registrations.models import ConsentSigning, Registration
from camp_app.roles import Role
from camp_app.roster.models import CampGroup
from tests.factories import (
    login,
    make_child,
    make_event,
    make_group,
    make_registration,
    make_user,
)
from tests.registrations.helpers import make_parent

FIRST_DAY = date(2027, 6, 14)  # make_event's starts_on


def born_for_age(age: int, on: date = FIRST_DAY) -> date:
    """A birth date giving `age` on `on` (a birthday a month before)."""
    return date(on.year - age, 5, 1)


def add(event, first, last="Smith", *, status="confirmed", age=10, parent=None, group=None,
        created_at=None, verification="unverified", relationship="patient", **fields):  # fmt: skip
    """One registration for a new child (of `parent`'s household, or a new family)."""
    parent = parent or make_parent(name=f"{first} Parent")
    child = make_child(
        parent.household,
        first_name=first,
        last_name=last,
        date_of_birth=born_for_age(age),
        patient_verification=verification,
        relationship=relationship,
        **fields,
    )
    return make_registration(
        event,
        child,
        parent,
        status,
        group_id=group.id if group else None,
        created_at=created_at or datetime.now(UTC),
    )


def add_many(event, count: int, *, first="Kid", last="Smith", statuses=("confirmed",),
             age=10, groups=(None,), guardians=1) -> None:  # fmt: skip
    """`count` single-child families registered in one commit (fast): child i is named
    f"{first}{i:03d}", has statuses[i % len] and groups[i % len], and `guardians` parents."""
    for n in range(count):
        household = Household()
        parents = [
            User(
                email=f"{first}{n}.{g}.{event.slug}@example.org".lower(),
                name=f"{first} Parent {n}.{g}",
                phone="+13055550123",
                password_hash="never-used",
                household=household,
            )
            for g in range(guardians)
        ]
        child = Child(
            household=household,
            first_name=f"{first}{n:03d}",
            last_name=last,
            date_of_birth=born_for_age(age),
            relationship="patient",
            allergies="peanuts",
        )
        group = groups[n % len(groups)]
        event.registration_counter += 1
        registration = Registration(
            event_id=event.id,
            child=child,
            household=household,
            signed_by=parents[0],
            status=statuses[n % len(statuses)],
            sequence=event.registration_counter,
            signature=parents[0].name,
            signed_at=datetime.now(UTC),
            group_id=group.id if group else None,
            signing=ConsentSigning(
                event_id=event.id,
                household=household,
                signed_by=parents[0],
                signature=parents[0].name,
                signed_at=datetime.now(UTC),
            ),
        )
        db.session.add(registration)
    db.session.commit()


def add_group(event, name, capacity=8) -> CampGroup:
    return make_group(event, name, capacity)


def sign_in_as(client, role):
    user = make_user((role,), household=role == Role.PARENT)
    assert login(client, user).status_code == 302
    return user


def page_text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


__all__ = ["add", "add_group", "make_event", "page_text", "sign_in_as"]
