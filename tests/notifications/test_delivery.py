"""Delivering the outbox to a real SMTP server: content, retries, give-ups, crashed workers."""

import socket
from datetime import timedelta

import pytest
from sqlalchemy import delete, func, select

from camp_app.accounts import account_mails
from camp_app.extensions import db
from camp_app.notifications import claims
from camp_app.notifications.delivery import INTERRUPTED_TOO_OFTEN, DeliveryReport, deliver_due
from camp_app.notifications.models import MailStatus, OutboxMail
from camp_app.notifications.services import queue_mail, retry_mail
from camp_app.timeutil import utcnow
from tests.factories import make_user
from tests.notifications.helpers import CALENDAR, TEST_TEMPLATE, VERIFY_PATH, queue_test_mail


def reload(mail: OutboxMail) -> OutboxMail:
    db.session.expire_all()
    return db.session.get(OutboxMail, mail.id)


def outbox_count() -> int:
    return db.session.scalar(select(func.count()).select_from(OutboxMail))


def test_delivered_message_has_both_parts_subject_message_id_and_attachment(app_ctx, smtp_server):
    attachment = {"filename": "camp.ics", "content_type": "text/calendar", "data": CALENDAR}
    mail = queue_test_mail("Parent@Example.org", attachments=[attachment])

    report = deliver_due()

    assert report == DeliveryReport(sent=1)
    [envelope] = smtp_server.envelopes
    assert envelope.rcpt_tos == ["Parent@Example.org"]
    assert envelope.mail_from == app_ctx.config["MAIL_DEFAULT_SENDER"]
    message = envelope.message
    assert message["Subject"] == "Please confirm your address"
    assert message["Message-ID"] == mail.message_id
    assert len(message.get_all("Message-ID")) == 1
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    assert f"http://camp.test{VERIFY_PATH}" in text
    assert f'<a href="http://camp.test{VERIFY_PATH}">' in html
    [ics] = list(message.iter_attachments())
    assert ics.get_content_type() == "text/calendar"
    assert ics.get_filename() == "camp.ics"
    assert "SUMMARY:Camp Señal" in ics.get_content()

    stored = reload(mail)
    assert stored.status == MailStatus.SENT
    assert stored.sent_at is not None
    assert stored.attempts == 1
    assert stored.claim_token is None
    assert stored.last_error is None


def test_reply_to_is_the_rows_address_and_absent_without_one(app_ctx, smtp_server):
    answered = queue_test_mail("family@example.org", reply_to="camps@hospital.example")
    plain = queue_test_mail("other@example.org")
    assert reload(answered).reply_to == "camps@hospital.example"
    assert reload(plain).reply_to is None

    assert deliver_due() == DeliveryReport(sent=2)

    [message] = smtp_server.messages_to("family@example.org")
    assert message.get_all("Reply-To") == ["camps@hospital.example"]
    assert message["From"] == app_ctx.config["MAIL_DEFAULT_SENDER"]  # the sender stays
    [other] = smtp_server.messages_to("other@example.org")
    assert other["Reply-To"] is None


def test_account_mails_have_no_reply_to(app_ctx, smtp_server):
    user = make_user()
    db.session.execute(delete(OutboxMail))  # whatever making the user queued
    account_mails.queue_verification(user)
    account_mails.queue_password_reset(user)
    db.session.commit()
    mails = db.session.scalars(select(OutboxMail)).all()
    assert {m.category for m in mails} == {"account_verify", "password_reset"}
    assert [m.reply_to for m in mails] == [None, None]

    assert deliver_due() == DeliveryReport(sent=2)

    messages = smtp_server.messages_to(user.email)
    assert len(messages) == 2
    assert [m["Reply-To"] for m in messages] == [None, None]


def test_one_smtp_connection_serves_a_whole_batch(app_ctx, smtp_server):
    for n in range(3):
        queue_test_mail(f"family{n}@example.org")

    assert deliver_due() == DeliveryReport(sent=3)

    assert len(smtp_server.envelopes) == 3
    assert smtp_server.handler.greetings == 1


def test_mail_is_written_only_if_the_causing_transaction_commits(app_ctx, smtp_server):
    queue_mail(to="a@example.org", template=TEST_TEMPLATE, subject="S", context={"link": "/"})
    db.session.rollback()

    assert outbox_count() == 0
    assert deliver_due() == DeliveryReport()
    assert smtp_server.envelopes == []

    queue_mail(to="a@example.org", template=TEST_TEMPLATE, subject="S", context={"link": "/"})
    db.session.commit()
    assert outbox_count() == 1


def test_server_down_keeps_mail_pending_then_delivers_it_once_when_back(app_ctx, smtp_server):
    mail = queue_test_mail()
    smtp_server.stop()
    start = utcnow()

    assert deliver_due(now=start) == DeliveryReport(retried=1)
    waiting = reload(mail)
    assert waiting.status == MailStatus.PENDING
    assert waiting.attempts == 1
    assert waiting.last_error == "ConnectionRefusedError: Connection refused"
    first_delay = waiting.next_attempt_at - start
    assert timedelta(seconds=60) <= first_delay <= timedelta(seconds=66)

    # Not due yet: nothing is attempted.
    assert deliver_due(now=start + timedelta(seconds=50)) == DeliveryReport()
    assert reload(mail).attempts == 1

    # Still down at the next attempt: the wait doubles.
    second_try = waiting.next_attempt_at
    assert deliver_due(now=second_try) == DeliveryReport(retried=1)
    waiting = reload(mail)
    assert waiting.attempts == 2
    assert timedelta(seconds=120) <= waiting.next_attempt_at - second_try <= timedelta(seconds=132)

    smtp_server.start()
    assert deliver_due(now=waiting.next_attempt_at) == DeliveryReport(sent=1)
    assert deliver_due(now=waiting.next_attempt_at + timedelta(hours=2)) == DeliveryReport()

    assert smtp_server.message_ids() == [mail.message_id]
    sent = reload(mail)
    assert sent.status == MailStatus.SENT
    assert sent.attempts == 3
    assert sent.last_error is None


def test_permanent_refusal_fails_the_mail_without_retrying(app_ctx, smtp_server):
    smtp_server.refuse("gone@example.org", 550)
    refused = queue_test_mail("gone@example.org", subject="Secret subject")
    fine = queue_test_mail("here@example.org")

    assert deliver_due() == DeliveryReport(sent=1, failed=1)

    failed = reload(refused)
    assert failed.status == MailStatus.FAILED
    assert failed.attempts == 1
    # The server's answer repeats the address; the stored line masks it.
    assert failed.last_error == "SMTPRecipientsRefused: 550 <[address]>: Recipient address rejected"
    assert "Secret" not in failed.last_error
    assert [e.rcpt_tos for e in smtp_server.envelopes] == [["here@example.org"]]
    assert reload(fine).status == MailStatus.SENT

    smtp_server.accept("gone@example.org")
    assert deliver_due(now=utcnow() + timedelta(days=1)) == DeliveryReport()
    assert reload(refused).attempts == 1


def test_temporary_refusal_is_retried_later(app_ctx, smtp_server):
    smtp_server.refuse("busy@example.org", 451)
    mail = queue_test_mail("busy@example.org", reply_to="camps@hospital.example")

    assert deliver_due() == DeliveryReport(retried=1)
    waiting = reload(mail)
    assert waiting.status == MailStatus.PENDING
    assert waiting.last_error.startswith("SMTPRecipientsRefused: 451")

    smtp_server.accept("busy@example.org")
    assert deliver_due(now=waiting.next_attempt_at) == DeliveryReport(sent=1)
    assert smtp_server.message_ids() == [mail.message_id]
    [message] = smtp_server.messages
    assert message["Reply-To"] == "camps@hospital.example"  # kept for the retry


def test_a_server_down_for_a_day_is_retried_for_the_whole_window_then_the_mail_fails(
    app_ctx, smtp_server
):
    """The issue's long lunch, stretched to a day: the relay refuses every connection. The mail
    is tried with growing pauses (never more than an hour) until MAIL_RETRY_HOURS after it
    was written, the last try falls on the end of the window, and only then is it failed."""
    mail = queue_test_mail()
    written = reload(mail).created_at
    smtp_server.stop()
    moment, pauses = written, []
    while (report := deliver_due(now=moment)) == DeliveryReport(retried=1):
        following = reload(mail).next_attempt_at
        pauses.append(following - moment)
        moment = following

    assert report == DeliveryReport(failed=1)
    failed = reload(mail)
    assert failed.status == MailStatus.FAILED
    assert "Connection refused" in failed.last_error
    assert moment == written + timedelta(hours=24)  # the last try, at the end of the window
    assert timedelta(seconds=60) <= pauses[0] <= timedelta(seconds=66)
    assert max(pauses) <= timedelta(hours=1, minutes=6)  # capped (with its jitter)
    assert len(pauses) == failed.attempts - 1
    assert 25 <= failed.attempts <= 40  # about 6 doubling pauses, then hourly

    smtp_server.start()  # nothing more is tried once failed
    assert deliver_due(now=moment + timedelta(days=1)) == DeliveryReport()
    assert smtp_server.envelopes == []


def test_a_relay_back_after_a_long_lunch_gets_the_mail_queued_at_its_start(app_ctx, smtp_server):
    mail = queue_test_mail()
    moment = reload(mail).created_at
    smtp_server.stop()
    while moment < reload(mail).created_at + timedelta(hours=2):  # two hours away
        assert deliver_due(now=moment) == DeliveryReport(retried=1)
        moment = reload(mail).next_attempt_at

    smtp_server.start()
    assert deliver_due(now=moment) == DeliveryReport(sent=1)
    assert smtp_server.message_ids() == [mail.message_id]


def test_send_again_restarts_the_window(app_ctx, smtp_server):
    mail = queue_test_mail()
    smtp_server.stop()
    day_later = reload(mail).created_at + timedelta(hours=25)
    assert deliver_due(now=day_later) == DeliveryReport(failed=1)  # past its window already

    retry_mail(mail.id, actor_id=None)
    again = reload(mail)
    assert again.retrying_since is not None
    assert deliver_due(now=again.retrying_since) == DeliveryReport(retried=1)
    assert reload(mail).status == MailStatus.PENDING


def test_expired_lease_of_a_crashed_worker_is_claimed_again(app_ctx, smtp_server):
    mail = queue_test_mail()
    start = utcnow()
    crashed = claims.claim_due(10, now=start)  # claimed, then the worker died
    assert [m.id for m in crashed.mails] == [mail.id]
    assert reload(mail).status == MailStatus.SENDING

    # While the lease runs, nobody else touches it.
    assert deliver_due(now=start + timedelta(minutes=1)) == DeliveryReport()
    assert smtp_server.envelopes == []

    after_lease = start + claims.lease_length() + timedelta(seconds=1)
    assert deliver_due(now=after_lease) == DeliveryReport(sent=1)
    assert smtp_server.message_ids() == [mail.message_id]
    assert reload(mail).attempts == 2

    # The crashed worker, waking up late, can neither send nor overwrite the outcome.
    assert not claims.renew_claim(mail.id, crashed.token, now=after_lease)
    assert not claims.mark_failed(mail.id, crashed.token, error="late")
    assert reload(mail).status == MailStatus.SENT


def test_mail_whose_workers_keep_dying_is_given_up(app_ctx, smtp_server):
    app_ctx.config["MAIL_MAX_INTERRUPTIONS"] = 2
    mail = queue_test_mail()
    moment = utcnow()
    for _ in range(2):  # two workers claim it and die
        claims.claim_due(10, now=moment)
        moment += claims.lease_length() + timedelta(seconds=1)

    assert deliver_due(now=moment) == DeliveryReport(failed=1)
    given_up = reload(mail)
    assert given_up.last_error == INTERRUPTED_TOO_OFTEN
    assert given_up.interruptions == 2
    assert smtp_server.envelopes == []


def test_a_worker_only_claims_its_batch_size_oldest_first(app_ctx, smtp_server):
    mails = [queue_test_mail(f"f{n}@example.org") for n in range(5)]

    assert deliver_due(batch_size=2) == DeliveryReport(sent=2)

    statuses = [reload(m).status for m in mails]
    assert statuses == ["sent", "sent", "pending", "pending", "pending"]


def test_nothing_is_sent_without_a_mail_server(app_ctx, smtp_server):
    app_ctx.config["MAIL_SERVER"] = None
    mail = queue_test_mail()

    assert deliver_due() == DeliveryReport()

    assert smtp_server.envelopes == []
    waiting = reload(mail)
    assert waiting.status == MailStatus.PENDING
    assert waiting.attempts == 0


@pytest.mark.parametrize(
    ("attempts", "low", "high"), [(1, 60, 66), (2, 120, 132), (4, 480, 528), (12, 3600, 3960)]
)
def test_backoff_doubles_and_is_capped_at_an_hour(attempts, low, high):
    delays = {claims.backoff_delay(attempts).total_seconds() for _ in range(20)}
    assert all(low <= d <= high for d in delays)
    assert len(delays) > 1  # jitter spreads retries


def test_connection_dropped_mid_batch_goes_on_over_a_fresh_one(app_ctx, smtp_server):
    smtp_server.refuse_data("second@example.org", 421)  # "closing": the client hangs up
    first = queue_test_mail("first@example.org")
    second = queue_test_mail("second@example.org")
    third = queue_test_mail("third@example.org")

    assert deliver_due() == DeliveryReport(sent=2, retried=1)

    assert reload(first).status == MailStatus.SENT
    dropped = reload(second)
    assert (dropped.status, dropped.attempts) == (MailStatus.PENDING, 1)
    assert dropped.last_error.startswith("SMTPDataError: 421")
    after = reload(third)
    assert (after.status, after.attempts, after.last_error) == (MailStatus.SENT, 1, None)
    assert smtp_server.message_ids() == [first.message_id, third.message_id]
    assert smtp_server.handler.greetings == 2


def test_rejected_message_data_fails_the_mail(app_ctx, smtp_server):
    smtp_server.refuse_data("spam@example.org", 554)
    mail = queue_test_mail("spam@example.org")

    assert deliver_due() == DeliveryReport(failed=1)
    assert reload(mail).last_error == "SMTPDataError: 554 Refused"


def test_a_mail_with_a_broken_header_fails_without_reaching_the_server(app_ctx, smtp_server):
    mail = queue_test_mail()
    mail.subject = "Hello\nBcc: everyone@example.org"  # header injection must never be sent
    db.session.commit()

    assert deliver_due() == DeliveryReport(failed=1)
    assert reload(mail).last_error.startswith("BadHeaderError")
    assert smtp_server.envelopes == []


def test_a_server_that_never_answers_times_out_and_is_retried(app_ctx):
    app_ctx.config["MAIL_TIMEOUT_SECONDS"] = 0.3
    mail = queue_test_mail()
    with socket.socket() as silent:  # accepts connections, never says a word
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        app_ctx.config["MAIL_PORT"] = silent.getsockname()[1]
        app_ctx.extensions["mail"].port = app_ctx.config["MAIL_PORT"]

        assert deliver_due() == DeliveryReport(retried=1)

    assert reload(mail).last_error.endswith("timed out")
