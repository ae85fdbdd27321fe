"""The email outbox: every mail is a row written with the change that caused it."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from camp_app.database import UTCDateTime
from camp_app.extensions import db
from camp_app.timeutil import utcnow


class MailStatus(StrEnum):
    PENDING = "pending"  # waiting for its next attempt
    SENDING = "sending"  # claimed by a worker until lease_expires_at
    SENT = "sent"
    FAILED = "failed"  # gave up: a permanent refusal, or still refused after MAIL_RETRY_HOURS


class OutboxMail(db.Model):
    __tablename__ = "outbox_mails"

    id: Mapped[int] = mapped_column(primary_key=True)
    # A stable Message-ID, so that a receiving server can discard a rare duplicate delivery.
    message_id: Mapped[str] = mapped_column(String(255), unique=True)
    category: Mapped[str] = mapped_column(String(60))
    to_address: Mapped[str] = mapped_column(String(254))
    # Where an answer should go (the event's contact address), if not to MAIL_DEFAULT_SENDER.
    reply_to: Mapped[str | None] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(255))
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    # [{"filename", "content_type", "data"}]: data is text (an .ics, say).
    attachments: Mapped[list[dict]] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(20), default=MailStatus.PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    # Claims that found the mail still "sending" after the lease of the worker before ran out
    # (it died mid-send): a mail that kills its workers is given up after a few.
    interruptions: Mapped[int] = mapped_column(default=0, server_default="0")
    # Start of the current series of attempts (none: created_at); "send again" restarts it.
    # Transient failures are retried until MAIL_RETRY_HOURS after it.
    retrying_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    lease_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    claim_token: Mapped[str | None] = mapped_column(String(64))
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id"), index=True)
    # The registration this mail is about (its status mails): the roster flags a failed one.
    registration_id: Mapped[int | None] = mapped_column(ForeignKey("registrations.id"), index=True)
    # The coordinator's message this mail is one copy of, if any.
    event_message_id: Mapped[int | None] = mapped_column(
        ForeignKey("event_messages.id"), index=True
    )

    __table_args__ = (Index("ix_outbox_mails_due", "status", "next_attempt_at"),)
