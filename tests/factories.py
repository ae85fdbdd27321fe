"""Building test data through the same services the app uses. Each helper commits."""

import re
from datetime import UTC, date, datetime, timedelta
from itertools import count
from types import SimpleNamespace

import pyotp
from sqlalchemy import update

from camp_app import timeutil
from camp_app.accounts import second_factor
from camp_app.accounts.models import User
from camp_app.accounts.users import create_user
from camp_app.events.models import Event
from camp_app.extensions import db
from camp_app.families.models import Child, Contact, Household, Medication
from camp_app.registrations.models import ConsentSigning, Registration
from camp_app.roles import Role
from camp_app.roster.models import CampGroup

PASSWORD = "correct horse battery staple"
# Every test account of a role that requires a second factor has this authenticator.
OTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
_serial = count(1)


def make_user(
    roles=(Role.PARENT,), *, email=None, name=None, verified=True, household=True, otp=True
):
    n = next(_serial)
    user = create_user(
        email=email or f"person{n}@example.org",
        password=PASSWORD,
        name=name or f"Person {n}",
        roles=roles,
        verified=verified,
    )
    if household and Role.PARENT in roles:
        user.household = Household()
    if second_factor.is_required(user) and otp:  # as enrolling does, without its audit entry
        user.otp_secret = OTP_SECRET
        user.otp_enrolled_at = timeutil.utcnow()
    db.session.commit()
    return user


def otp_for(app, email: str) -> str:
    """fresh_otp for an account known by its address."""
    return fresh_otp(app, SimpleNamespace(email=email))


def pass_second_factor(client, email: str) -> None:
    """After the password was accepted: the code page, through its form (with its CSRF
    token when the app checks them)."""
    page = client.get("/account/second-factor").get_data(as_text=True)
    data = {"code": otp_for(client.application, email)}
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    if token:
        data["csrf_token"] = token.group(1)
    answer = client.post("/account/second-factor", data=data)
    assert answer.status_code == 302, "the code step failed"


def fresh_otp(app, user) -> str:
    """A code the account's authenticator shows now, accepted once more: the helper forgets
    the last step used, so that a test may sign the same person in several times within one
    30-second step (the refusal of a reused code is tested on its own)."""
    with app.app_context():  # its own: page tests sign in outside any app context
        db.session.execute(update(User).where(User.email == user.email).values(otp_last_step=None))
        db.session.commit()
    return pyotp.TOTP(OTP_SECRET).at(timeutil.utcnow())  # the app's clock, which tests move


def make_child(household, **fields):
    values = {
        "first_name": "Maya",
        "last_name": "Lopez",
        "date_of_birth": date(2016, 5, 1),
        "relationship": "patient",
        "diagnosis_category": "cancer",
        "diagnosis": "ALL",
        "treated_at_hospital": True,
        "allergies": "peanuts",
        "medications": [],
    }
    values.update(fields)
    medications = values.pop("medications")
    child = Child(household=household, **values)
    child.medications = [Medication(**m) for m in medications]
    db.session.add(child)
    db.session.commit()
    return child


def make_contact(household, kind="emergency", **fields):
    values = {"name": "Ana Lopez", "relationship": "aunt", "phone": "+13055550100"}
    values.update(fields)
    contact = Contact(household=household, kind=kind, **values)
    db.session.add(contact)
    db.session.commit()
    return contact


def make_event(**fields):
    n = next(_serial)
    now = datetime.now(UTC)
    values = {
        "slug": f"camp-{n}",
        "name": f"Camp {n}",
        "kind": "overnight_camp",
        "summary": "A week of camp.",
        "description": "Cabins, a lake and a campfire.",
        "location": "Camp Road 1, Miami, FL",
        "contact_email": "camps@hospital.example",
        "contact_phone": "+13055550199",
        "starts_on": date(2027, 6, 14),
        "ends_on": date(2027, 6, 19),
        "registration_opens_at": now - timedelta(days=1),
        "registration_closes_at": now + timedelta(days=60),
        "capacity": 10,
        "waitlist_enabled": True,
        "requires_review": False,
        "published": True,
        "min_age": 7,
        "max_age": 16,
        "audience": "patients",
        "diagnosis_categories": ["cancer", "blood_disorder"],
        "treated_at_hospital_required": True,
    }
    values.update(fields)
    event = Event(**values)
    db.session.add(event)
    db.session.commit()
    return event


def shared_parent(email, name="Sam Signer"):
    """The parent account with `email`, made on first use: one account can sign many test
    registrations (hashing a password per child is slow)."""
    user = db.session.scalar(db.select(User).where(User.email == email))
    return user or make_user((Role.PARENT,), email=email, name=name)


def signing_for(event_id, household_id, signer) -> ConsentSigning:
    """A record of what `signer` signed (no document answers), for registrations written
    directly; the caller adds and commits it with them."""
    return ConsentSigning(
        event_id=event_id,
        household_id=household_id,
        signed_by_id=signer.id,
        signature=signer.name,
        signed_at=datetime.now(UTC),
    )


def make_registration(event, child, signer, status="confirmed", **fields):
    """A registration of `child` (in its household) for `event`, signed by `signer` with the
    two required consents, numbered next in the event. Written directly, not through the
    lifecycle: its rules are not what the callers test."""
    event.registration_counter += 1
    signing = signing_for(event.id, child.household_id, signer)
    registration = Registration(
        signing=signing,
        event_id=event.id,
        child_id=child.id,
        household_id=child.household_id,
        status=status,
        sequence=event.registration_counter,
        consent_medical_treatment=True,
        consent_liability_waiver=True,
        signature=signer.name,
        signed_at=datetime.now(UTC),
        signed_by_id=signer.id,
        **fields,
    )
    db.session.add(registration)
    db.session.commit()
    return registration


def make_group(event, name="Bears", capacity=8, members=(), **fields):
    """A cabin or group of `event`; the `members` registrations are put in it."""
    group = CampGroup(event_id=event.id, name=name, capacity=capacity, **fields)
    db.session.add(group)
    db.session.flush()
    for registration in members:
        registration.group_id = group.id
    db.session.commit()
    return group


def login(client, user, password=PASSWORD):
    """Sign in through the real login form, and the code page after it for an account with
    an authenticator; returns the last response."""
    response = client.post(
        "/account/login", data={"email": user.email, "password": password}, follow_redirects=False
    )
    if response.status_code == 302 and response.location == "/account/second-factor":
        response = client.post(
            "/account/second-factor", data={"code": fresh_otp(client.application, user)}
        )
    return response
