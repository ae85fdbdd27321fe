"""The outbox page for admins and coordinators: delivery state, and sending a failed mail again."""

import pytest
from sqlalchemy import select

from camp_app.audit.models import AuditEntry, EntryKind
from camp_app.extensions import db
from camp_app.notifications.delivery import DeliveryReport, deliver_due
from camp_app.notifications.models import MailStatus, OutboxMail
from camp_app.roles import Role
from tests.factories import login, make_user
from tests.notifications.helpers import VERIFY_PATH, queue_test_mail


@pytest.fixture
def failed_mail(app_ctx):
    mail = queue_test_mail("gone@example.org", subject="Your registration")
    mail.status = MailStatus.FAILED
    mail.attempts = 8
    mail.last_error = "SMTPRecipientsRefused: 550 No such user here"
    db.session.commit()
    return mail


def signed_in_client(client, *roles):
    user = make_user(roles=roles)
    assert login(client, user).status_code in (302, 303)
    return user


@pytest.mark.parametrize("role", [Role.ADMIN, Role.COORDINATOR])
def test_admins_and_coordinators_see_delivery_state(client, failed_mail, role):
    signed_in_client(client, role)

    response = client.get("/manage/outbox")

    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "gone@example.org" in page
    assert "Your registration" in page
    assert "SMTPRecipientsRefused: 550 No such user here" in page
    assert f"/manage/outbox/{failed_mail.id}/retry" in page
    assert VERIFY_PATH not in page  # never the mail's content (it may hold a token)


@pytest.mark.parametrize("role", [Role.PARENT, Role.STAFF])
def test_other_roles_are_refused(client, failed_mail, role):
    signed_in_client(client, role)

    assert client.get("/manage/outbox").status_code == 403
    assert client.post(f"/manage/outbox/{failed_mail.id}/retry").status_code == 403
    db.session.expire_all()
    assert db.session.get(OutboxMail, failed_mail.id).status == MailStatus.FAILED


def test_signed_out_visitors_are_sent_to_the_login_page(client, failed_mail):
    response = client.get("/manage/outbox")

    assert response.status_code == 302
    assert "/account/login" in response.headers["Location"]


def test_status_filter_lists_only_that_status(client, failed_mail):
    queue_test_mail("waiting@example.org")
    signed_in_client(client, Role.ADMIN)

    page = client.get("/manage/outbox?status=failed").get_data(as_text=True)

    assert "gone@example.org" in page
    assert "waiting@example.org" not in page


def test_retry_now_makes_a_failed_mail_due_again_and_is_audited(client, failed_mail, smtp_server):
    admin = signed_in_client(client, Role.ADMIN)

    response = client.post(f"/manage/outbox/{failed_mail.id}/retry", follow_redirects=True)

    assert response.status_code == 200
    assert "will be sent at the next delivery run" in response.get_data(as_text=True)
    db.session.expire_all()
    mail = db.session.get(OutboxMail, failed_mail.id)
    assert mail.status == MailStatus.PENDING
    assert mail.attempts == 0
    entry = db.session.scalars(
        select(AuditEntry).where(AuditEntry.entity_type == "outbox_mails")
    ).one()
    assert (entry.actor_id, entry.action, entry.entity_id) == (admin.id, "outbox.retry", mail.id)

    assert deliver_due() == DeliveryReport(sent=1)
    assert smtp_server.message_ids() == [mail.message_id]


def test_a_sent_mail_cannot_be_sent_again(client, failed_mail):
    failed_mail.status = MailStatus.SENT
    db.session.commit()
    signed_in_client(client, Role.COORDINATOR)

    response = client.post(f"/manage/outbox/{failed_mail.id}/retry", follow_redirects=True)

    assert "Only failed or waiting mails can be sent again." in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(OutboxMail, failed_mail.id).status == MailStatus.SENT


def test_retrying_an_unknown_mail_is_not_found(client, app_ctx):
    signed_in_client(client, Role.ADMIN)

    assert client.post("/manage/outbox/999/retry").status_code == 404


def fail(mail: OutboxMail) -> OutboxMail:
    mail.status = MailStatus.FAILED
    db.session.commit()
    return mail


def test_the_page_counts_every_failed_mail_and_sends_them_all_again(
    client, failed_mail, smtp_server
):
    other = fail(queue_test_mail("moved@example.org"))
    waiting = queue_test_mail("waiting@example.org")
    admin = signed_in_client(client, Role.ADMIN)

    page = client.get("/manage/outbox?status=sent").get_data(as_text=True)
    assert "2 mails could not be delivered" in page
    assert 'action="/manage/outbox/send-failed-again"' in page

    response = client.post("/manage/outbox/send-failed-again", follow_redirects=True)

    text = response.get_data(as_text=True)
    assert "2 mails will be sent again at the next delivery run." in text
    assert "could not be delivered" not in text
    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "outbox.retry"))
    assert sorted((e.entity_id, e.actor_id) for e in entries) == [
        (failed_mail.id, admin.id),
        (other.id, admin.id),
    ]
    assert deliver_due() == DeliveryReport(sent=3)
    assert sorted(smtp_server.message_ids()) == sorted(
        m.message_id for m in (failed_mail, other, waiting)
    )


def test_sending_failed_mails_again_when_there_are_none_changes_nothing(client, app_ctx):
    signed_in_client(client, Role.COORDINATOR)
    response = client.post("/manage/outbox/send-failed-again", follow_redirects=True)
    assert "No mail is waiting to be sent again." in response.get_data(as_text=True)
    changes = select(AuditEntry).where(AuditEntry.kind == EntryKind.CHANGE)  # not the sign-in
    assert db.session.scalars(changes).all() == []


@pytest.mark.parametrize("role", [Role.PARENT, Role.STAFF])
def test_other_roles_cannot_send_every_failed_mail_again(client, failed_mail, role):
    signed_in_client(client, role)
    assert client.post("/manage/outbox/send-failed-again").status_code == 403
    db.session.expire_all()
    assert db.session.get(OutboxMail, failed_mail.id).status == MailStatus.FAILED
