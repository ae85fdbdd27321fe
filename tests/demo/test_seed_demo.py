"""`flask seed-demo`: the demo camps, one account per role and a demo family; safe to repeat."""

import re
from datetime import UTC, date, datetime

import pytest

from camp_app.accounts.models import User, UserRole
from camp_app.accounts.passwords import hash_password, verify_password
from camp_app.audit.models import AuditEntry
from camp_app.demo import this_week
from camp_app.events import services
from camp_app.events.models import Event
from camp_app.extensions import db
from camp_app.families.models import Child, Contact, Household, Medication
from camp_app.registrations import event_seats
from camp_app.registrations.models import Registration
from camp_app.roster.models import CampGroup
from camp_app.timeutil import age_on
from tests.factories import login

DEMO_EMAILS = {
    "parent": "parent@example.org",
    "coordinator": "coordinator@example.org",
    "staff": "staff@example.org",
    "nurse": "nurse@example.org",
    "admin": "admin@example.org",
}
# The hospital's launch day for the demo: registration must be open then.
DEMO_DAY = datetime(2026, 11, 25, 15, 0, tzinfo=UTC)


SMALL_DEMO = 3  # families: enough to see them, few enough to keep these tests quick


@pytest.fixture
def app_config() -> dict:
    return {"DEMO_FAMILY_COUNT": SMALL_DEMO}


def seed(runner) -> str:
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    return result.output


def printed_passwords(output: str) -> dict[str, str]:
    """{email: password} from the command's login lines."""
    return dict(re.findall(r"^\s+\w+\s+(\S+@example\.org)\s+(demo-\S+)$", output, re.M))


def counts() -> dict[str, int]:
    db.session.expire_all()
    models = (User, UserRole, Event, Household, Child, Contact, Medication, AuditEntry)
    return {
        m.__name__: db.session.scalar(db.select(db.func.count()).select_from(m)) for m in models
    }


def event(slug: str) -> Event:
    db.session.expire_all()
    return db.session.scalar(db.select(Event).where(Event.slug == slug))


def user(email: str) -> User:
    db.session.expire_all()
    return db.session.scalar(db.select(User).where(User.email == email))


def test_running_twice_duplicates_nothing(app_ctx, runner):
    seed(runner)
    first = counts()

    seed(runner)

    assert counts() == first
    # The two hospital camps and the camp of this week (with its own families).
    assert first["Event"] == 3 and first["User"] == 5 + SMALL_DEMO + len(this_week.CAMPERS)
    assert first["Child"] >= 2 + SMALL_DEMO  # every demo family has a patient, some siblings


def test_demo_camps_have_a_review_queue_decisions_and_a_waitlist(app, app_ctx, runner):
    app.config["DEMO_FAMILY_COUNT"] = 40
    seed(runner)

    by_status = {
        (slug, status): n
        for slug, status, n in db.session.execute(
            db.select(Event.slug, Registration.status, db.func.count())
            .join(Registration.event)
            .group_by(Event.slug, Registration.status)
        )
    }
    assert by_status[("camp-uots", "confirmed")] == 25
    assert by_status[("camp-uots", "declined")] == 1
    assert by_status[("camp-uots", "pending_review")] > 0
    assert by_status[("bear-hug", "confirmed")] == 30  # full
    assert by_status[("bear-hug", "waitlisted")] > 0
    cabins = db.session.scalars(
        db.select(CampGroup).where(CampGroup.event_id == event("camp-uots").id)
    )
    assert {cabin.name for cabin in cabins} >= {"Bears", "Owls", "Hawks"}
    assigned = db.select(db.func.count()).where(Registration.group_id.is_not(None))
    assert db.session.scalar(assigned) > 0


def test_prints_where_to_log_in_and_logins_that_work(app, app_ctx, runner):
    output = seed(runner)

    assert f"{app.config['BASE_URL']}/account/login" in output
    assert "DEMO ONLY" in output
    passwords = printed_passwords(output)
    assert set(passwords) == set(DEMO_EMAILS.values())
    for email, password in passwords.items():
        response = login(app.test_client(), user(email), password=password)
        assert response.status_code == 302, email
    assert printed_passwords(seed(runner)) == passwords  # the same on every run


def test_one_verified_account_per_role(app_ctx, runner):
    seed(runner)

    for role, email in DEMO_EMAILS.items():
        account = user(email)
        assert account.roles == {role}
        assert account.is_verified


def test_the_two_demo_camps(app_ctx, runner):
    seed(runner)

    uots, bear_hug = event("camp-uots"), event("bear-hug")
    assert (uots.name, uots.kind, uots.capacity) == ("Camp U.O.T.S.", "overnight_camp", 60)
    assert (uots.min_age, uots.max_age, uots.audience) == (7, 16, "patients")
    assert uots.diagnosis_categories == ["cancer", "blood_disorder"]
    assert uots.treated_at_hospital_required and uots.requires_review and uots.waitlist_enabled
    assert (uots.ends_on - uots.starts_on).days == 6 and uots.starts_on.year == 2027
    assert (bear_hug.name, bear_hug.kind, bear_hug.capacity) == ("Bear Hug", "day_camp", 30)
    assert (bear_hug.min_age, bear_hug.max_age, bear_hug.audience) == (5, 14, "siblings")
    assert bear_hug.diagnosis_categories == ["cancer"] and bear_hug.waitlist_enabled
    assert bear_hug.starts_on.year == 2027 and bear_hug.starts_on.month in (6, 7, 8)
    for camp in (uots, bear_hug):
        assert camp.published
        assert services.registration_state(camp, DEMO_DAY) == "open"
        assert camp.registration_closes_at.year == 2027 and camp.registration_closes_at.month <= 5
    listed = [e.slug for e in services.published_events(now=DEMO_DAY)]
    assert [slug for slug in listed if slug != this_week.SLUG] == ["camp-uots", "bear-hug"]
    # The hospital's three documents everywhere; Camp U.O.T.S. adds its own, in both languages.
    assert [d.key for d in bear_hug.active_documents] == [
        "medical_treatment",
        "liability_waiver",
        "photo_release",
    ]
    (lake,) = [d for d in uots.active_documents if d.key == "lake_swimming"]
    assert lake.required and lake.current.title_es == "Nadar en Pine Lake"
    signed = db.session.scalars(
        db.select(Registration).where(Registration.event_id == uots.id).limit(1)
    ).one()
    assert "lake_swimming" in {a.document_version.document.key for a in signed.signing.answers}


def test_the_demo_family(app_ctx, runner):
    seed(runner)

    household = user("parent@example.org").household
    children = {c.relationship: c for c in household.children}
    patient, sibling = children["patient"], children["sibling"]
    assert patient.diagnosis_category == "cancer" and patient.treated_at_hospital
    assert age_on(patient.date_of_birth, date(2026, 11, 25)) == 10
    assert age_on(sibling.date_of_birth, date(2026, 11, 25)) == 8
    assert sorted(c.kind for c in household.contacts) == ["emergency", "pickup"]


def test_a_changed_password_is_never_overwritten_nor_printed(app_ctx, runner):
    demo_password = printed_passwords(seed(runner))["parent@example.org"]
    parent = user("parent@example.org")
    parent.password_hash = hash_password("my very own new password")
    db.session.commit()

    output = seed(runner)

    parent = user("parent@example.org")
    assert verify_password(parent.password_hash, "my very own new password")
    assert "parent@example.org" not in printed_passwords(output)
    assert demo_password not in output
    assert re.search(r"parent@example\.org\s+\(no longer the demo password; not shown\)", output)


def test_an_edited_demo_camp_is_left_as_it_is(app_ctx, runner):
    seed(runner)
    event_seats.update_event(None, event("camp-uots"), {"capacity": 45})

    seed(runner)

    assert event("camp-uots").capacity == 45
    assert db.session.scalar(db.select(db.func.count(Event.id))) == 3


@pytest.mark.parametrize("email", ["parent@example.org", "admin@example.org"])
def test_demo_passwords_differ_between_installations(app, app_ctx, runner, email):
    from camp_app.demo.seed import demo_password

    mine = demo_password(email)
    app.config["SECRET_KEY"] = "another installation"

    assert demo_password(email) != mine
    assert len(mine) >= app.config["PASSWORD_MIN_LENGTH"]
