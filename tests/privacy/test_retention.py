"""The retention policy, applied by `flask privacy purge` and the mail worker, with the app's
clock moved: a dry run lists and changes nothing; a real run erases exactly what is past its
period."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select, text

from camp_app.accounts.models import User
from camp_app.attendance.models import AttendanceRecord
from camp_app.audit.models import AuditEntry
from camp_app.extensions import db
from camp_app.families.models import Child, Contact, Household, Medication
from camp_app.health_center.models import DoseRecord
from camp_app.notifications.models import OutboxMail
from camp_app.privacy import closure
from camp_app.privacy.policy import years_after
from camp_app.registrations.models import Registration
from camp_app.roles import Role
from tests.factories import PASSWORD, make_user

TABLES = (
    User,
    Household,
    Child,
    Medication,
    Contact,
    Registration,
    AttendanceRecord,
    DoseRecord,
    OutboxMail,
    AuditEntry,
)


def _snapshot() -> dict:
    db.session.expire_all()
    counts = {
        m.__tablename__: db.session.scalar(select(func.count()).select_from(m)) for m in TABLES
    }
    names = db.session.execute(text("SELECT id, name, email FROM users ORDER BY id")).all()
    return {"counts": counts, "users": names}


def _purge(runner, *args):
    result = runner.invoke(args=["privacy", "purge", *args])
    assert result.exit_code == 0, result.output
    return result.output


def _line(output: str, name: str) -> str:
    [line] = [line for line in output.splitlines() if f"({name})" in line]
    return line


def _close(app, user_id):
    with app.test_request_context():
        return closure.close_account(db.session.get(User, user_id), PASSWORD)


def test_a_closed_households_records_are_kept_for_the_period_then_erased(app, runner, clock, world):
    child_id, coming_id = world.child.id, world.coming_registration.id
    done = _close(app, world.parent.id)
    household_id = world.parent.household_id
    kept_until = done.kept_until
    assert kept_until == years_after(clock.now.date(), 7)  # closed after the last camp

    output = _purge(runner, "--dry-run")
    assert "closed_households): 0 would be erased" in _line(output, "closed_households")

    # The day before the period ends: everything kept.
    clock.advance(days=(kept_until - clock.now.date()).days - 1)
    _purge(runner)
    assert db.session.get(Household, household_id) is not None
    past = world.past_registration.id
    assert db.session.get(Registration, past) is not None

    # Two days later: a dry run lists the household and changes nothing ...
    clock.advance(days=2)
    before = _snapshot()
    output = _purge(runner, "--dry-run")
    assert _line(output, "closed_households").endswith(f"1 would be erased [{household_id}]")
    assert _snapshot() == before

    # ... and a real run erases exactly that household.
    output = _purge(runner)
    assert "1 erased" in _line(output, "closed_households")
    db.session.expire_all()
    assert db.session.get(Household, household_id) is None
    assert db.session.get(Child, child_id) is None
    assert db.session.get(Registration, past) is None
    assert db.session.get(Registration, coming_id) is None
    for model in (AttendanceRecord, DoseRecord):
        assert db.session.scalars(select(model).where(model.registration_id == past)).all() == []
    parent = db.session.get(User, world.parent.id)
    assert parent.name == "" and parent.household_id is None
    # The other family: untouched (its camp records, its child's details).
    other = world.other_registration.id
    assert db.session.get(Registration, other) is not None
    assert db.session.scalars(
        select(AttendanceRecord).where(AttendanceRecord.registration_id == other)
    ).all()
    assert db.session.get(Child, world.other_child.id).diagnosis == "Acute lymphoblastic leukemia"
    assert db.session.get(User, world.other.id).name == "Otto Other"
    # Nothing more to do.
    assert "0 erased" in _line(_purge(runner), "closed_households")


def test_a_household_with_nothing_to_keep_goes_at_the_next_purge(app, runner, clock, app_ctx):
    parent = make_user((Role.PARENT,), name="Nora New")
    household_id = parent.household_id
    _close(app, parent.id)
    assert "1 erased" in _line(_purge(runner), "closed_households")
    assert db.session.get(Household, household_id) is None


def test_accounts_never_confirmed_go_after_30_days(runner, clock, app_ctx):
    unconfirmed = make_user((Role.PARENT,), name="Una Unconfirmed", verified=False)
    confirmed = make_user((Role.PARENT,), name="Cora Confirmed")
    staff = make_user((Role.STAFF,), name="Stan Staff", verified=False)  # an admin's to close
    household_id = unconfirmed.household_id
    clock.advance(days=29)
    assert "0 erased" in _line(_purge(runner), "unverified_accounts")
    clock.advance(days=2)
    output = _purge(runner, "--dry-run")
    assert _line(output, "unverified_accounts").endswith(f"[{unconfirmed.id}]")
    output = _purge(runner)
    assert "1 erased" in _line(output, "unverified_accounts")
    assert "1 erased" in _line(output, "closed_households")  # its empty household, same run
    db.session.expire_all()
    gone = db.session.get(User, unconfirmed.id)
    assert (gone.name, gone.email, gone.active) == ("", f"closed-{gone.id}@closed.invalid", False)
    assert db.session.get(Household, household_id) is None
    assert db.session.get(User, confirmed.id).name == "Cora Confirmed"
    assert db.session.get(User, staff.id).active


def _mail(status, created_at, sent_at=None) -> int:
    n = db.session.scalar(select(func.count()).select_from(OutboxMail)) + 1
    mail = OutboxMail(
        message_id=f"<test-{n}-{status}@example.org>",
        category="test",
        to_address="someone@example.org",
        subject="Hello",
        body_text="Hello",
        body_html="<p>Hello</p>",
        status=status,
        created_at=created_at,
        next_attempt_at=created_at,
        sent_at=sent_at,
    )
    db.session.add(mail)
    db.session.commit()
    return mail.id


@pytest.mark.parametrize(
    ("status", "days", "name"), [("sent", 90, "sent_mails"), ("failed", 180, "failed_mails")]
)
def test_mails_are_kept_for_their_period(runner, clock, app_ctx, status, days, name):
    now = clock.now
    old = _mail(status, now - timedelta(days=days + 1), now - timedelta(days=days + 1))
    recent = _mail(status, now - timedelta(days=days - 1), now - timedelta(days=days - 1))
    pending = _mail("pending", now - timedelta(days=400))  # never purged: still to send
    assert "1 would be erased" in _line(_purge(runner, "--dry-run"), name)
    assert db.session.get(OutboxMail, old) is not None
    assert "1 erased" in _line(_purge(runner), name)
    db.session.expire_all()
    assert db.session.get(OutboxMail, old) is None
    assert db.session.get(OutboxMail, recent) is not None
    assert db.session.get(OutboxMail, pending) is not None


def test_the_audit_log_is_kept_six_years(runner, clock, app_ctx):
    now = clock.now
    for at in (now - timedelta(days=6 * 366), now - timedelta(days=6 * 365 - 2)):
        db.session.add(AuditEntry(at=at, action="test", entity_type="users", fields=[]))
    db.session.commit()
    assert "1 erased" in _line(_purge(runner), "audit_log")
    [kept] = db.session.scalars(select(AuditEntry.at).where(AuditEntry.action == "test"))
    assert kept > now - timedelta(days=6 * 365)


def test_the_mail_worker_applies_the_policy(runner, clock, app_ctx):
    old = _mail("sent", clock.now - timedelta(days=91), clock.now - timedelta(days=91))
    result = runner.invoke(args=["mail-worker", "--once"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert db.session.get(OutboxMail, old) is None


def test_the_periods_come_from_the_config(app, runner, clock, app_ctx):
    app.config["PRIVACY_SENT_MAIL_DAYS"] = 10
    old = _mail("sent", clock.now - timedelta(days=11), clock.now - timedelta(days=11))
    _purge(runner)
    db.session.expire_all()
    assert db.session.get(OutboxMail, old) is None
