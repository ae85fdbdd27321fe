"""Fault drills against a real SMTP server that misbehaves: a 421 to RCPT, a slow recipient, a
server that hangs or drips its answer a byte at a time, a connection dropped mid-mail.

Every drill counts the Message-IDs the server received: each mail arrives exactly once, or not
at all while it is being retried; no mail is charged an attempt for another mail's trouble.
"""

import socket
import threading
import time
from collections import Counter

import pytest
from sqlalchemy import select

from camp_app.extensions import db
from camp_app.notifications.delivery import DeliveryReport, deliver_due
from camp_app.notifications.models import MailStatus, OutboxMail
from tests.notifications.helpers import queue_test_mail


def reload(mail: OutboxMail) -> OutboxMail:
    db.session.expire_all()
    return db.session.get(OutboxMail, mail.id)


def received(smtp_server) -> Counter:
    return Counter(smtp_server.message_ids())


def queue(*names: str) -> dict[str, OutboxMail]:
    return {name: queue_test_mail(f"{name}@example.org") for name in names}


@pytest.fixture
def short_deadline(app_ctx):
    """A second for a whole mail; the socket's own timeout is far longer, as in production."""
    app_ctx.config["MAIL_SEND_DEADLINE_SECONDS"] = 1.0
    app_ctx.config["MAIL_TIMEOUT_SECONDS"] = 10.0
    return 1.0


def test_a_421_to_rcpt_reconnects_and_charges_nobody_else(app_ctx, smtp_server):
    smtp_server.refuse("busy@example.org", 421)  # "closing": smtplib hangs up on its side
    mails = queue("first", "busy", "after")

    assert deliver_due() == DeliveryReport(sent=2, retried=1)

    refused = reload(mails["busy"])
    assert (refused.status, refused.attempts) == (MailStatus.PENDING, 1)
    assert refused.last_error.startswith("SMTPRecipientsRefused: 421")
    after = reload(mails["after"])  # was: "please run connect() first", an attempt lost
    assert (after.status, after.attempts, after.last_error) == (MailStatus.SENT, 1, None)
    assert smtp_server.handler.greetings == 2  # a fresh connection for the rest

    smtp_server.accept("busy@example.org")
    assert deliver_due(now=refused.next_attempt_at) == DeliveryReport(sent=1)
    assert received(smtp_server) == {m.message_id: 1 for m in mails.values()}


def test_a_slow_recipient_does_not_hold_the_others(app_ctx, smtp_server, short_deadline):
    smtp_server.slow_recipient("slow@example.org", 15)
    mails = queue("first", "slow", "second", "third")

    started = time.monotonic()
    report = deliver_due()
    elapsed = time.monotonic() - started

    assert report == DeliveryReport(sent=3, retried=1)
    assert elapsed < short_deadline + 2  # one deadline, not 15 s, and not 15 s per mail
    slow = reload(mails["slow"])
    assert slow.status == MailStatus.PENDING
    assert slow.last_error == "DeadlineExceeded: no complete answer within 1 s"
    assert received(smtp_server) == {
        mails[name].message_id: 1 for name in ("first", "second", "third")
    }


@pytest.mark.parametrize("fault", ["hangs", "drips"])
def test_a_hung_or_dripping_server_is_cut_off_and_the_batch_handed_back(
    app_ctx, smtp_server, short_deadline, fault
):
    if fault == "hangs":
        smtp_server.slow_recipient("*", 15)  # greets, then never answers RCPT
    else:
        smtp_server.drip("*", 0.1)  # a byte every 0.1 s: no socket read ever times out
    mails = queue("a", "b", "c", "d")

    started = time.monotonic()
    report = deliver_due()
    elapsed = time.monotonic() - started

    # Two mails in a row ran out of time: the server is hung, the rest wait for the next poll
    # without an attempt charged (as before the batch).
    assert report == DeliveryReport(retried=2)
    assert elapsed < 2 * short_deadline + 2
    cut = [reload(mails[name]) for name in ("a", "b")]
    assert [(m.status, m.attempts) for m in cut] == [(MailStatus.PENDING, 1)] * 2
    assert all(m.last_error.startswith("DeadlineExceeded") for m in cut)
    untried = [reload(mails[name]) for name in ("c", "d")]
    assert [(m.status, m.attempts, m.last_error) for m in untried] == [
        (MailStatus.PENDING, 0, None)
    ] * 2
    assert smtp_server.envelopes == []

    smtp_server.accept("*")
    assert deliver_due() == DeliveryReport(sent=2)  # the handed-back ones, due at once
    later = max(m.next_attempt_at for m in cut)
    assert deliver_due(now=later) == DeliveryReport(sent=2)
    assert received(smtp_server) == {m.message_id: 1 for m in mails.values()}


def test_a_greeting_that_drips_is_cut_off_too(app_ctx, short_deadline):
    mail = queue_test_mail()
    stop = threading.Event()
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        app_ctx.extensions["mail"].port = listener.getsockname()[1]

        def drip_greeting():
            client, _address = listener.accept()
            with client:
                while not stop.wait(0.1):
                    try:
                        client.sendall(b"2")
                    except OSError:
                        return

        server = threading.Thread(target=drip_greeting, daemon=True)
        server.start()
        started = time.monotonic()
        try:
            assert deliver_due() == DeliveryReport(retried=1)
        finally:
            stop.set()
        elapsed = time.monotonic() - started
        server.join(timeout=5)

    assert elapsed < short_deadline + 2
    assert reload(mail).last_error.startswith("DeadlineExceeded")


def test_a_connection_dropped_mid_mail_retries_that_mail_only(app_ctx, smtp_server):
    smtp_server.drop_at_data("dropped@example.org")
    mails = queue("first", "dropped", "after")

    assert deliver_due() == DeliveryReport(sent=2, retried=1)

    dropped = reload(mails["dropped"])
    assert (dropped.status, dropped.attempts) == (MailStatus.PENDING, 1)
    assert dropped.last_error.startswith("SMTPServerDisconnected")
    assert reload(mails["after"]).attempts == 1

    smtp_server.accept("dropped@example.org")
    assert deliver_due(now=dropped.next_attempt_at) == DeliveryReport(sent=1)
    assert received(smtp_server) == {m.message_id: 1 for m in mails.values()}


def test_a_server_that_keeps_dropping_us_gets_a_few_reconnects_then_the_rest_waits(
    app_ctx, smtp_server
):
    names = [f"d{n}" for n in range(6)]
    for name in names:
        smtp_server.drop_at_data(f"{name}@example.org")
    mails = queue(*names)

    report = deliver_due()

    # The first mail and one per reconnect (3) were tried; the other two were handed back.
    assert report == DeliveryReport(retried=4)
    statuses = db.session.execute(select(OutboxMail.attempts, OutboxMail.last_error)).all()
    assert sorted(attempts for attempts, _error in statuses) == [0, 0, 1, 1, 1, 1]
    assert smtp_server.handler.greetings == 4
    assert smtp_server.envelopes == []
    assert len(mails) == 6
