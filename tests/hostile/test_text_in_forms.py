"""A NUL byte (which PostgreSQL cannot store) or another control character in any field of the
child, contact, sign-in, sign-up, review, cabin and event forms gets the field's normal error;
nothing is stored and the value is not logged. On SQLite and on PostgreSQL, where NUL used to
fail deep in the database with a 500 whose log line carried every submitted value."""

import logging
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from camp_app.accounts.models import User
from camp_app.events.models import Event
from camp_app.families.models import Child, Contact, Household
from camp_app.registrations.models import Registration
from camp_app.roles import Role
from camp_app.roster.models import CampGroup
from camp_app.text_rules import FORBIDDEN_MESSAGE
from tests.factories import make_child, make_event, make_registration, make_user
from tests.support.outside_requests import data, sign_in

SECRET = "Leukemia-relapse"  # stands for a medical detail that must never reach the log
NUL = f"{SECRET}\x00"
CONTROL = f"{SECRET}\x1b[2J"


@pytest.fixture(params=["sqlite_app", pytest.param("pg_app", marks=pytest.mark.postgres)])
def db_app(request):
    return request.getfixturevalue(request.param)


@pytest.fixture
def logged(caplog):
    caplog.set_level(logging.INFO, logger="camp_app")
    return caplog


def count_of(app, model, *conditions) -> int:
    with data(app) as session:
        return session.scalar(select(func.count()).select_from(model).where(*conditions))


def assert_refused(response, field: str, caplog) -> None:
    """The form came back with the rule's message; nothing failed and nothing was logged.
    (The event form answers its errors with 200, as it always did.)"""
    assert response.status_code in (200, 400, 422), (field, response.status_code)
    assert str(FORBIDDEN_MESSAGE) in response.get_data(as_text=True), field
    assert SECRET not in caplog.text, field
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR], field


def person(app, roles=(Role.PARENT,)):
    with data(app):
        user = make_user(roles)
        return user.id, user.email, user.household_id


def client_for(app, roles=(Role.PARENT,)):
    _id, email, household_id = person(app, roles)
    client = app.test_client()
    sign_in(client, SimpleNamespace(email=email))
    return client, household_id


CHILD = {
    "first_name": "Nina",
    "last_name": "Lopez",
    "date_of_birth": "2015-04-30",
    "gender": "female",
    "relationship": "patient",
    "diagnosis_category": "cancer",
    "diagnosis": "ALL",
    "allergies": "peanuts",
    "dietary_needs": "",
    "medical_conditions": "",
    "physician_name": "Dr. Ruiz",
    "physician_phone": "(305) 555-0101",
    "medications-0-name": "Ondansetron",
    "medications-0-dose": "4 mg",
    "medications-0-schedule": "with breakfast",
    "save": "1",
}


@pytest.mark.parametrize("bad", [NUL, CONTROL], ids=["nul", "control"])
def test_the_child_forms_refuse_the_characters_in_every_field(db_app, logged, bad):
    client, household_id = client_for(db_app)
    with data(db_app) as session:
        child_id = make_child(session.get(Household, household_id)).id
    assert client.post("/family/children/new", data=CHILD).status_code == 302  # all valid
    for field in [name for name in CHILD if name != "save"]:
        for url in ("/family/children/new", f"/family/children/{child_id}/edit"):
            response = client.post(url, data={**CHILD, field: bad})
            assert_refused(response, f"{url} {field}", logged)
    assert count_of(db_app, Child, Child.household_id == household_id) == 2
    with data(db_app) as session:
        assert session.get(Child, child_id).first_name == "Maya"  # the edit changed nothing


@pytest.mark.parametrize("bad", [NUL, CONTROL], ids=["nul", "control"])
def test_the_contact_form_refuses_the_characters_in_every_field(db_app, logged, bad):
    client, household_id = client_for(db_app)
    contact = {"kind": "pickup", "name": "Tia Rosa", "relationship": "aunt",
               "phone": "(305) 555-0102"}  # fmt: skip
    for field in contact:
        response = client.post("/family/contacts/new", data={**contact, field: bad})
        assert_refused(response, field, logged)
    assert count_of(db_app, Contact, Contact.household_id == household_id) == 0
    assert client.post("/family/contacts/new", data=contact).status_code == 302


@pytest.mark.parametrize("bad", [NUL, CONTROL], ids=["nul", "control"])
def test_sign_in_and_sign_up_refuse_the_characters_in_every_field(db_app, logged, bad):
    _id, email, _household = person(db_app)
    client = db_app.test_client()
    login = {"email": email, "password": "correct horse battery staple"}
    for field in login:
        response = client.post("/account/login", data={**login, field: bad})
        assert_refused(response, f"login {field}", logged)
    assert client.get("/family").status_code == 302  # still signed out
    signup = {"name": "Rosa Diaz", "email": "rosa@example.org", "phone": "(305) 555-0123",
              "password": "a long enough password",
              "password_confirm": "a long enough password", "locale": "en"}  # fmt: skip
    for field in signup:
        response = client.post("/account/signup", data={**signup, field: bad})
        assert_refused(response, f"signup {field}", logged)
    assert count_of(db_app, User) == 1


def _pending_registration(app):
    with data(app):
        event = make_event(requires_review=True)
        parent = make_user((Role.PARENT,))
        child = make_child(parent.household, first_name="Maya")
        registration = make_registration(event, child, parent, "pending_review")
        return event.slug, registration.id


@pytest.mark.parametrize("bad", [NUL, CONTROL], ids=["nul", "control"])
def test_review_decisions_refuse_the_characters_in_the_note_and_the_reason(db_app, logged, bad):
    slug, registration_id = _pending_registration(db_app)
    client, _household = client_for(db_app, (Role.COORDINATOR,))
    url = f"/manage/events/{slug}/registrations/{registration_id}/decision"
    cases = [
        {"action": "decline", "note": bad, "seen_status": "pending_review", "page": "1"},
        {"action": "approve", "override_reason": bad, "seen_status": "pending_review"},
    ]
    for form in cases:
        response = client.post(url, data=form)
        assert_refused(response, form["action"], logged)
    with data(db_app) as session:
        registration = session.get(Registration, registration_id)
        assert (registration.status, registration.decision_note) == ("pending_review", "")


@pytest.mark.parametrize("bad", [NUL, CONTROL], ids=["nul", "control"])
def test_the_cabin_form_refuses_the_characters_in_every_field(db_app, logged, bad):
    with data(db_app):
        slug = make_event().slug
    client, _household = client_for(db_app, (Role.COORDINATOR,))
    group = {"name": "Owls", "capacity": "8", "min_age": "7", "max_age": "12", "gender": ""}
    for field in group:
        response = client.post(f"/manage/events/{slug}/cabins/groups", data={**group, field: bad})
        assert_refused(response, field, logged)
    assert count_of(db_app, CampGroup) == 0


EVENT = {
    "name": "Fuzz Camp",
    "slug": "fuzz-camp",
    "kind": "overnight_camp",
    "summary": "A week.",
    "description": "Cabins.",
    "location": "Lake Road 1",
    "contact_email": "camps@hospital.example",
    "contact_phone": "(305) 555-0199",
    "starts_on": "2027-08-01",
    "ends_on": "2027-08-05",
    "registration_opens_at": "2027-01-01T09:00",
    "registration_closes_at": "2027-06-01T17:00",
    "capacity": "20",
    "min_age": "7",
    "max_age": "16",
    "audience": "anyone",
}


@pytest.mark.parametrize("bad", [NUL, CONTROL], ids=["nul", "control"])
def test_the_event_form_refuses_the_characters_in_every_field(db_app, logged, bad):
    client, _household = client_for(db_app, (Role.COORDINATOR,))
    for field in EVENT:
        response = client.post("/manage/events/new", data={**EVENT, field: bad})
        assert_refused(response, field, logged)
    assert count_of(db_app, Event) == 0
