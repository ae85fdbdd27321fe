"""Test data for the events tests: valid input, registrations made directly, signing in."""

from camp_app.registrations.models import Registration
from tests.factories import login, make_child, make_registration, make_user


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
        rows.append(make_registration(event, child, parent, status))
    return rows


def sign_in(client, user) -> None:
    response = login(client, user)
    assert response.status_code == 302, "the login form should accept the test user"
