"""The health center's records: the medication record (a dose's outcome per medication and
due time) and the health log (visits and their addenda). Nothing here is ever updated or
deleted: a correction is a new DoseRecord naming the one it corrects, a later note on a visit
is an addendum. Free-text medical fields are sealed (sealing.EncryptedText)."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Boolean, ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from camp_app.accounts.models import User
from camp_app.database import UTCDateTime
from camp_app.extensions import db
from camp_app.registrations.models import Registration
from camp_app.sealing import EncryptedText
from camp_app.timeutil import utcnow


class DoseStatus(StrEnum):
    GIVEN = "given"
    REFUSED = "refused"
    HELD = "held"
    MISSED = "missed"


class Disposition(StrEnum):
    RETURNED_TO_ACTIVITY = "returned_to_activity"
    OBSERVED = "observed"
    SENT_HOME = "sent_home"
    SENT_TO_HOSPITAL = "sent_to_hospital"


class DoseRecord(db.Model):
    """What became of one dose due (a medication at `due_at`): given, refused, held or missed.
    At most one original record per (medication, due_at) (a partial unique index); a
    correction names the record it corrects (`corrects_id`), and a record is corrected at
    most once, so a dose's records form one chain whose last link is its status."""

    __tablename__ = "dose_records"

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("registrations.id"), index=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("children.id"))
    medication_id: Mapped[int | None] = mapped_column(
        ForeignKey("medications.id", ondelete="SET NULL")
    )
    # Copied: the family may change the list later; the record keeps what was due.
    # Sealed, as the child's medication list is (at most 120 and 80 characters).
    medication_name: Mapped[str] = mapped_column(EncryptedText)
    dose: Mapped[str] = mapped_column(EncryptedText)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(20))
    # The reason (refused, held, missed) or a note (given). Sealed.
    note: Mapped[str] = mapped_column(EncryptedText, default="")
    corrects_id: Mapped[int | None] = mapped_column(ForeignKey("dose_records.id"))
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    recorded_by: Mapped[User] = relationship()

    __table_args__ = (
        Index(
            "uq_dose_records_original",
            "medication_id",
            "due_at",
            unique=True,
            sqlite_where=text("corrects_id IS NULL"),
            postgresql_where=text("corrects_id IS NULL"),
        ),
        Index("uq_dose_records_corrects_id", "corrects_id", unique=True),
        Index("ix_dose_records_due_at", "due_at"),
    )


class HealthVisit(db.Model):
    """A child's visit to the health center, locked once written (addenda add to it)."""

    __tablename__ = "health_visits"

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("registrations.id"), index=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("children.id"))
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    complaint: Mapped[str] = mapped_column(EncryptedText)
    assessment: Mapped[str] = mapped_column(EncryptedText, default="")
    treatment: Mapped[str] = mapped_column(EncryptedText, default="")
    disposition: Mapped[str] = mapped_column(String(30))
    guardian_notified: Mapped[bool] = mapped_column(Boolean, default=False)
    guardian_notified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))

    registration: Mapped[Registration] = relationship()
    recorded_by: Mapped[User] = relationship()
    addenda: Mapped[list["HealthVisitAddendum"]] = relationship(
        order_by="HealthVisitAddendum.id", back_populates="visit"
    )


class HealthVisitAddendum(db.Model):
    """A later note on a visit, with its author and time."""

    __tablename__ = "health_visit_addenda"

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("health_visits.id"), index=True)
    text: Mapped[str] = mapped_column(EncryptedText)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    written_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    visit: Mapped[HealthVisit] = relationship(back_populates="addenda")
    author: Mapped[User] = relationship()
