"""`flask reminders --once` with a clock and a real SMTP server: a reminder before a due date
naming what is missing (once, never when complete), the practical mail a week before camp,
in each family's language, through the outbox; the mail worker sends them too."""

import io
from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from camp_app import timeutil
from camp_app.extensions import db
from camp_app.notifications.models import OutboxMail
from camp_app.readiness import documents
from camp_app.readiness.models import SentReminder
from camp_app.readiness.reminders import send_due_reminders
from tests.readiness.conftest import PDF
from tests.support.smtp import smtp_app_config, smtp_server  # noqa: F401


@pytest.fixture
def app_config(documents_folder, smtp_app_config):  # noqa: F811
    return {"DOCUMENT_STORAGE_URL": documents_folder.as_uri(), **smtp_app_config}


class Clock:
    def __init__(self):
        self.now = datetime(2027, 5, 1, 15, 0, tzinfo=UTC)

    def __call__(self):
        return self.now

    def set(self, year, month, day, hour=15):
        self.now = datetime(year, month, day, hour, 0, tzinfo=UTC)


@pytest.fixture
def clock(monkeypatch):
    clock = Clock()
    monkeypatch.setattr(timeutil, "utcnow", clock)
    return clock


def _reminders(runner):
    result = runner.invoke(args=["reminders", "--once"])
    assert result.exit_code == 0, result.output
    return result.output


def _deliver(runner):
    result = runner.invoke(args=["mail-worker", "--once"])
    assert result.exit_code == 0, result.output


def _messages(smtp_server, to):  # noqa: F811
    return [m for m in smtp_server.messages if m["To"] == to]


def _accept(world, key):
    document = documents.upload_document(
        world.parent, world.child.id, key, io.BytesIO(PDF), "a.pdf"
    )
    documents.review_document(world.nurse, document.id, {"action": "accept"})


def test_nothing_is_due_long_before_camp(world, clock, runner, smtp_server):  # noqa: F811
    assert "0 about missing documents, 0 practical" in _reminders(runner)
    assert db.session.scalar(select(SentReminder.id)) is None


def test_a_reminder_before_the_due_date_names_what_is_missing_once(
    world,
    clock,
    runner,
    smtp_server,  # noqa: F811
):
    world.other_parent.locale = "es"
    db.session.commit()
    clock.set(2027, 5, 9)  # the physician's form is due on 2027-05-15
    assert "2 about missing documents" in _reminders(runner)
    assert "0 about missing documents" in _reminders(runner)  # never twice
    _deliver(runner)
    [english] = _messages(smtp_server, world.parent.email)
    text = english.get_body(("plain",)).get_content()
    assert "Documents needed for Maya" in english["Subject"]
    assert "Physician's clearance" in text
    assert "Immunization record" not in text  # due later
    assert f"/family/children/{world.child.id}/documents" in text
    assert "ALL" not in text  # never a diagnosis
    [spanish] = _messages(smtp_server, world.other_parent.email)
    assert "Hola" in spanish.get_body(("plain",)).get_content()


def test_no_reminder_once_complete_and_the_next_due_date_names_all_still_missing(
    world,
    clock,
    runner,
    smtp_server,  # noqa: F811
):
    clock.set(2027, 5, 20)
    _accept(world, "physician_form")
    _accept(world, "immunizations")
    clock.set(2027, 5, 25)  # immunizations due on 2027-05-31
    assert "1 about missing documents" in _reminders(runner)  # Omar's family only
    _deliver(runner)
    assert _messages(smtp_server, world.parent.email) == []
    [mail] = _messages(smtp_server, world.other_parent.email)
    text = mail.get_body(("plain",)).get_content()
    assert "Physician's clearance" in text and "Immunization record" in text


def test_a_rejected_document_is_chased(world, clock, runner, smtp_server):  # noqa: F811
    document = documents.upload_document(
        world.parent, world.child.id, "physician_form", io.BytesIO(PDF), "a.pdf"
    )
    documents.review_document(world.nurse, document.id, {"action": "reject", "note": "Blurry"})
    clock.set(2027, 5, 10)
    _reminders(runner)
    reminder = db.session.scalar(
        select(OutboxMail).where(
            OutboxMail.category == "documents_reminder",
            OutboxMail.to_address == world.parent.email,
        )
    )
    assert "asked for it again" in reminder.body_text


def test_the_practical_mail_a_week_before_camp(world, clock, runner, smtp_server):  # noqa: F811
    world.registration.status = "pending_review"  # only confirmed children are expected
    db.session.commit()
    clock.set(2027, 6, 8)
    output = _reminders(runner)
    assert "1 practical mails" in output
    assert "0 practical mails" in _reminders(runner)
    _deliver(runner)
    [mail] = [
        m for m in _messages(smtp_server, world.other_parent.email) if "starts soon" in m["Subject"]
    ]
    text = mail.get_body(("plain",)).get_content()
    assert "Sunday 2 pm at the main lodge." in text
    assert "Sleeping bag, sunscreen, a flashlight." in text
    assert "(305) 555-0199" in text
    practical = [
        m for m in _messages(smtp_server, world.parent.email) if "starts soon" in m["Subject"]
    ]
    assert practical == []


def test_nothing_after_camp_has_started(world, clock, runner, smtp_server):  # noqa: F811
    clock.set(2027, 6, 15)
    assert "0 about missing documents, 0 practical" in _reminders(runner)


def test_the_mail_worker_sends_them_without_a_cron_job(world, clock, runner, smtp_server):  # noqa: F811
    clock.set(2027, 5, 9)
    _deliver(runner)  # mail-worker --once: reminders first, then the outbox
    assert len(_messages(smtp_server, world.parent.email)) == 1


def test_the_ledger_refuses_the_same_reminder_twice(world, clock, app):
    clock.set(2027, 5, 9)
    first = send_due_reminders()
    second = send_due_reminders()
    assert (first.documents, second.documents) == (2, 0)
    rows = db.session.scalars(select(SentReminder)).all()
    assert sorted((r.kind, r.occasion) for r in rows) == [("documents", "2027-05-15")] * 2
    # Whatever the code does (two workers racing past the check), the key holds.
    db.session.add(
        SentReminder(
            registration_id=rows[0].registration_id, kind="documents", occasion="2027-05-15"
        )
    )
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_a_spanish_reader_gets_the_camp_by_its_spanish_name(world, clock, runner, smtp_server):  # noqa: F811
    world.other_parent.locale = "es"
    world.event.translations = {"es": {"name": "Campamento de Verano"}}
    world.registration.status = "pending_review"  # only the other family's child is expected
    db.session.commit()
    clock.set(2027, 5, 9)
    _reminders(runner)
    clock.set(2027, 6, 8)
    _reminders(runner)
    _deliver(runner)
    spanish = _messages(smtp_server, world.other_parent.email)
    assert len(spanish) == 2  # the documents reminder and the practical mail
    for mail in spanish:
        assert "Campamento de Verano" in mail["Subject"]
        assert "Campamento de Verano" in mail.get_body(("plain",)).get_content()
    english = [m for m in _messages(smtp_server, world.parent.email)]
    assert english and all(world.event.name in m["Subject"] for m in english)
