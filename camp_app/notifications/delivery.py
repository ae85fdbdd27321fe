"""Delivering the outbox: claim a batch, send it over one SMTP connection, record each outcome.

A mail is sent at least once and, barring a crash between the SMTP server's "250 OK" and the
next commit, exactly once; even then the stable Message-ID lets the receiver drop the copy.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from flask_mail import Connection

from camp_app.notifications import claims, transport
from camp_app.notifications.models import OutboxMail
from camp_app.timeutil import utcnow

log = logging.getLogger(__name__)

INTERRUPTED_TOO_OFTEN = "Gave up: delivery was interrupted too often"


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

    `now` fixes the clock (tests); by default each step reads the real time."""
    if not transport.mail_server_configured():
        return DeliveryReport()
    batch = _Batch(clock=(lambda: now) if now else utcnow)
    claim = claims.claim_due(batch_size, now=batch.clock())
    batch.token = claim.token
    sendable = [mail for mail in claim.mails if not batch.gave_up_before_sending(mail)]
    if sendable:
        batch.send_all(sendable)
    return batch.report


class _Batch:
    def __init__(self, clock: Callable[[], datetime]):
        self.clock = clock
        self.token = ""
        self.report = DeliveryReport()
        self.max_attempts = current_app.config["MAIL_MAX_ATTEMPTS"]

    def gave_up_before_sending(self, mail: OutboxMail) -> bool:
        # A mail whose every worker died mid-send (its lease keeps expiring) must not loop forever.
        if mail.attempts <= self.max_attempts:
            return False
        if claims.mark_failed(mail.id, self.token, error=INTERRUPTED_TOO_OFTEN):
            self.report.failed += 1
            log.warning("mail %s failed: %s", mail.id, INTERRUPTED_TOO_OFTEN)
        return True

    def send_all(self, mails: list[OutboxMail]) -> None:
        try:
            connection = transport.open_connection()
        except Exception as error:
            self.record_all(mails, error)
            return
        try:
            for index, mail in enumerate(mails):
                error = self.send_one(connection, mail)
                if error is not None and transport.breaks_connection(error):
                    self.release_all(mails[index + 1 :])
                    break
        finally:
            transport.close_connection(connection)

    def send_one(self, connection: Connection, mail: OutboxMail) -> Exception | None:
        if not claims.renew_claim(mail.id, self.token, now=self.clock()):
            log.info("mail %s: claim lost to another worker, skipped", mail.id)
            return None
        try:
            transport.send(connection, mail)
        except Exception as error:
            self.record_failure(mail, error)
            return error
        if claims.mark_sent(mail.id, self.token, now=self.clock()):
            self.report.sent += 1
            log.info("mail %s sent", mail.id)
        else:  # our lease ran out mid-send: the mail may go out twice (same Message-ID)
            log.warning("mail %s sent, but another worker had claimed it meanwhile", mail.id)
        return None

    def record_all(self, mails: list[OutboxMail], error: Exception) -> None:
        for mail in mails:
            self.record_failure(mail, error)

    def release_all(self, mails: list[OutboxMail]) -> None:
        for mail in mails:
            claims.release(mail.id, self.token)

    def record_failure(self, mail: OutboxMail, error: Exception) -> None:
        description = transport.describe(error)
        permanent = transport.classify(error) == transport.PERMANENT
        if permanent or mail.attempts >= self.max_attempts:
            if claims.mark_failed(mail.id, self.token, error=description):
                self.report.failed += 1
                log.warning("mail %s failed (attempt %s): %s", mail.id, mail.attempts, description)
            return
        delay = claims.backoff_delay(mail.attempts)
        retry_at = self.clock() + delay
        if claims.mark_retry(mail.id, self.token, error=description, next_attempt_at=retry_at):
            self.report.retried += 1
            log.warning(
                "mail %s attempt %s failed, retry in %ss: %s",
                mail.id,
                mail.attempts,
                int(delay.total_seconds()),
                description,
            )
