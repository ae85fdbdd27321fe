"""Test data for the events tests: valid input, registrations made directly, signing in."""

from datetime import UTC, datetime

from sqlalchemy import event as sa_event

from camp_app.extensions import db
from camp_app.registrations.models import Registration
from tests.factories import login, make_child, make_user


def event_data(**overrides) -> dict:
    """A valid body for create_event, in the contract's field names."""
    data = {
        "slug": "summer-camp",
        "name": "Summer Camp",
        "kind": "overnight_camp",
        "summary": "A week of camp.",
        "description": "Cabins and a lake.",
        "location": "Pine Lake Camp",
        "contact_email": "camps@hospital.example",
        "contact_phone": "305-555-0199",
        "starts_on": "2027-07-11",
        "ends_on": "2027-07-17",
        "registration_opens_at": "2026-11-01T09:00:00-04:00",
        "registration_closes_at": "2027-04-30T17:00",
        "capacity": 20,
        "waitlist_enabled": True,
        "requires_review": False,
        "published": True,
        "eligibility": {
            "min_age": 7,
            "max_age": 16,
            "audience": "patients",
            "diagnosis_categories": ["cancer", "blood_disorder"],
            "treated_at_hospital_required": True,
        },
    }
    data.update(overrides)
    return data


def add_registrations(event, *statuses: str) -> list[Registration]:
    """Registration rows in the given statuses, each for a new child of a new family."""
    rows = []
    for status in statuses:
        parent = make_user()
        child = make_child(parent.household)
        event.registration_counter += 1
        row = Registration(
            event_id=event.id,
            child_id=child.id,
            household_id=parent.household.id,
            status=status,
            sequence=event.registration_counter,
            consent_medical_treatment=True,
            consent_liability_waiver=True,
            signature=parent.name,
            signed_at=datetime.now(UTC),
            signed_by_id=parent.id,
        )
        db.session.add(row)
        rows.append(row)
    db.session.commit()
    return rows


def sign_in(client, user) -> None:
    response = login(client, user)
    assert response.status_code == 302, "the login form should accept the test user"


class StatementCounter:
    """Counts the SQL statements sent to the database while active."""

    def __init__(self, engine):
        self.engine, self.statements = engine, []

    def _count(self, conn, cursor, statement, parameters, context, executemany):
        self.statements.append(statement)

    def __enter__(self):
        sa_event.listen(self.engine, "before_cursor_execute", self._count)
        return self

    def __exit__(self, *exc):
        sa_event.remove(self.engine, "before_cursor_execute", self._count)
