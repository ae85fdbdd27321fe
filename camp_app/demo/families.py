"""Demo families registered for the demo camps, so the coordinator's workspace has something to
show: a review queue, decisions, a waitlist, cabins, charts.

Everything goes through the same services as real use (families, lifecycle). The families'
guardians share one password hash of a random secret nobody knows: they cannot sign in, and
seeding costs one password hash, not forty. Deterministic: the same families every time.
"""

import secrets
from datetime import date, datetime, timedelta
from random import Random

from flask import current_app

from camp_app.accounts.models import User, UserRole
from camp_app.accounts.passwords import hash_password
from camp_app.accounts.users import find_user_by_email
from camp_app.demo.workspace import BEAR_HUG_GROUPS, UOTS_CABINS, seed_groups, verify_patients
from camp_app.events.models import Event
from camp_app.extensions import db
from camp_app.families.models import Child
from camp_app.families.services import add_child, add_contact
from camp_app.registrations import lifecycle
from camp_app.registrations.models import Registration
from camp_app.roles import Role
from camp_app.timeutil import utcnow

FIRST_FAMILY_EMAIL = "family01@demo.example.org"

SURNAMES = (
    "Alvarez", "Brooks", "Castillo", "Dang", "Edwards", "Flores", "Garcia", "Hughes",
    "Ibarra", "Jackson", "Kim", "Lopez", "Morales", "Nguyen", "Ortiz", "Patel", "Quinn",
    "Ramirez", "Santos", "Torres", "Usman", "Vargas", "Walker", "Xu", "Young", "Zamora",
    "Bennett", "Cruz", "Diaz", "Evans", "Fernandez", "Gomez", "Harris", "Jimenez", "Lee",
    "Mendoza", "Nunez", "Perez", "Reyes", "Silva",
)  # fmt: skip
GIRLS = ("Camila", "Emma", "Isabella", "Lucia", "Mia", "Olivia", "Valentina", "Zoe", "Ava")
BOYS = ("Diego", "Ethan", "Gabriel", "Liam", "Lucas", "Noah", "Santiago", "Mateo", "Leo")
PARENTS = ("Maria", "James", "Rosa", "David", "Elena", "Michael", "Carmen", "Robert")
ALLERGIES = ("", "", "", "Peanuts", "Penicillin", "Latex", "Eggs", "")
DIETS = ("", "", "Vegetarian", "", "Lactose-free", "", "Halal", "")
MEDICATIONS = (
    {"name": "Ondansetron", "dose": "4 mg", "schedule": "As needed for nausea"},
    {"name": "Hydroxyurea", "dose": "500 mg", "schedule": "Once daily at bedtime"},
    {"name": "Folic acid", "dose": "1 mg", "schedule": "Every morning"},
    {"name": "Mercaptopurine", "dose": "50 mg", "schedule": "Every evening"},
)
CONSENTS = {"medical_treatment": True, "liability_waiver": True, "photo_release": True}


def demo_families_exist() -> bool:
    return find_user_by_email(FIRST_FAMILY_EMAIL) is not None


def seed_demo_registrations(coordinator: User, events: dict[str, Event]) -> None:
    """DEMO_FAMILY_COUNT (40) families with a patient each (and some siblings), registered
    over the weeks since registration opened; the coordinator has decided about part of Camp
    U.O.T.S., the medical team verified those, and most confirmed children have a cabin."""
    if demo_families_exist() or coordinator is None:
        return
    count = current_app.config["DEMO_FAMILY_COUNT"]
    if count <= 0:
        return
    rng = Random(2027)  # noqa: S311  (demo names, not secrets: the same every run)
    secret_hash = hash_password(secrets.token_urlsafe(32))
    uots, bear_hug = events.get("camp-uots"), events.get("bear-hug")
    moments = _registration_moments(uots or bear_hug, count)
    for number in range(1, count + 1):
        parent = _family(number, rng, secret_hash)
        children = _children(parent, rng)
        when = moments[number - 1]
        patients = [c for c in children if c.is_patient]
        siblings = [c for c in children if not c.is_patient]
        if uots is not None and patients:
            _register(parent, uots, patients, when)
        if bear_hug is not None and siblings and patients[0].diagnosis_category == "cancer":
            _register(parent, bear_hug, siblings, when + timedelta(hours=2))
    if uots is not None:
        _decide_some(coordinator, uots)
        seed_groups(coordinator, uots, UOTS_CABINS)
    if bear_hug is not None:
        seed_groups(coordinator, bear_hug, BEAR_HUG_GROUPS)


def _registration_moments(event: Event | None, count: int) -> list[datetime]:
    """Spread from the window's opening until now (or its close), so the chart has a shape."""
    if event is None:
        return [utcnow()] * count
    start = event.registration_opens_at + timedelta(hours=1)
    end = min(utcnow(), event.registration_closes_at) - timedelta(hours=1)
    end = max(end, start)
    step = (end - start) / max(count - 1, 1)
    # Front-loaded, as real registrations are: many on the first days.
    return [start + step * ((i / max(count - 1, 1)) ** 2 * (count - 1)) for i in range(count)]


def _family(number: int, rng: Random, secret_hash: str) -> User:
    surname = SURNAMES[(number - 1) % len(SURNAMES)]
    parent = User(
        email=f"family{number:02d}@demo.example.org",
        name=f"{rng.choice(PARENTS)} {surname}",
        phone=f"+1305555{number:04d}",
        locale="es" if number % 3 == 0 else "en",
        password_hash=secret_hash,
        email_verified_at=utcnow(),
    )
    parent.role_rows = [UserRole(role=Role.PARENT.value)]
    db.session.add(parent)
    db.session.commit()
    return parent


def _children(parent: User, rng: Random) -> list[Child]:
    surname = parent.name.split()[-1]
    wanted = [_patient(surname, rng)] + [
        _sibling(surname, rng) for _ in range(rng.choice((0, 1, 1, 2)))
    ]
    children = [add_child(parent, child) for child in wanted]
    add_contact(parent, _contact("emergency", "Grandparent", surname, rng))
    add_contact(parent, _contact("pickup", "Aunt", surname, rng))
    return children


def _person(surname: str, rng: Random, youngest: int, oldest: int) -> dict:
    girl = rng.random() < 0.5
    age = rng.randint(youngest, oldest)
    born = date(2027 - age - 1, rng.randint(8, 12), rng.randint(1, 28))
    return {
        "first_name": rng.choice(GIRLS if girl else BOYS),
        "last_name": surname,
        "date_of_birth": born.isoformat(),
        "gender": "female" if girl else "male",
        "allergies": rng.choice(ALLERGIES),
        "dietary_needs": rng.choice(DIETS),
    }


def _patient(surname: str, rng: Random) -> dict:
    blood = rng.random() < 0.3
    return _person(surname, rng, 7, 16) | {
        "relationship": "patient",
        "diagnosis_category": "blood_disorder" if blood else "cancer",
        "diagnosis": "Sickle cell disease" if blood else "Acute lymphoblastic leukemia",
        "treated_at_hospital": True,
        "medications": [rng.choice(MEDICATIONS)],
        "physician_name": "Dr. Laura Chen",
        "physician_phone": "+13055550142",
    }


def _sibling(surname: str, rng: Random) -> dict:
    return _person(surname, rng, 5, 14) | {"relationship": "sibling", "medications": []}


def _contact(kind: str, relationship: str, surname: str, rng: Random) -> dict:
    phone = f"+1786555{rng.randint(0, 9999):04d}"
    name = f"{rng.choice(PARENTS)} {surname}"
    return {"kind": kind, "name": name, "relationship": relationship, "phone": phone}


def _register(parent: User, event: Event, children: list[Child], when: datetime) -> None:
    signature = parent.name
    # Every document of the event accepted (Camp U.O.T.S. has one of its own).
    consents = {**CONSENTS, **{d.key: True for d in event.active_documents}}
    registrations = lifecycle.register(parent, event, children, consents, signature, now=when)
    for registration in registrations:
        registration.created_at = when  # demo only: as if received on that day
    db.session.commit()


def _decide_some(coordinator: User, event: Event) -> None:
    """The medical team verified the first 25 received, and the coordinator approved them and
    declined one; the rest wait in the review queue."""
    pending = db.session.scalars(
        db.select(Registration)
        .where(Registration.event_id == event.id, Registration.status == "pending_review")
        .order_by(Registration.sequence)
    ).all()
    verify_patients(coordinator, pending[:25])
    for registration in pending[:25]:
        lifecycle.decide(coordinator, registration, "approve")
    if len(pending) > 26:
        note = "The camp's medical team will call you to talk about next year's camp."
        lifecycle.decide(coordinator, pending[25], "decline", note)
