"""Delivering the outbox: claim a batch, send it over one SMTP connection (a fresh one when the
server drops it), record each outcome.

A mail is sent at least once and, barring a worker process that dies between the SMTP server's
"250 OK" and the next successful write, exactly once: a write that fails is retried
(claims.persist), and what still cannot be written is kept in the process (unrecorded.py) until
the database answers. Even a duplicate carries the same Message-ID, so the receiver can drop it.

Transient failures (the server is away, or says "later") are retried with capped exponential
backoff until MAIL_RETRY_HOURS after the mail was written; then, or at once for a permanent
refusal (5xx), the mail is marked failed for a person to look at.
"""

import logging
import smtplib
import socket
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from flask import current_app

from camp_app.notifications import claims, transport
from camp_app.notifications.models import OutboxMail
from camp_app.notifications.unrecorded import unrecorded
from camp_app.timeutil import utcnow

log = logging.getLogger(__name__)

INTERRUPTED_TOO_OFTEN = "Gave up: delivery was interrupted too often"
DEFAULT_MAX_INTERRUPTIONS = 5
# Fresh connections one batch may open after the server dropped one (a 421, a cut deadline);
# past that, the rest of the batch is handed back for the next poll.
MAX_RECONNECTS = 3
# Mails in a row that ran out of time: the server, not one recipient, is hanging.
MAX_TIMEOUTS_IN_A_ROW = 2


@dataclass
class DeliveryReport:
    sent: int = 0
    retried: int = 0
    failed: int = 0

    @property
    def handled(self) -> int:
        return self.sent + self.retried + self.failed

    def __add__(self, other: "DeliveryReport") -> "DeliveryReport":
        return DeliveryReport(
            self.sent + other.sent, self.retried + other.retried, self.failed + other.failed
        )


def deliver_due(batch_size: int = 50, *, now: datetime | None = None) -> DeliveryReport:
    """Claim up to `batch_size` due mails and try to send them. Without MAIL_SERVER nothing is
    sent: the mails stay pending for the development mailbox.

    First writes down whatever an earlier batch of this process could not record (raises while
    the database is still away: nothing new is claimed before that is done).

    `now` fixes the clock (tests); by default each step reads the real time."""
    if not transport.mail_server_configured():
        return DeliveryReport()
    memory = unrecorded()
    memory.write_down()
    batch = _Batch(clock=(lambda: now) if now else utcnow)
    token = claims.new_token()
    try:
        claim = claims.claim_due(batch_size, now=batch.clock(), token=token)
        batch.token = token
        sendable = [mail for mail in claim.mails if not batch.gave_up_before_sending(mail)]
        if sendable:
            batch.send_all(sendable)
    except BaseException:
        # Whatever the batch still holds is handed back as soon as the database answers.
        memory.note_abandoned(token)
        raise
    claims.release_claim(token)  # normally nothing is left; never hold a mail past the batch
    return batch.report


class _Batch:
    def __init__(self, clock: Callable[[], datetime]):
        self.clock = clock
        self.token = ""
        self.report = DeliveryReport()
        self.max_interruptions = current_app.config.get(
            "MAIL_MAX_INTERRUPTIONS", DEFAULT_MAX_INTERRUPTIONS
        )

    def gave_up_before_sending(self, mail: OutboxMail) -> bool:
        # A mail whose workers keep dying mid-send (its lease keeps running out) must not take
        # one worker after another down with it.
        if mail.interruptions < self.max_interruptions:
            return False
        if claims.mark_failed(mail.id, self.token, error=INTERRUPTED_TOO_OFTEN):
            self.report.failed += 1
            log.warning("mail %s failed: %s", mail.id, INTERRUPTED_TOO_OFTEN)
        return True

    def send_all(self, mails: list[OutboxMail]) -> None:
        try:
            connection = transport.open_connection()
        except Exception as error:
            self.record_all(mails, error)  # the server is away: every mail waits its backoff
            return
        reconnects = timeouts_in_a_row = 0
        try:
            for index, mail in enumerate(mails):
                if not connection.usable:
                    # The server closed the connection (a 421) or a deadline cut it: a fresh
                    # one for the next mail, charged to nobody.
                    transport.close_connection(connection)
                    connection = self.reconnect(mails[index:], reconnects, timeouts_in_a_row)
                    if connection is None:
                        return
                    reconnects += 1
                error = self.send_one(connection, mail)
                timeouts_in_a_row = timeouts_in_a_row + 1 if _timed_out(error) else 0
        finally:
            if connection is not None:
                transport.close_connection(connection)

    def reconnect(self, rest: list[OutboxMail], reconnects: int, timeouts_in_a_row: int):
        """A fresh connection for `rest`, or None after handing them back untried (the server
        hangs, keeps dropping us, or cannot be reached now)."""
        if reconnects < MAX_RECONNECTS and timeouts_in_a_row < MAX_TIMEOUTS_IN_A_ROW:
            try:
                return transport.open_connection()
            except Exception as error:
                log.warning("mail worker: could not reconnect: %s", transport.describe(error))
        self.release_all(rest)
        return None

    def send_one(self, connection: transport.TimedConnection, mail: OutboxMail):
        """Send one mail and record its outcome; returns the error, if any."""
        if not claims.renew_claim(mail.id, self.token, now=self.clock()):
            log.info("mail %s: claim lost to another worker, skipped", mail.id)
            return None
        try:
            transport.send(connection, mail)
        except Exception as error:
            self.record_failure(mail, error)
            return error
        self.record_sent(mail)
        return None

    def record_sent(self, mail: OutboxMail) -> None:
        """The server has the mail. Remembered in the process first, so that a database that
        stays away cannot make anyone send it again (see unrecorded.py)."""
        accepted_at = self.clock()
        memory = unrecorded()
        memory.note_accepted(mail.id, accepted_at)
        self.report.sent += 1
        if not claims.mark_sent(mail.id, now=accepted_at):
            log.info("mail %s sent; it was already recorded as sent", mail.id)
        else:
            log.info("mail %s sent", mail.id)
        memory.forget_accepted(mail.id)

    def record_all(self, mails: list[OutboxMail], error: Exception) -> None:
        for mail in mails:
            self.record_failure(mail, error)

    def release_all(self, mails: list[OutboxMail]) -> None:
        for mail in mails:
            claims.release(mail.id, self.token)

    def record_failure(self, mail: OutboxMail, error: Exception) -> None:
        description = transport.describe(error)
        now = self.clock()
        give_up_at = claims.give_up_at(mail)
        if transport.classify(error) == transport.PERMANENT or now >= give_up_at:
            if claims.mark_failed(mail.id, self.token, error=description):
                self.report.failed += 1
                log.warning("mail %s failed (attempt %s): %s", mail.id, mail.attempts, description)
            return
        # The last try falls on the end of the window, so a mail is retried for the whole of it.
        retry_at = min(now + claims.backoff_delay(mail.attempts), give_up_at)
        if claims.mark_retry(mail.id, self.token, error=description, next_attempt_at=retry_at):
            self.report.retried += 1
            log.warning(
                "mail %s attempt %s failed, retry in %ss: %s",
                mail.id,
                mail.attempts,
                int((retry_at - now).total_seconds()),
                description,
            )


def _timed_out(error: BaseException | None) -> bool:
    if isinstance(error, transport.DeadlineExceeded | socket.timeout):
        return True
    # smtplib turns a read that timed out into "Connection unexpectedly closed: timed out".
    return isinstance(error, smtplib.SMTPServerDisconnected) and "timed out" in str(error)
