"""A demo camp that runs this week, so staff and the nurse can try the attendance pages and the
health center on the day they try the app: confirmed children in cabins, some of them already
arrived, health alerts, medications and a family that named a person who must never pick up.
The nurse finds doses due today, those before the seed recorded (yesterday's with a refusal and
a correction) except one left overdue, and a visit to the health center with an addendum.

Idempotent like the rest of the seed. Re-seeded on a later day, when the camp no longer runs
today, its dates (and registration window) are moved so that it runs again this week: the
children, cabins and records stay.
"""

from datetime import date, datetime, time, timedelta

from camp_app.accounts.models import User, UserRole
from camp_app.accounts.passwords import hash_password
from camp_app.attendance.actions import check_in
from camp_app.demo.workspace import seed_groups
from camp_app.events.models import Event
from camp_app.events.services import create_event
from camp_app.extensions import db
from camp_app.families.services import add_child, add_contact
from camp_app.health_center.medication import due_times, overdue_after, record_dose
from camp_app.health_center.visits import add_addendum, record_visit
from camp_app.registrations import lifecycle
from camp_app.registrations.models import Registration
from camp_app.roles import Role
from camp_app.timeutil import camp_local_to_utc, camp_today, to_camp, utcnow

SLUG = "camp-this-week"
DAYS_BEFORE, DAYS_AFTER = 1, 4  # the camp began yesterday and ends in four days
CABINS = (
    {"name": "Dolphins", "capacity": 6, "min_age": 7, "max_age": 16, "gender": "female"},
    {"name": "Sharks", "capacity": 6, "min_age": 7, "max_age": 16, "gender": "male"},
)
CAMPERS = (  # (first name, last name, gender, age, allergies, health alerts, medication)
    ("Lucia", "Ortega", "female", 9, "Peanuts", ["epinephrine_auto_injector"], None),
    ("Diego", "Ramos", "male", 11, "", ["central_line"], ("Mercaptopurine", "50 mg")),
    ("Emma", "Shaw", "female", 12, "Penicillin", ["central_line", "infection_risk"], None),
    ("Noah", "Vu", "male", 8, "", ["seizure_plan"], ("Levetiracetam", "250 mg")),
    ("Mia", "Cole", "female", 14, "", ["diabetes"], ("Insulin glargine", "10 units")),
    ("Liam", "Park", "male", 10, "Latex", [], ("Hydroxyurea", "500 mg")),
)
RESTRICTED = {  # the first family named a person who must never pick up
    "kind": "do_not_release",
    "name": "Marco Ortega",
    "relationship": "Father",
    "note": "Court order on file",
}


def this_week_dates(today: date) -> dict:
    """The camp's days around today; its registration window (camp time) closed before."""
    starts, ends = today - timedelta(days=DAYS_BEFORE), today + timedelta(days=DAYS_AFTER)
    return {
        "starts_on": starts,
        "ends_on": ends,
        "registration_opens_at": datetime.combine(starts - timedelta(days=30), time(9)),
        "registration_closes_at": datetime.combine(starts - timedelta(days=2), time(17)),
    }


def _event_data(today: date) -> dict:
    dates = this_week_dates(today)
    return {
        "slug": SLUG,
        "name": "Camp Sunrise (this week)",
        "kind": "overnight_camp",
        "summary": "A demo overnight camp that runs this week, for trying the day's work at camp.",
        "description": "Counselors check children in and out; the nurse keeps the health center.",
        "location": "Pine Lake Camp, 1200 Camp Road, Clermont, FL",
        "contact_email": "camps@hospital.example",
        "contact_phone": "+13055550199",
        "starts_on": dates["starts_on"].isoformat(),
        "ends_on": dates["ends_on"].isoformat(),
        "registration_opens_at": dates["registration_opens_at"].isoformat(),
        "registration_closes_at": dates["registration_closes_at"].isoformat(),
        "capacity": 20,
        "waitlist_enabled": False,
        "requires_review": False,
        "published": True,
        "eligibility": {"min_age": 7, "max_age": 16, "audience": "anyone"},
    }


def ensure_camp_this_week(
    admin: User | None, coordinator: User | None, nurse: User | None = None
) -> tuple[str, bool]:
    """(name, created now). Creates the camp with its campers, or moves it to this week."""
    today = camp_today()
    event = db.session.scalar(db.select(Event).where(Event.slug == SLUG))
    if event is not None:
        if not event.starts_on <= today <= event.ends_on:
            for name, value in this_week_dates(today).items():
                if isinstance(value, datetime):
                    value = camp_local_to_utc(value)
                setattr(event, name, value)  # the demo's own camp: dates only
            db.session.commit()
        return event.name, False
    event = create_event(admin, _event_data(today))
    if coordinator is not None:
        _campers(event)
        seed_groups(coordinator, event, CABINS, left_unassigned=0)  # at camp: all in cabins
        _arrivals(coordinator, event)
        if nurse is not None:
            _health_center(nurse, event)
    return event.name, True


def _campers(event: Event) -> None:
    secret = hash_password(utcnow().isoformat() + SLUG)  # nobody can sign in as these parents
    when = event.registration_opens_at + timedelta(hours=1)
    for number, (first, last, gender, age, allergies, alerts, medication) in enumerate(CAMPERS):
        parent = User(
            email=f"week{number + 1:02d}@demo.example.org",
            name=f"Rosa {last}",
            phone=f"+1305555{7000 + number:04d}",
            password_hash=secret,
            email_verified_at=utcnow(),
        )
        parent.role_rows = [UserRole(role=Role.PARENT.value)]
        db.session.add(parent)
        db.session.commit()
        born = date(event.starts_on.year - age - 1, 9, 1 + number)
        medications = (
            [
                {
                    "name": medication[0],
                    "dose": medication[1],
                    "schedule": "Morning and evening",
                    "times": ["08:00", "20:00"],
                }
            ]
            if medication
            else []
        )
        child = add_child(
            parent,
            {
                "first_name": first,
                "last_name": last,
                "date_of_birth": born.isoformat(),
                "gender": gender,
                "relationship": "patient",
                "diagnosis_category": "cancer",
                "diagnosis": "Acute lymphoblastic leukemia",
                "treated_at_hospital": True,
                "allergies": allergies,
                "medications": medications,
                "health_alerts": alerts,
            },
        )
        add_contact(parent, _contact("emergency", "Grandmother", last, number))
        add_contact(parent, _contact("pickup", "Aunt", last, number + 20))
        if number == 0:
            add_contact(parent, RESTRICTED)
        consents = {"medical_treatment": True, "liability_waiver": True, "photo_release": True}
        lifecycle.register(parent, event, [child], consents, parent.name, now=when)
        db.session.commit()


def _contact(kind: str, relationship: str, last: str, number: int) -> dict:
    phone = f"+1786555{8000 + number:04d}"
    return {"kind": kind, "name": f"Ana {last}", "relationship": relationship, "phone": phone}


def _arrivals(coordinator: User, event: Event) -> None:
    """Most children arrived on the first day; the last one is still expected."""
    registrations = db.session.scalars(
        db.select(Registration)
        .where(Registration.event_id == event.id, Registration.status == "confirmed")
        .order_by(Registration.id)
    ).all()
    for registration in registrations[:-1]:
        check_in(coordinator, event, registration.id, event.starts_on)


def _health_center(nurse: User, event: Event) -> None:
    """The nurse's record so far: every dose due before the overdue window recorded (given;
    yesterday one refused, and one recorded missed then corrected to given), except today's
    latest such dose, left overdue; a visit this morning with an addendum."""
    now, today = utcnow(), camp_today()
    registrations = db.session.scalars(
        db.select(Registration)
        .where(Registration.event_id == event.id, Registration.status == "confirmed")
        .order_by(Registration.id)
    ).all()[:-1]  # the last child has not arrived
    past = []
    for registration in registrations:
        for item in registration.child.medications:
            for day in (event.starts_on, today):
                past += [(due, registration, item) for due in due_times(item, day)]
    past = sorted((entry for entry in past if entry[0] < now - overdue_after()), key=lambda e: e[0])
    left_overdue = next((e for e in reversed(past) if to_camp(e[0]).date() == today), None)
    refused = corrected = None
    for due, registration, item in past:
        if (due, registration, item) == left_overdue:
            continue
        status, note = "given", ""
        if refused is None and item.name == "Mercaptopurine":
            refused, status, note = due, "refused", "Felt sick after dinner; physician told."
        elif corrected is None and item.name == "Insulin glargine":
            corrected, status, note = due, "missed", "Not at the health center."
        body = {
            "registration_id": registration.id,
            "medication_id": item.id,
            "due_at": due.isoformat(),
            "status": status,
            "note": note,
        }
        record = record_dose(nurse, event, body)
        if due == corrected:
            note = "She came at 20:40 after the campfire; recorded missed by mistake."
            record_dose(
                nurse, event, {**body, "status": "given", "note": note, "corrects_id": record.id}
            )
    seen_at = max(now - timedelta(hours=2), camp_local_to_utc(datetime.combine(today, time(0))))
    visit = record_visit(
        nurse,
        event,
        {
            "registration_id": registrations[0].id,
            "seen_at": seen_at.isoformat(),
            "complaint": "Scraped knee at the lake.",
            "assessment": "Superficial abrasion, no swelling; walks normally.",
            "treatment": "Cleaned, antiseptic, bandage. Epinephrine not needed.",
            "disposition": "returned_to_activity",
            "guardian_notified": True,
            "guardian_notified_at": seen_at.isoformat(),
        },
    )
    add_addendum(nurse, visit.id, {"text": "Checked at lunch: dry and clean."})
