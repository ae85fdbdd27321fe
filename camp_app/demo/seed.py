"""Demo data for trying the app: the two hospital camps, one account per role, a demo family.

Idempotent: what exists is left alone (a coordinator's edits, a changed password), only what is
missing is added. The demo passwords are derived from this installation's SECRET_KEY, so they
are no constant in the code, differ between installations, and can be printed on every run.
"""

import base64
import hashlib
import hmac
from dataclasses import dataclass

from flask import current_app

from camp_app.accounts.models import User
from camp_app.accounts.passwords import verify_password
from camp_app.accounts.users import create_user, find_user_by_email
from camp_app.audit.services import record
from camp_app.demo.families import seed_demo_registrations
from camp_app.demo.this_week import ensure_camp_this_week
from camp_app.events.consent_texts import DEFAULT_DOCUMENTS
from camp_app.events.models import Event
from camp_app.events.services import create_event
from camp_app.extensions import db
from camp_app.families.services import add_child, add_contact, household_of
from camp_app.roles import Role

DEMO_ACCOUNTS = (
    (Role.PARENT, "parent@example.org", "Ana Rivera"),
    (Role.COORDINATOR, "coordinator@example.org", "Carlos Mendez"),
    (Role.STAFF, "staff@example.org", "Grace Okafor"),
    (Role.NURSE, "nurse@example.org", "Nadia Brooks"),
    (Role.ADMIN, "admin@example.org", "Priya Shah"),
)


def _standard_documents() -> list[dict]:
    return [
        {
            "key": d.key,
            "title": d.title,
            "body": d.body,
            "required": d.required,
            "translations": {"es": {"title": d.title_es, "body": d.body_es}},
        }
        for d in DEFAULT_DOCUMENTS
    ]


# Camp U.O.T.S. asks for one document of its own besides the hospital's three.
LAKE_SWIMMING = {
    "key": "lake_swimming",
    "title": "Swimming in Pine Lake",
    "body": (
        "Pine Lake has a roped swimming area with certified lifeguards on duty whenever "
        "children are in the water. On the first day, every camper takes a short swim test "
        "and then swims in the area that fits their level, wearing a life jacket when the "
        "lifeguards ask for one.\n\n"
        "The camp's medical team decides each day whether a child may swim, following their "
        "treatment (for example, a central line that must stay dry).\n\n"
        "I agree that my child may take the swim test and swim in Pine Lake under these rules."
    ),
    "required": True,
    "translations": {
        "es": {
            "title": "Nadar en Pine Lake",
            "body": (
                "Pine Lake tiene una zona de baño delimitada con socorristas titulados "
                "vigilando siempre que hay niños en el agua. El primer día, cada campista hace "
                "una breve prueba de natación y luego nada en la zona que corresponde a su "
                "nivel, con chaleco salvavidas cuando los socorristas lo piden.\n\n"
                "El equipo médico del campamento decide cada día si un niño o una niña puede "
                "nadar, según su tratamiento (por ejemplo, un catéter central que debe "
                "mantenerse seco).\n\n"
                "Acepto que mi hijo o hija haga la prueba de natación y nade en Pine Lake "
                "según estas normas."
            ),
        }
    },
}

CAMP_UOTS = {
    "slug": "camp-uots",
    "name": "Camp U.O.T.S.",
    "kind": "overnight_camp",
    "summary": (
        "Camp U.O.T.S. is an annual weeklong, overnight camp for children with cancer and "
        "blood disorders who are treated at the hospital."
    ),
    "description": (
        "A week of cabins, swimming, arts and crafts, campfires and friendships with children "
        "who understand what it is like.\n\n"
        "Doctors and nurses from the hospital's cancer and blood disorders team stay at camp "
        "day and night, keep every child's medications and treatment schedule, and stay in "
        "touch with the families.\n\n"
        "There is no cost to families. A coordinator reviews each registration with the "
        "medical team and confirms the seat."
    ),
    "location": "Pine Lake Camp, 1200 Camp Road, Clermont, FL",
    "contact_email": "camps@hospital.example",
    "contact_phone": "+13055550199",
    "starts_on": "2027-07-11",
    "ends_on": "2027-07-17",
    # No offset: camp local time.
    "registration_opens_at": "2026-11-01T09:00",
    "registration_closes_at": "2027-04-30T17:00",
    "capacity": 60,
    "waitlist_enabled": True,
    "requires_review": True,
    "requires_verification": True,
    "published": True,
    "required_documents": [
        {
            "key": "physician_clearance",
            "title": "Physician's clearance",
            "description": "The camp form signed by your child's oncologist or hematologist, "
            "dated within 60 days of camp.",
            "due_days_before": 30,
        },
        {
            "key": "immunization_record",
            "title": "Immunization record",
            "description": "A copy of the current record from your pediatrician.",
            "due_days_before": 21,
        },
        {
            "key": "medication_authorization",
            "title": "Medication authorization",
            "description": "Signed by the prescriber for every medication given at camp.",
            "due_days_before": 14,
        },
    ],
    "arrival_details": "Sunday from 2:00 to 4:00 PM at the main lodge; the nurses meet each "
    "child and take their medications.",
    "packing_list": "Sleeping bag and pillow, clothes for 7 days, swimsuit, sunscreen, hat, "
    "flashlight, medications in their original packaging.",
    "eligibility": {
        "min_age": 7,
        "max_age": 16,
        "audience": "patients",
        "diagnosis_categories": ["cancer", "blood_disorder"],
        "treated_at_hospital_required": True,
    },
    "consent_documents": [*_standard_documents(), LAKE_SWIMMING],
}

BEAR_HUG = {
    "slug": "bear-hug",
    "name": "Bear Hug",
    "kind": "day_camp",
    "summary": (
        "A fun-filled day camp for siblings of children with cancer, to meet other brothers "
        "and sisters and learn about their sibling's care journey."
    ),
    "description": (
        "Games, crafts and time with peers who share the same experience. Child life "
        "specialists explain, in a child's words, what happens at the hospital and how "
        "treatment helps.\n\n"
        "Drop-off from 8:30 AM and pick-up by 4:00 PM each day, only by a parent or an "
        "authorized pickup person on the family's list. Lunch and snacks are provided."
    ),
    "location": "Hospital Family Center, 3100 SW 62nd Ave, Miami, FL",
    "contact_email": "camps@hospital.example",
    "contact_phone": "+13055550199",
    "starts_on": "2027-07-26",
    "ends_on": "2027-07-30",
    "registration_opens_at": "2026-11-01T09:00",
    "registration_closes_at": "2027-05-31T17:00",
    "capacity": 30,
    "waitlist_enabled": True,
    "requires_review": False,
    "published": True,
    "eligibility": {
        "min_age": 5,
        "max_age": 14,
        "audience": "siblings",
        "diagnosis_categories": ["cancer"],
        "treated_at_hospital_required": False,
    },
}

DEMO_EVENTS = (CAMP_UOTS, BEAR_HUG)

DEMO_CHILDREN = (
    {
        "first_name": "Sofia",
        "last_name": "Rivera",
        "date_of_birth": "2016-09-14",
        "relationship": "patient",
        "diagnosis_category": "cancer",
        "diagnosis": "Acute lymphoblastic leukemia, maintenance therapy",
        "treated_at_hospital": True,
        "allergies": "Penicillin",
        "dietary_needs": "",
        "medical_conditions": "Port-a-cath in place",
        "medications": [
            {"name": "Ondansetron", "dose": "4 mg", "schedule": "As needed for nausea"}
        ],
        "physician_name": "Dr. Laura Chen",
        "physician_phone": "+13055550142",
    },
    {
        "first_name": "Mateo",
        "last_name": "Rivera",
        "date_of_birth": "2018-06-02",
        "relationship": "sibling",
        "treated_at_hospital": False,
        "dietary_needs": "Vegetarian",
    },
)
DEMO_CONTACTS = (
    {
        "kind": "emergency",
        "name": "Luis Rivera",
        "relationship": "Grandfather",
        "phone": "+13055550155",
    },
    {"kind": "pickup", "name": "Carmen Diaz", "relationship": "Aunt", "phone": "+13055550177"},
)


@dataclass
class DemoLogin:
    role: str
    email: str
    password: str | None  # None: the account's password was changed since it was seeded
    created: bool


@dataclass
class SeedReport:
    logins: list[DemoLogin]
    events: list[tuple[str, bool]]  # (name, created now)


def demo_password(email: str) -> str:
    """This installation's demo password for `email` (derived from SECRET_KEY)."""
    key = current_app.config["SECRET_KEY"].encode()
    digest = hmac.new(key, f"camp-demo-password:{email}".encode(), hashlib.sha256).digest()
    return "demo-" + base64.b32encode(digest).decode()[:16].lower()


def seed_demo() -> SeedReport:
    """Add whatever demo data is missing. Commits."""
    logins = [_ensure_account(role, email, name) for role, email, name in DEMO_ACCOUNTS]
    db.session.commit()
    _ensure_demo_family(find_user_by_email("parent@example.org"))
    admin = find_user_by_email("admin@example.org")
    events = [_ensure_event(admin, data) for data in DEMO_EVENTS]
    demo_events = db.session.scalars(
        db.select(Event).where(Event.slug.in_([data["slug"] for data in DEMO_EVENTS]))
    )
    coordinator = find_user_by_email("coordinator@example.org")
    seed_demo_registrations(coordinator, {event.slug: event for event in demo_events})
    nurse = find_user_by_email("nurse@example.org")
    nurse = nurse if nurse is not None and nurse.has_role(Role.NURSE) else None
    events.append(ensure_camp_this_week(admin, coordinator, nurse))
    return SeedReport(logins=logins, events=events)


def _ensure_account(role: Role, email: str, name: str) -> DemoLogin:
    password = demo_password(email)
    user = find_user_by_email(email)
    if user is not None:
        # Never reset a password someone changed; only show it while it is still the demo one.
        still_demo = verify_password(user.password_hash, password)
        return DemoLogin(role.value, email, password if still_demo else None, created=False)
    user = create_user(email=email, password=password, name=name, roles=(role,), verified=True)
    record(None, "user.create", user, fields=["email", "name", "password", "roles"])
    return DemoLogin(role.value, email, password, created=True)


def _ensure_demo_family(parent: User) -> None:
    """The demo parent's children and contacts, through the families services (as the parent)."""
    if not parent.has_role(Role.PARENT):
        return  # someone reused the address for another role: leave that account alone
    household = household_of(parent)
    if not household.children:
        for child in DEMO_CHILDREN:
            add_child(parent, child)
    if not household.contacts:
        for contact in DEMO_CONTACTS:
            add_contact(parent, contact)


def _ensure_event(admin: User | None, data: dict) -> tuple[str, bool]:
    existing = db.session.scalar(db.select(Event).where(Event.slug == data["slug"]))
    if existing is not None:
        return existing.name, False  # a coordinator may have edited it: leave it as it is
    return create_event(admin, data).name, True
