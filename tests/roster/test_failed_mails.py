"""Mails that could not be delivered show where a coordinator looks: a count with "send them
again" on the event's dashboard, and a flag (and a filter) on the roster's rows."""

import re

import pytest
from sqlalchemy import select

from camp_app.audit.models import AuditEntry
from camp_app.extensions import db
from camp_app.notifications.models import MailStatus, OutboxMail
from camp_app.registrations import mails
from camp_app.registrations.models import Registration
from camp_app.roles import Role
from tests.factories import make_event
from tests.roster.test_roster_page_data import add, add_many, page_text, sign_in_as
from tests.support.queries import statements_for


def dashboard(event) -> str:
    return f"/manage/events/{event.slug}/dashboard"


def roster(event, query: str = "") -> str:
    return f"/manage/events/{event.slug}/roster" + (f"?{query}" if query else "")


def send_again(event) -> str:
    return f"/manage/events/{event.slug}/mails/send-again"


def fail_mails_about(registration, kind="confirmed") -> list[OutboxMail]:
    """The registration's `kind` mail to each guardian, queued for real, then given up on."""
    mails.notify(registration, kind)
    db.session.flush()
    queued = db.session.scalars(
        select(OutboxMail).where(
            OutboxMail.registration_id == registration.id,
            OutboxMail.status == MailStatus.PENDING,
        )
    ).all()
    assert queued, "the guardian gets no mail: is their address verified?"
    for mail in queued:
        mail.status, mail.attempts = MailStatus.FAILED, 30
        mail.last_error = "SMTPRecipientsRefused: 550 no such user"
    db.session.commit()
    return list(queued)


def rows_flagged(text: str) -> dict[str, bool]:
    """First name -> whether the row carries the "Mail not delivered" flag."""
    rows = re.findall(r'<tr id="registration-\d+">(.*?)</tr>', text, re.S)
    found = {}
    for row in rows:
        name = re.search(r", (\w+)", row).group(1)
        found[name] = "Mail not delivered" in row
    return found


@pytest.fixture
def camp(app_ctx):
    event = make_event(capacity=10)
    ada = add(event, "Ada")
    ben = add(event, "Ben")
    add(event, "Cleo")
    other = make_event()
    fail_mails_about(add(other, "Otto"))  # another event's trouble is not this one's
    return event, ada, ben


def test_the_dashboard_counts_the_events_failed_mails(camp, client):
    event, ada, ben = camp
    fail_mails_about(ada)
    fail_mails_about(ben, "received")
    sign_in_as(client, Role.COORDINATOR)

    text = page_text(client.get(dashboard(event)))

    assert "2 mails to families could not be delivered" in text
    assert f'action="{send_again(event)}"' in text
    assert f'href="{roster(event, "mail=failed")}"' in text


def test_no_failed_mail_no_line(camp, client):
    event, _ada, _ben = camp
    sign_in_as(client, Role.COORDINATOR)
    text = page_text(client.get(dashboard(event)))
    assert "could not be delivered" not in text
    assert send_again(event) not in text


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.ADMIN])
def test_send_them_again_requeues_this_events_failed_mails_audited(camp, client, role):
    event, ada, ben = camp
    failed = fail_mails_about(ada) + fail_mails_about(ben)
    person = sign_in_as(client, role)

    response = client.post(send_again(event), follow_redirects=True)

    assert "2 mails will be sent again at the next delivery run." in page_text(response)
    db.session.expire_all()
    for mail in failed:
        again = db.session.get(OutboxMail, mail.id)
        assert (again.status, again.attempts, again.interruptions) == (MailStatus.PENDING, 0, 0)
        assert again.retrying_since is not None
    others = db.session.scalars(select(OutboxMail.status).where(OutboxMail.event_id != event.id))
    assert set(others) == {MailStatus.FAILED}
    entries = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "outbox.retry")
    ).all()
    assert sorted(e.entity_id for e in entries) == sorted(m.id for m in failed)
    assert {e.actor_id for e in entries} == {person.id}
    assert "could not be delivered" not in page_text(client.get(dashboard(event)))


@pytest.mark.parametrize("role", [Role.PARENT, Role.STAFF])
def test_others_cannot_send_them_again(camp, client, role):
    event, ada, _ben = camp
    [mail] = fail_mails_about(ada)
    sign_in_as(client, role)
    assert client.post(send_again(event)).status_code == 403
    db.session.expire_all()
    assert db.session.get(OutboxMail, mail.id).status == MailStatus.FAILED


def test_the_roster_flags_the_rows_whose_mail_failed_and_filters_them(camp, client):
    event, ada, _ben = camp
    fail_mails_about(ada)
    sign_in_as(client, Role.COORDINATOR)

    everyone = rows_flagged(page_text(client.get(roster(event))))
    only_failed = rows_flagged(page_text(client.get(roster(event, "mail=failed"))))

    assert everyone == {"Ada": True, "Ben": False, "Cleo": False}
    assert only_failed == {"Ada": True}


def test_a_sent_mail_is_no_flag(camp, client):
    event, ada, _ben = camp
    [mail] = fail_mails_about(ada)
    mail.status = MailStatus.SENT  # sent again, and delivered this time
    db.session.commit()
    sign_in_as(client, Role.COORDINATOR)
    assert rows_flagged(page_text(client.get(roster(event))))["Ada"] is False


def test_an_unknown_mail_filter_is_refused_with_a_message(camp, client):
    event, _ada, _ben = camp
    sign_in_as(client, Role.COORDINATOR)
    text = page_text(client.get(roster(event, "mail=bounced")))
    assert "Unknown mail state." in text
    assert set(rows_flagged(text)) == {"Ada", "Ben", "Cleo"}  # unfiltered, as the page says


def test_the_flag_costs_no_statement(app_ctx, client):
    """The roster runs its 8 statements for a page, with a failed mail on every row or none."""
    sign_in_as(client, Role.COORDINATOR)
    event = make_event(capacity=40)
    add_many(event, 60, first="K", statuses=("confirmed", "waitlisted"), guardians=2)
    before = statements_for(client, roster(event))
    query = select(Registration).where(Registration.event_id == event.id)
    for registration in db.session.scalars(query).all():
        db.session.add(failed_mail_for(registration))
    db.session.commit()

    # 7 to read the page (the session comes with its user's roles), and the INSERT of its
    # audit entry (issue 12)
    assert before == 8
    assert statements_for(client, roster(event)) == before
    assert statements_for(client, roster(event, "mail=failed")) == before
    assert "Mail not delivered" in page_text(client.get(roster(event)))


def failed_mail_for(registration) -> OutboxMail:
    return OutboxMail(
        message_id=f"<r{registration.id}@camp.test>",
        category="registration_confirmed",
        to_address="family@example.org",
        subject="Confirmed",
        body_text="",
        body_html="",
        status=MailStatus.FAILED,
        event_id=registration.event_id,
        registration_id=registration.id,
    )
