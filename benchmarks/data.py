"""Bulk test data for benchmarks: one INSERT per table (db.session.execute(insert(...), rows)),
so that building thousands of families takes a second, not minutes."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import insert, update

from camp_app.accounts.models import User, UserRole
from camp_app.events.models import Event, default_documents
from camp_app.extensions import db
from camp_app.families.models import Child, Contact, Household
from camp_app.registrations.models import (
    ConsentSigning,
    Registration,
    RegistrationStatus,
    new_reference,
)
from camp_app.roles import Role

# Never used to sign in: benchmarks call services and public pages directly.
NO_PASSWORD = "bench-no-password"


@dataclass(frozen=True)
class Family:
    household_id: int
    user_id: int
    child_id: int


def _ids(model, rows: list[dict]) -> list[int]:
    """Insert `rows` and return their new ids, in the order given."""
    query = insert(model).returning(model.id, sort_by_parameter_order=True)
    return list(db.session.scalars(query, rows))


def families(count: int, prefix: str = "family") -> list[Family]:
    """`count` households, each with one verified parent, one child and an emergency contact."""
    now = datetime.now(UTC)
    households = _ids(Household, [{"created_at": now} for _ in range(count)])
    users = _ids(
        User,
        [
            {
                "email": f"{prefix}{n}@example.org",
                "name": f"Parent {n}",
                "phone": "+13055550100",
                "locale": "en",
                "password_hash": NO_PASSWORD,
                "email_verified_at": now,
                "household_id": household_id,
            }
            for n, household_id in enumerate(households)
        ],
    )
    db.session.execute(insert(UserRole), [{"user_id": u, "role": Role.PARENT} for u in users])
    children = _ids(
        Child,
        [
            {
                "household_id": household_id,
                "first_name": f"Child{n}",
                "last_name": f"Family{n % 97}",
                "date_of_birth": date(2016, 1, 1) + timedelta(days=n % 700),
                "relationship": "patient",
                "diagnosis_category": "cancer",
                "diagnosis": "ALL",
                "treated_at_hospital": True,
                "allergies": "peanuts",
            }
            for n, household_id in enumerate(households)
        ],
    )
    db.session.execute(
        insert(Contact),
        [
            {
                "household_id": household_id,
                "kind": "emergency",
                "name": f"Contact {n}",
                "relationship": "aunt",
                "phone": "+13055550101",
            }
            for n, household_id in enumerate(households)
        ],
    )
    db.session.commit()
    return [Family(*ids) for ids in zip(households, users, children, strict=True)]


def events(count: int, *, capacity: int = 100, prefix: str = "camp") -> list[int]:
    """`count` published overnight camps open for registration, next summer."""
    now = datetime.now(UTC)
    start = date(now.year + 1, 6, 1)
    rows = [
        {
            "slug": f"{prefix}-{n}",
            "name": f"Camp {prefix} {n}",
            "kind": "overnight_camp",
            "summary": "A week of camp.",
            "description": "Cabins, a lake and a campfire.\n\nBring a sleeping bag.",
            "location": "Camp Road 1, Miami, FL",
            "contact_email": "camps@hospital.example",
            "contact_phone": "+13055550199",
            "starts_on": start + timedelta(days=n),
            "ends_on": start + timedelta(days=n + 5),
            "registration_opens_at": now - timedelta(days=1),
            "registration_closes_at": now + timedelta(days=60),
            "capacity": capacity,
            "waitlist_enabled": True,
            "requires_review": False,
            "published": True,
            "audience": "anyone",
            "diagnosis_categories": [],
            "treated_at_hospital_required": False,
            "registration_counter": 0,
            "created_at": now,
            "updated_at": now,
        }
        for n in range(count)
    ]
    ids = _ids(Event, rows)
    for event_id in ids:  # the standard consent documents, as every new event has
        db.session.get(Event, event_id).consent_documents = default_documents()
    db.session.commit()
    return ids


def registrations(event_id: int, capacity: int, chosen: list[Family]) -> None:
    """Register every family's child for the event: seats first, then the waitlist."""
    now = datetime.now(UTC)
    signings = _ids(
        ConsentSigning,
        [
            {
                "event_id": event_id,
                "household_id": family.household_id,
                "signed_by_id": family.user_id,
                "signature": f"Parent {family.user_id}",
                "signed_at": now,
            }
            for family in chosen
        ],
    )
    rows = [
        {
            "event_id": event_id,
            "child_id": family.child_id,
            "reference": new_reference(),
            "signing_id": signing_id,
            "household_id": family.household_id,
            "status": RegistrationStatus.CONFIRMED
            if sequence <= capacity
            else RegistrationStatus.WAITLISTED,
            "sequence": sequence,
            "consent_medical_treatment": True,
            "consent_liability_waiver": True,
            "consent_photo_release": sequence % 3 != 0,
            "signature": f"Parent {family.user_id}",
            "signed_at": now,
            "signed_by_id": family.user_id,
            "decision_note": "",
            "created_at": now,
            "updated_at": now,
        }
        for sequence, (family, signing_id) in enumerate(zip(chosen, signings, strict=True), 1)
    ]
    db.session.execute(insert(Registration), rows)
    db.session.execute(
        update(Event).where(Event.id == event_id).values(registration_counter=len(rows))
    )
    db.session.commit()
