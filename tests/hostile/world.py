"""One small camp world in which every form of the app has something to act on: a family with
a patient and a sibling, contacts and a pending invitation; a camp under review with a queue,
a waitlist and a cabin; an overnight camp running today with a child checked in; a failed mail;
tokens for the signed-out pages. Built once per test, then restored from a copy of the
database file after every request that may have changed it."""

import re
import shutil
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from camp_app.accounts import services as account_services
from camp_app.attendance import actions
from camp_app.extensions import db
from camp_app.families.invites import invite_guardian
from camp_app.health_center.visits import record_visit
from camp_app.notifications.models import MailStatus, OutboxMail
from camp_app.roles import Role
from camp_app.timeutil import camp_today
from tests.factories import (
    PASSWORD,
    make_child,
    make_contact,
    make_event,
    make_group,
    make_registration,
    make_user,
)
from tests.support.outside_requests import data

MEDICATIONS = [
    {"name": "Ondansetron", "dose": "4 mg", "schedule": "with breakfast"},  # as needed
    {"name": "Hydroxyurea", "dose": "500 mg", "schedule": "twice", "times": ["00:00", "23:59"]},
]


@dataclass
class World:
    emails: dict[str, str] = field(default_factory=dict)  # role name -> email
    slugs: dict[str, str] = field(default_factory=dict)
    ids: dict[str, int] = field(default_factory=dict)
    day: str = ""  # today at the running camp, as in its URLs
    tokens: dict[str, str] = field(default_factory=dict)  # reset, verify, invite
    password: str = PASSWORD


def _token_in_latest_mail(address: str, pattern: str) -> str:
    mail = db.session.scalar(
        db.select(OutboxMail).where(OutboxMail.to_address == address).order_by(OutboxMail.id.desc())
    )
    return re.search(pattern, mail.body_text).group(1)


def _people(world: World) -> dict:
    people = {
        "parent": make_user((Role.PARENT,), name="Ana Rivera"),
        "invitee": make_user((Role.PARENT,), name="Luis Rivera"),
        "coordinator": make_user((Role.COORDINATOR,), name="Carlos Mendez"),
        "staff": make_user((Role.STAFF,), name="Grace Okafor"),
        "nurse": make_user((Role.NURSE,), name="Nadia Brooks"),
        "admin": make_user((Role.ADMIN,), name="Priya Shah"),
        "visitor": make_user((Role.PARENT,), name="Vera Visitor"),
        "everyone": make_user(
            (Role.PARENT, Role.COORDINATOR, Role.STAFF, Role.ADMIN), name="Eve Everyone"
        ),
        "unverified": make_user((Role.PARENT,), name="Una Unverified", verified=False),
    }
    world.emails = {role: user.email for role, user in people.items()}
    return people


def _family(world: World, parent):
    household = parent.household
    patient = make_child(household, first_name="Maya", medications=MEDICATIONS)
    sibling = make_child(
        household,
        first_name="Leo",
        relationship="sibling",
        diagnosis_category=None,
        date_of_birth=date(2014, 3, 2),
    )
    emergency = make_contact(household, "emergency")
    pickup = make_contact(household, "pickup", name="Tio Juan", relationship="uncle")
    pickup.children = [patient]
    db.session.commit()
    world.ids.update(
        patient=patient.id, sibling=sibling.id, emergency=emergency.id, pickup=pickup.id
    )
    return patient, sibling, pickup


def _other_child(name: str):
    other = make_user((Role.PARENT,), name=f"{name} Parent")
    child = make_child(other.household, first_name=name, medications=MEDICATIONS)
    make_contact(other.household, "pickup", name=f"{name} Pickup", relationship="aunt")
    return other, child


def _review_camp(world: World, parent, patient, sibling):
    camp = make_event(
        slug="camp-review",
        requires_review=True,
        requires_verification=True,
        capacity=3,
        audience="patients_and_siblings",
    )
    world.slugs["review"] = camp.slug
    pending = make_registration(camp, patient, parent, "pending_review")
    make_registration(camp, sibling, parent, "confirmed")
    signer, kid = _other_child("Zoe")
    waiting = make_registration(camp, kid, signer, "waitlisted")
    signer, kid = _other_child("Ian")
    confirmed = make_registration(camp, kid, signer, "confirmed")
    group = make_group(camp, members=[confirmed])
    world.ids.update(pending=pending.id, waitlisted=waiting.id, group=group.id)


def _running_camp(world: World, parent, patient, staff):
    today = camp_today()
    camp = make_event(
        slug="camp-running",
        kind="overnight_camp",  # the medication log is kept for overnight camps
        starts_on=today - timedelta(days=1),
        ends_on=today + timedelta(days=2),
        registration_opens_at=datetime.now(UTC) - timedelta(days=30),
        registration_closes_at=datetime.now(UTC) - timedelta(days=2),
    )
    world.slugs["running"] = camp.slug
    world.day = today.isoformat()
    mine = make_registration(camp, patient, parent, "confirmed")
    signer, kid = _other_child("Ben")
    present = make_registration(camp, kid, signer, "confirmed")
    actions.check_in(staff, camp, present.id, today)
    visit = record_visit(
        staff,
        camp,
        {"registration_id": present.id, "complaint": "Headache", "disposition": "observed"},
    )
    world.ids.update(running_mine=mine.id, running_present=present.id, visit=visit.id)


def _open_camp(world: World, parent, patient):
    camp = make_event(slug="camp-open")
    world.slugs["open"] = camp.slug
    cancellable = make_event(slug="camp-later")
    world.slugs["later"] = cancellable.slug
    registration = make_registration(cancellable, patient, parent, "confirmed")
    world.ids["cancellable"] = registration.id


def _mail_and_tokens(world: World, people):
    failed = db.session.scalar(db.select(OutboxMail).order_by(OutboxMail.id))
    if failed is None:
        failed = OutboxMail(
            message_id="<fuzz@camp.test>",
            category="test",
            to_address=people["parent"].email,
            subject="Hello",
            body_text="Hello",
            body_html="<p>Hello</p>",
        )
        db.session.add(failed)
    failed.status = MailStatus.FAILED
    db.session.commit()
    world.ids["failed_mail"] = failed.id
    account_services.request_password_reset(people["visitor"].email)
    world.tokens["reset"] = _token_in_latest_mail(
        people["visitor"].email, r"/account/reset/([^\s\"<]+)"
    )
    account_services.resend_verification(people["unverified"].email)
    world.tokens["verify"] = _token_in_latest_mail(
        people["unverified"].email, r"/account/verify/([^\s\"<]+)"
    )
    invite_guardian(people["parent"], people["invitee"].email)
    world.tokens["invite"] = _token_in_latest_mail(
        people["invitee"].email, r"/family/invite/([^\s\"<]+)"
    )
    invite_guardian(people["parent"], "grandma@example.org")


def build_world(app) -> World:
    world = World()
    with app.test_request_context("/"), data(app):
        people = _people(world)
        patient, sibling, _pickup = _family(world, people["parent"])
        everyone_child = make_child(people["everyone"].household, first_name="Evan")
        world.ids["everyone_child"] = everyone_child.id
        _review_camp(world, people["parent"], patient, sibling)
        _running_camp(world, people["parent"], patient, people["staff"])
        _open_camp(world, people["parent"], patient)
        _mail_and_tokens(world, people)
    return world


class Snapshot:
    """A copy of the app's SQLite file, put back whenever a request may have changed data."""

    def __init__(self, app, folder: Path):
        self.app = app
        self.database = Path(app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///"))
        self.copy = folder / "snapshot.sqlite3"
        self._close_connections()
        shutil.copyfile(self.database, self.copy)

    def _close_connections(self) -> None:
        with self.app.app_context():
            db.session.remove()
            db.engine.dispose()

    def restore(self) -> None:
        self._close_connections()
        shutil.copyfile(self.copy, self.database)
