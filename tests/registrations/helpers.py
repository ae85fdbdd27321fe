"""Families, events and registrations for the registration tests (built on tests/factories)."""

import uuid
from datetime import date
from itertools import count as count_from

from sqlalchemy import func, select

from camp_app.accounts.models import User, UserRole
from camp_app.accounts.passwords import hash_password
from camp_app.extensions import db
from camp_app.families.models import Household
from camp_app.notifications.models import OutboxMail
from camp_app.registrations import lifecycle
from camp_app.registrations.models import Registration
from camp_app.roles import Role
from camp_app.timeutil import utcnow
from tests import factories

CONSENTS = {"medical_treatment": True, "liability_waiver": True, "photo_release": True}


_PASSWORD_HASH = hash_password(factories.PASSWORD)  # once: scrypt is slow on purpose
_serial = count_from(1)


def make_parent(*, name=None, verified=True, locale="en", household=None) -> User:
    """A parent who can log in with factories.PASSWORD, quickly (the hash is computed once)."""
    n = next(_serial)
    user = User(
        email=f"parent{n}.{uuid.uuid4().hex[:6]}@example.org",
        name=name or f"Parent {n}",
        phone="+13055550123",
        locale=locale,
        password_hash=_PASSWORD_HASH,
        email_verified_at=utcnow() if verified else None,
        household=household or Household(),
    )
    user.role_rows = [UserRole(role=Role.PARENT.value)]
    db.session.add(user)
    db.session.commit()
    return user


def make_family(*, children=1, pickup=False, name=None, first_names=(), **child_fields):
    """A verified parent with a household, an emergency contact and `children` patients."""
    parent = make_parent(name=name)
    household = parent.household
    factories.make_contact(household, "emergency")
    if pickup:
        factories.make_contact(household, "pickup", name="Tío Juan", relationship="uncle")
    kids = [
        factories.make_child(
            household,
            first_name=first_names[n] if n < len(first_names) else f"Kid{n}",
            **child_fields,
        )
        for n in range(children)
    ]
    return parent, kids


def make_coordinator():
    return factories.make_user((Role.COORDINATOR,), household=False)


def register(parent, event, children, **kwargs):
    kwargs.setdefault("consents", CONSENTS)
    kwargs.setdefault("signature", parent.name)
    return lifecycle.register(parent, event, children, **kwargs)


def fill(event, count, **family_fields):
    """`count` single-child families registered for `event`, in order; returns their rows."""
    rows = []
    for _ in range(count):
        parent, (child,) = make_family(**family_fields)
        rows.extend(register(parent, event, [child]))
    return rows


def statuses(event) -> dict[str, list[int]]:
    """Sequences by status, from the database."""
    db.session.expire_all()
    query = select(Registration).where(Registration.event_id == event.id)
    grouped: dict[str, list[int]] = {}
    for reg in db.session.scalars(query.order_by(Registration.sequence)):
        grouped.setdefault(reg.status, []).append(reg.sequence)
    return grouped


def count(model, *conditions) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*conditions))


def mails_to(email, category=None) -> list[OutboxMail]:
    query = select(OutboxMail).where(OutboxMail.to_address == email)
    if category:
        query = query.where(OutboxMail.category == category)
    return list(db.session.scalars(query.order_by(OutboxMail.id)))


def birthday_for_age(age: int, on: date = date(2027, 6, 14)) -> date:
    return on.replace(year=on.year - age)
