"""A parent closes their account: medical details erased at once (checked in the raw rows),
camp records kept, open registrations cancelled with the seat going to the waitlist, no way
back in, a confirmation mail."""

import pytest
from sqlalchemy import select, text

from camp_app import timeutil
from camp_app.accounts.models import User, UserSession
from camp_app.audit.models import AuditEntry
from camp_app.extensions import db
from camp_app.families.models import Child, Household
from camp_app.notifications.models import OutboxMail
from camp_app.privacy import closure
from camp_app.registrations.models import Registration
from camp_app.roles import Role
from camp_app.sealing import unseal
from camp_app.service_errors import NotAllowed
from tests.api.conftest import Api, token_for
from tests.factories import PASSWORD, login, make_child, make_registration, make_user
from tests.privacy.conftest import build_family


def _raw_child(child_id: int) -> dict:
    row = db.session.execute(
        text(
            "SELECT diagnosis_category, diagnosis, treated_at_hospital, allergies, dietary_needs,"
            " medical_conditions, physician_name, physician_phone, health_alerts,"
            " health_alert_note, first_name, last_name FROM children WHERE id = :id"
        ),
        {"id": child_id},
    ).mappings()
    return {name: _opened(value) for name, value in row.one().items()}


def _opened(value):
    """A sealed column's raw value as its plain text (sealing.py): '' when erased."""
    if isinstance(value, str) and value.startswith("gAAAAA"):
        return unseal(value)
    return value


def _count(sql: str, **params) -> int:
    return db.session.execute(text(sql), params).scalar_one()


def _close_through_the_page(client, password=PASSWORD):
    return client.post("/account/close", data={"password": password})


def test_closing_erases_medical_details_keeps_camp_records_and_frees_the_seat(client, world):
    # The coming camp has one seat, which this family holds; another family waits.
    waiting_child = make_child(world.other.household, first_name="Wanda")
    waiting = make_registration(world.coming, waiting_child, world.other, status="waitlisted")
    token = token_for(world.parent)
    email = world.parent.email
    login(client, world.parent)
    assert "/account/close" in client.get("/account/settings").get_data(as_text=True)
    page = client.get("/account/close").get_data(as_text=True)
    assert "Your children&#39;s medical details are erased" in page
    assert "1 registration for a camp or event that has not ended is cancelled" in page

    answer = _close_through_the_page(client)

    assert answer.status_code == 302 and answer.location == "/account/closed"
    db.session.expire_all()
    raw = _raw_child(world.child.id)
    assert raw.pop("health_alerts") in ("[]", [])  # JSON: text on SQLite, parsed on PostgreSQL
    assert raw == {
        "diagnosis_category": None,
        "diagnosis": "",
        "treated_at_hospital": False,  # 0 on SQLite, which compares equal
        "allergies": "",
        "dietary_needs": "",
        "medical_conditions": "",
        "physician_name": "",
        "physician_phone": "",
        "health_alert_note": "",
        "first_name": "Zoë",  # kept with the camp's records
        "last_name": "Núñez",
    }
    assert _count("SELECT count(*) FROM medications WHERE child_id = :c", c=world.child.id) == 0
    household_id = world.parent.household_id
    assert _count("SELECT count(*) FROM contacts WHERE household_id = :h", h=household_id) == 0
    # The other family keeps everything.
    assert _raw_child(world.other_child.id)["diagnosis"] == "Acute lymphoblastic leukemia"
    assert (
        _count("SELECT count(*) FROM contacts WHERE household_id = :h", h=world.other.household_id)
        == 2
    )
    # The past camp's records are kept.
    past = world.past_registration.id
    assert _count("SELECT count(*) FROM attendance_records WHERE registration_id = :r", r=past) == 1
    assert _count("SELECT count(*) FROM dose_records WHERE registration_id = :r", r=past) == 1
    assert db.session.get(Registration, past).status == "confirmed"
    # The coming camp's registration is cancelled; the waiting child got the seat, and its
    # family is mailed through the outbox.
    assert db.session.get(Registration, world.coming_registration.id).status == "cancelled"
    assert db.session.get(Registration, waiting.id).status == "confirmed"
    promoted = db.session.scalars(
        select(OutboxMail.to_address).where(OutboxMail.category == "registration_promoted")
    ).all()
    assert promoted == [world.other.email]
    # The account: closed, inactive, its address gone; the household closed.
    user = db.session.get(User, world.parent.id)
    assert user.closed_at is not None and not user.active
    assert user.email == f"closed-{user.id}@closed.invalid" and user.phone is None
    assert db.session.get(Household, household_id).closed_at is not None
    [mail] = db.session.scalars(select(OutboxMail).where(OutboxMail.category == "account_closed"))
    assert mail.to_address == email
    assert "Zoë at Camp 2027" in mail.body_text
    assert "leukemia" not in mail.body_text.lower()
    # No mail about the cancellation goes to the closed account.
    assert (
        email
        not in db.session.scalars(
            select(OutboxMail.to_address).where(OutboxMail.category == "registration_cancelled")
        ).all()
    )
    actions = set(db.session.scalars(select(AuditEntry.action)))
    assert {"user.close_account", "household.close", "child.erase_medical"} <= actions
    # No way back in: the session is over, the token refused, the password refused.
    assert client.get("/family").status_code == 302
    assert (
        _count(
            "SELECT count(*) FROM user_sessions WHERE user_id = :u AND ended_at IS NULL", u=user.id
        )
        == 0
    )
    assert Api(client).get("/me", token).status_code == 401
    refused = client.post("/account/login", data={"email": email, "password": PASSWORD})
    assert refused.status_code == 422
    assert (
        Api(client).post("/tokens", json={"email": email, "password": PASSWORD}).status_code == 401
    )


def test_the_closed_page_says_what_was_done(client, world):
    login(client, world.parent)
    _close_through_the_page(client)
    page = client.get("/account/closed").get_data(as_text=True)
    assert "Your account is closed" in page
    assert "Zoë at Camp 2027" in page
    # Kept seven years after the later of the closing day and the last camp attended (the
    # cancelled camp to come does not count: the camp keeps nothing of it).
    kept_until = closure.kept_until(world.parent.household_id, closure_day := timeutil.utcnow())
    assert kept_until.year == closure_day.year + 7
    assert kept_until.strftime("%Y") in page


def test_a_wrong_password_changes_nothing(client, world):
    login(client, world.parent)
    answer = _close_through_the_page(client, "not my password")
    assert answer.status_code == 422
    assert "That is not your password." in answer.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, world.parent.id).active
    assert db.session.get(Child, world.child.id).diagnosis == "Acute lymphoblastic leukemia"
    assert db.session.get(Registration, world.coming_registration.id).status == "confirmed"
    assert client.get("/family").status_code == 200  # still signed in


def test_with_another_guardian_only_the_person_leaves(app, world):
    second = make_user((Role.PARENT,), name="Sam Second", household=False)
    second.household_id = world.parent.household_id
    db.session.commit()
    with app.test_request_context():
        preview = closure.closure_preview(db.session.get(User, world.parent.id))
        assert preview["last_guardian"] is False and preview["other_guardians"] == ["Sam Second"]
        done = closure.close_account(db.session.get(User, world.parent.id), PASSWORD)
    assert done.household_closed is False
    db.session.expire_all()
    leaver = db.session.get(User, world.parent.id)
    assert leaver.household_id is None and not leaver.active
    assert db.session.get(Child, world.child.id).diagnosis == "Acute lymphoblastic leukemia"
    assert db.session.get(Registration, world.coming_registration.id).status == "confirmed"
    assert db.session.get(Household, world.child.household_id).closed_at is None

    with app.test_request_context():
        done = closure.close_account(db.session.get(User, second.id), PASSWORD)
    assert done.household_closed is True
    db.session.expire_all()
    assert db.session.get(Child, world.child.id).diagnosis == ""
    assert db.session.get(Registration, world.coming_registration.id).status == "cancelled"


def test_a_staff_account_cannot_be_closed_here(app, app_ctx):
    both = make_user((Role.PARENT, Role.COORDINATOR))
    with app.test_request_context(), pytest.raises(NotAllowed):
        closure.close_account(both, PASSWORD)
    assert db.session.get(User, both.id).active


def test_a_family_without_registrations_closes_too(app, app_ctx):
    parent, child, _contact = build_family()
    with app.test_request_context():
        done = closure.close_account(parent, PASSWORD)
    assert done.household_closed and done.cancelled == [] and done.kept_until is None
    assert db.session.get(Child, child.id).allergies == ""
    assert db.session.scalar(select(UserSession.id).where(UserSession.user_id == parent.id)) is None


def test_the_confirmation_speaks_the_parents_language(app, app_ctx):
    parent, _child, _contact = build_family()
    parent.locale = "es"
    db.session.commit()
    with app.test_request_context():
        closure.close_account(parent, PASSWORD)
    [mail] = db.session.scalars(select(OutboxMail).where(OutboxMail.category == "account_closed"))
    assert mail.subject == "Su cuenta está cerrada"
    assert "Los datos médicos de sus hijos están borrados" in mail.body_text
