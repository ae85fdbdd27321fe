"""Documents families upload for an event's requirements, and the ledger of reminders sent."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, orm
from sqlalchemy.orm import Mapped, mapped_column

from camp_app.database import UTCDateTime
from camp_app.extensions import db
from camp_app.timeutil import utcnow


class DocumentStatus(StrEnum):
    SUBMITTED = "submitted"  # waiting for a nurse or coordinator
    ACCEPTED = "accepted"
    REJECTED = "rejected"  # the family is told why and uploads again


class ChildDocument(db.Model):
    """One uploaded file answering one required document (`key`) of an event for a child.
    The file lives in the document storage under `storage_name` (a random id, never the
    uploaded name); a re-upload is a new row, and the newest row per key is what counts."""

    __tablename__ = "child_documents"
    __table_args__ = (Index("ix_child_documents_event_child", "event_id", "child_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("children.id", ondelete="CASCADE"), index=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(60))
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(40))
    size: Mapped[int] = mapped_column()
    storage_name: Mapped[str] = mapped_column(String(64), unique=True)
    status: Mapped[str] = mapped_column(String(20), default=DocumentStatus.SUBMITTED)
    review_note: Mapped[str] = mapped_column(Text, default="")
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    child = orm.relationship("Child")
    event = orm.relationship("Event")


class SentReminder(db.Model):
    """A reminder mailed to a registration's family: the unique key makes sending the same
    reminder twice impossible, whatever runs at once (two workers, a manual run)."""

    __tablename__ = "sent_reminders"
    __table_args__ = (UniqueConstraint("registration_id", "kind", "occasion"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("registrations.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))  # "documents" or "practical"
    # Which one: for documents the due date (YYYY-MM-DD); "" for the practical mail.
    occasion: Mapped[str] = mapped_column(String(40), default="")
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
