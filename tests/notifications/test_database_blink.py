"""The database blinks while the worker sends (PostgreSQL): its connections are killed, or it
refuses connections for a while, right after the SMTP server accepted a mail and before the
worker could record it.

Each drill counts the Message-IDs the SMTP server received: every mail exactly once, none left
"sending" for a lease to run out, and the mails claimed with the one that hit the blink sent in
the same or the next poll (not 5 minutes later).
"""

import logging
import threading
import time
from collections import Counter

import psycopg
import pytest
from psycopg import sql
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from camp_app.extensions import db
from camp_app.notifications.delivery import DeliveryReport, deliver_due
from camp_app.notifications.models import MailStatus, OutboxMail
from camp_app.notifications.unrecorded import unrecorded
from tests.notifications.helpers import queue_test_mail
from tests.support.databases import POSTGRES_ADMIN_URL

MAILS = 5


@pytest.fixture(params=["pre-ping", "no-pre-ping"])
def app_config(smtp_app_config, request):
    """With pool_pre_ping (production's setting) a dead pooled connection is replaced at
    checkout; without it the worker's own write fails on the dead connection and is retried."""
    config = dict(smtp_app_config)
    if request.param == "no-pre-ping":
        config["SQLALCHEMY_ENGINE_OPTIONS"] = {"pool_pre_ping": False}
    return config


class Blink:
    """Breaks the test database from another connection (to the admin database)."""

    def __init__(self, app):
        self.name = app.config["SQLALCHEMY_DATABASE_URI"].rsplit("/", 1)[1]
        self.killed = 0

    def kill_connections(self) -> None:
        with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as conn:
            rows = conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = %s AND pid <> pg_backend_pid()",
                (self.name,),
            ).fetchall()
        self.killed += sum(1 for (done,) in rows if done)

    def _allow(self, allowed: bool) -> None:
        statement = sql.SQL("ALTER DATABASE {} ALLOW_CONNECTIONS {}").format(
            sql.Identifier(self.name), sql.SQL("true" if allowed else "false")
        )
        with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as conn:
            conn.execute(statement)

    def refuse_connections(self) -> None:
        self._allow(False)
        self.kill_connections()

    def allow_connections(self) -> None:
        self._allow(True)


@pytest.fixture
def blink(pg_app):
    blink = Blink(pg_app)
    yield blink
    blink.allow_connections()


def once_after_the_first_accept(action):
    fired = threading.Event()

    def hook(_envelope):
        if not fired.is_set():
            fired.set()
            action()

    return hook, fired


def queue_mails(app) -> list[str]:
    with app.app_context():
        return [queue_test_mail(f"family{n}@example.org").message_id for n in range(MAILS)]


def statuses(app) -> Counter:
    with app.app_context():
        db.session.remove()
        return Counter(db.session.scalars(select(OutboxMail.status)))


def test_connections_killed_after_the_server_accepted_send_nothing_twice(
    pg_app, smtp_server, blink, caplog
):
    message_ids = queue_mails(pg_app)
    hook, fired = once_after_the_first_accept(blink.kill_connections)
    smtp_server.after_accepting(hook)

    with pg_app.app_context(), caplog.at_level(logging.WARNING):
        report = deliver_due()

    assert fired.is_set() and blink.killed >= 1
    retried = "could not record mail 1 as sent" in caplog.text
    assert retried == (not pg_app.config["SQLALCHEMY_ENGINE_OPTIONS"]["pool_pre_ping"])
    assert report == DeliveryReport(sent=MAILS)
    assert Counter(smtp_server.message_ids()) == dict.fromkeys(message_ids, 1)
    assert statuses(pg_app) == {MailStatus.SENT: MAILS}


def test_a_write_is_retried_while_the_database_refuses_connections(pg_app, smtp_server, blink):
    """Down for about a second, within MAIL_DB_RETRY_SECONDS: the worker keeps trying to
    record the accepted mail and then goes on with its batch."""
    pg_app.config["MAIL_DB_RETRY_SECONDS"] = 20
    message_ids = queue_mails(pg_app)

    def outage():
        blink.refuse_connections()
        threading.Timer(1.0, blink.allow_connections).start()

    hook, fired = once_after_the_first_accept(outage)
    smtp_server.after_accepting(hook)

    started = time.monotonic()
    with pg_app.app_context():
        report = deliver_due()
        assert unrecorded().empty
    elapsed = time.monotonic() - started

    assert fired.is_set()
    assert report == DeliveryReport(sent=MAILS)
    assert elapsed >= 1.0  # it did wait for the database
    assert Counter(smtp_server.message_ids()) == dict.fromkeys(message_ids, 1)
    assert statuses(pg_app) == {MailStatus.SENT: MAILS}


def test_a_database_away_longer_than_the_retries_loses_nothing_and_holds_nothing(
    pg_app, smtp_server, blink
):
    """Past MAIL_DB_RETRY_SECONDS the batch stops; the process remembers the accepted mail and
    its unfinished batch, and writes both first when the database answers again."""
    pg_app.config["MAIL_DB_RETRY_SECONDS"] = 0.3
    message_ids = queue_mails(pg_app)
    hook, fired = once_after_the_first_accept(blink.refuse_connections)
    smtp_server.after_accepting(hook)

    with pg_app.app_context(), pytest.raises(OperationalError):
        deliver_due()
    assert fired.is_set()
    with pg_app.app_context():
        memory = unrecorded()
        assert list(memory.accepted) == [1]
        assert len(memory.abandoned) == 1
        with pytest.raises(OperationalError):  # still away: nothing is claimed, nothing sent
            deliver_due()
    assert smtp_server.message_ids() == message_ids[:1]

    blink.allow_connections()
    # Back: the batch is still "sending" under a lease of 5 minutes...
    assert statuses(pg_app) == {MailStatus.SENDING: MAILS}
    with pg_app.app_context():
        report = deliver_due()  # ...but the next poll writes down, hands back and sends.
        assert memory.empty
        attempts = sorted(db.session.scalars(select(OutboxMail.attempts)))
        sending = db.session.scalar(
            select(func.count()).where(OutboxMail.status == MailStatus.SENDING)
        )

    assert report == DeliveryReport(sent=MAILS - 1)
    assert Counter(smtp_server.message_ids()) == dict.fromkeys(message_ids, 1)
    assert statuses(pg_app) == {MailStatus.SENT: MAILS}
    assert attempts == [1] * MAILS  # the handed-back ones were refunded their attempt
    assert sending == 0
