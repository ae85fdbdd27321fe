"""Families, pending registrations and signed-in clients for the review tests."""

from sqlalchemy import select

from camp_app.audit.models import AuditEntry
from camp_app.extensions import db
from camp_app.families.models import Child
from camp_app.registrations.models import Registration
from camp_app.timeutil import utcnow
from tests import factories
from tests.registrations.helpers import (  # noqa: F401  (re-exported for the review tests)
    CONSENTS,
    mails_to,
    make_coordinator,
    make_family,
    register,
)


def review_event(**fields):
    """A camp whose registrations wait for a coordinator (review on, ten seats)."""
    fields.setdefault("requires_review", True)
    return factories.make_event(**fields)


def pending(event, *, first_name="Maya", **child_fields):
    """A family with one child registered for `event`; returns (parent, child, registration)."""
    parent, (child,) = make_family(first_names=(first_name,), **child_fields)
    (registration,) = register(parent, event, [child])
    return parent, child, registration


def set_verification(child: Child, state: str, by=None) -> None:
    """What the medical team's answer leaves on the child (the verification page's job)."""
    child.patient_verification = state
    child.verified_by_id = by.id if by else None
    child.verified_at = utcnow() if by else None
    db.session.commit()


def fresh(registration: Registration) -> Registration:
    db.session.expire_all()
    return db.session.get(Registration, registration.id)


def audit_entries(registration: Registration, action: str) -> list[AuditEntry]:
    query = select(AuditEntry).where(
        AuditEntry.entity_type == "registrations",
        AuditEntry.entity_id == registration.id,
        AuditEntry.action == action,
    )
    return list(db.session.scalars(query.order_by(AuditEntry.id)))


def signed_in(app, user):
    """A test client signed in as `user` through the real login form."""
    client = app.test_client()
    response = factories.login(client, user)
    assert response.status_code == 302, "the login failed"
    return client
