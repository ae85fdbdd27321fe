"""Attendance at camp: a record per child and day, and its history. (The medication record
is the health center's: health_center/models.py.)"""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Date, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from camp_app.database import UTCDateTime
from camp_app.extensions import db
from camp_app.registrations.models import Registration
from camp_app.sealing import EncryptedJSON, EncryptedText
from camp_app.timeutil import utcnow


class AttendanceStatus(StrEnum):
    EXPECTED = "expected"
    CHECKED_IN = "checked_in"
    CHECKED_OUT = "checked_out"
    ABSENT = "absent"


class AttendanceAction(StrEnum):
    CHECK_IN = "check_in"
    CHECK_OUT = "check_out"
    ABSENT = "absent"
    UNDO = "undo"
    PICKUP_REFUSED = "pickup_refused"  # an attempt to release a child to someone not allowed


# The actions that change a record and can therefore be undone.
UNDOABLE_ACTIONS = (AttendanceAction.CHECK_IN, AttendanceAction.CHECK_OUT, AttendanceAction.ABSENT)


class AttendanceRecord(db.Model):
    """Where a child stands on one day. No row means "expected" (nothing happened yet)."""

    __tablename__ = "attendance_records"

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("registrations.id"))
    date: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default=AttendanceStatus.EXPECTED)
    check_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    check_in_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    check_out_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    check_out_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    picked_up_by_contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("contacts.id", ondelete="SET NULL")
    )
    # A guardian of the child's household who picked up (they are on no contact list).
    picked_up_by_guardian_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # The name as it was at pickup: the family may edit or remove the contact later.
    picked_up_by_name: Mapped[str] = mapped_column(String(120), default="")
    # Sealed ("fever", "chemotherapy on Tuesday"), at most 200 characters; so are the copies
    # the history keeps (AttendanceEvent.note and .before).
    absence_reason: Mapped[str] = mapped_column(EncryptedText, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    registration: Mapped[Registration] = relationship()

    __table_args__ = (
        UniqueConstraint("registration_id", "date", name="uq_attendance_records_registration_date"),
    )

    # The fields an undo restores (see AttendanceEvent.before).
    STATE_FIELDS = (
        "status",
        "check_in_at",
        "check_in_by_id",
        "check_out_at",
        "check_out_by_id",
        "picked_up_by_contact_id",
        "picked_up_by_guardian_id",
        "picked_up_by_name",
        "absence_reason",
    )


class AttendanceEvent(db.Model):
    """Append-only history: every action, every undo and every refused pickup attempt."""

    __tablename__ = "attendance_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("registrations.id"))
    date: Mapped[date] = mapped_column(Date)
    action: Mapped[str] = mapped_column(String(20))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    status_before: Mapped[str] = mapped_column(String(20))
    status_after: Mapped[str] = mapped_column(String(20))
    # Plain columns, not foreign keys: history keeps what was attempted even if the contact goes.
    pickup_contact_id: Mapped[int | None] = mapped_column()
    pickup_guardian_id: Mapped[int | None] = mapped_column()
    pickup_name: Mapped[str] = mapped_column(String(120), default="")
    note: Mapped[str] = mapped_column(EncryptedText, default="")  # at most 200 characters
    # The record's state fields before this action (None: there was no record), for undo.
    before: Mapped[dict | None] = mapped_column(EncryptedJSON)
    undoes_id: Mapped[int | None] = mapped_column(ForeignKey("attendance_events.id"))

    __table_args__ = (
        Index("ix_attendance_events_registration_date", "registration_id", "date", "id"),
    )
