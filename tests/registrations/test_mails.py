"""The registration mails: what they say, who gets them, the calendar file, nothing medical.

Delivered through the real outbox worker to a real SMTP server (aiosmtpd)."""

from datetime import date, timedelta

import icalendar
import pytest
from sqlalchemy import select

from camp_app.extensions import db
from camp_app.notifications.delivery import deliver_due
from camp_app.notifications.models import OutboxMail
from camp_app.registrations import lifecycle
from camp_app.registrations.mails import calendar_file
from camp_app.registrations.models import Registration
from tests import factories
from tests.registrations.helpers import (
    fill,
    mails_to,
    make_coordinator,
    make_family,
    make_parent,
    register,
)

MEDICAL = ("Acute lymphoblastic leukemia", "Methotrexate", "25 mg", "Mild asthma", "peanuts")


@pytest.fixture
def app_config(smtp_app_config):
    return smtp_app_config


@pytest.fixture
def ctx(app):
    with app.app_context():
        yield app


def medical_family(**kwargs):
    return make_family(
        diagnosis=MEDICAL[0],
        medications=[{"name": MEDICAL[1], "dose": MEDICAL[2], "schedule": "mornings"}],
        medical_conditions=MEDICAL[3],
        allergies=MEDICAL[4],
        **kwargs,
    )


def every_kind_of_mail():
    """Produce one mail of each kind for families whose children have medical details."""
    review = factories.make_event(
        name="Camp U.O.T.S.", capacity=1, requires_review=True, location="Lake Placid Lodge"
    )
    first_parent, (first,) = medical_family()
    (received,) = register(first_parent, review, [first])  # received
    second_parent, (second,) = medical_family()
    (waiting,) = register(second_parent, review, [second])  # waitlisted
    coordinator = make_coordinator()
    lifecycle.decide(coordinator, received, "decline", "Please call us.")  # declined, promoted
    lifecycle.decide(coordinator, waiting, "approve")  # confirmed
    lifecycle.cancel(second_parent, waiting)  # cancelled
    return review


def test_no_mail_carries_diagnosis_medication_or_other_medical_detail(ctx, smtp_server):
    every_kind_of_mail()
    mails = list(db.session.scalars(select(OutboxMail)))
    assert {m.category for m in mails} == {
        "registration_received",
        "registration_waitlisted",
        "registration_declined",
        "registration_promoted",
        "registration_confirmed",
        "registration_cancelled",
    }
    for mail in mails:
        stored = " ".join(
            [mail.subject, mail.body_text, mail.body_html, *(a["data"] for a in mail.attachments)]
        )
        for detail in MEDICAL:
            assert detail not in stored, (mail.category, detail)
    deliver_due()
    assert len(smtp_server.messages) == len(mails)
    for message in smtp_server.messages:
        raw = message.as_string()
        for detail in MEDICAL:
            assert detail not in raw


def test_each_mail_names_child_event_dates_place_and_how_to_reach_the_camp(ctx):
    every_kind_of_mail()
    for mail in db.session.scalars(select(OutboxMail)):
        for body in (mail.body_text, mail.body_html):
            assert "Kid0" in body, mail.category
            assert "Camp U.O.T.S." in body
            assert "June 14, 2027" in body and "June 19, 2027" in body
            assert "Lake Placid Lodge" in body
            # The number as people read it (camp_app/phones.py).
            assert "camps@hospital.example" in body and "(305) 555-0199" in body
            assert "http://camp.test/registrations" in body
        assert "Kid0" in mail.subject and "Camp U.O.T.S." in mail.subject


def test_an_event_name_ending_in_a_full_stop_does_not_double_it(ctx):
    every_kind_of_mail()  # the event is "Camp U.O.T.S."
    for mail in db.session.scalars(select(OutboxMail)):
        for body in (mail.body_text, mail.body_html):
            assert "U.O.T.S.." not in body, mail.category
            assert "Camp U.O.T.S" in body


def test_what_happens_next_depends_on_the_mail(ctx):
    every_kind_of_mail()
    by_kind = {m.category: m.body_text for m in db.session.scalars(select(OutboxMail))}
    assert "coordinator reviews" in by_kind["registration_received"]
    assert "Position on the waitlist: 1." in by_kind["registration_waitlisted"]
    assert "Please call us." in by_kind["registration_declined"]
    assert "calendar file" in by_kind["registration_confirmed"]
    assert "cancelled" in by_kind["registration_cancelled"]


def test_every_verified_guardian_is_told_and_nobody_else(ctx):
    event = factories.make_event()
    parent, (child,) = make_family()
    partner = make_parent(household=parent.household, locale="es")
    unverified = make_parent(household=parent.household, verified=False)
    outsider, _ = make_family()
    register(parent, event, [child])
    recipients = sorted(db.session.scalars(select(OutboxMail.to_address)))
    assert recipients == sorted([parent.email, partner.email])
    assert mails_to(unverified.email) == [] and mails_to(outsider.email) == []


def test_the_confirmation_carries_a_calendar_file_that_parses(ctx, smtp_server):
    event = factories.make_event(
        name="Bear Hug", starts_on=date(2027, 7, 5), ends_on=date(2027, 7, 9), location="Camp Rd"
    )
    parent, (child,) = make_family()
    (registration,) = register(parent, event, [child])
    (mail,) = mails_to(parent.email, "registration_confirmed")
    (attachment,) = mail.attachments
    assert attachment["filename"] == "camp.ics"
    assert attachment["content_type"] == "text/calendar"
    calendar = icalendar.Calendar.from_ical(attachment["data"])
    (entry,) = calendar.walk("VEVENT")
    assert entry.decoded("dtstart") == date(2027, 7, 5)
    assert entry.decoded("dtend") == date(2027, 7, 9) + timedelta(days=1)  # all day, exclusive
    assert str(entry["summary"]).startswith("Bear Hug")
    assert str(entry["location"]) == "Camp Rd"
    assert str(entry["uid"]) == f"registration-{registration.id}@hospital.example"

    deliver_due()
    (message,) = smtp_server.messages_to(parent.email)
    parts = [p for p in message.iter_attachments() if p.get_content_type() == "text/calendar"]
    assert len(parts) == 1 and parts[0].get_filename() == "camp.ics"
    delivered = icalendar.Calendar.from_ical(parts[0].get_content())
    assert str(delivered.walk("VEVENT")[0]["uid"]) == str(entry["uid"])


def test_the_calendar_uid_is_stable_per_registration(ctx):
    event = factories.make_event(capacity=5)
    first, second = fill(event, 2)
    first = db.session.get(Registration, first.id)
    second = db.session.get(Registration, second.id)

    def uid(registration):
        return str(
            icalendar.Calendar.from_ical(calendar_file(registration)).walk("VEVENT")[0]["uid"]
        )

    assert uid(first) == uid(first)
    assert uid(first) != uid(second)


def test_mails_other_than_confirmations_carry_no_attachment(ctx):
    every_kind_of_mail()
    for mail in db.session.scalars(select(OutboxMail)):
        if mail.category != "registration_confirmed":
            assert mail.attachments == [], mail.category


def test_every_registration_mail_answers_to_the_camp_team(ctx, smtp_server):
    every_kind_of_mail()  # the event's contact address is camps@hospital.example
    mails = list(db.session.scalars(select(OutboxMail)))
    assert {m.reply_to for m in mails} == {"camps@hospital.example"}

    deliver_due()

    assert len(smtp_server.messages) == len(mails)
    for message in smtp_server.messages:
        assert message.get_all("Reply-To") == ["camps@hospital.example"], message["Subject"]
        assert message["From"] == ctx.config["MAIL_DEFAULT_SENDER"]


def test_an_event_without_a_contact_address_gives_no_reply_to(ctx, smtp_server):
    event = factories.make_event(contact_email="")
    parent, (child,) = make_family()
    register(parent, event, [child])
    (mail,) = mails_to(parent.email, "registration_confirmed")
    assert mail.reply_to is None

    deliver_due()

    (message,) = smtp_server.messages_to(parent.email)
    assert message["Reply-To"] is None
