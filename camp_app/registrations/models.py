"""A child's registration for an event, with its consents and signature."""

import secrets
from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from camp_app.accounts.models import User
from camp_app.database import UTCDateTime
from camp_app.events.models import ConsentDocumentVersion, Event
from camp_app.extensions import db
from camp_app.families.models import Child, Household
from camp_app.sealing import EncryptedText
from camp_app.timeutil import utcnow


class RegistrationStatus(StrEnum):
    PENDING_REVIEW = "pending_review"
    CONFIRMED = "confirmed"
    WAITLISTED = "waitlisted"
    DECLINED = "declined"
    CANCELLED = "cancelled"


SEAT_HOLDING = (RegistrationStatus.PENDING_REVIEW, RegistrationStatus.CONFIRMED)
ACTIVE = (*SEAT_HOLDING, RegistrationStatus.WAITLISTED)
_ACTIVE_SQL = "status IN ('pending_review', 'confirmed', 'waitlisted')"

# A reference read over the phone: no 0/O, 1/I/L to confuse, nor U/V.
REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTWXYZ"
REFERENCE_LENGTH = 8  # 29**8 = 5e11 codes: a collision (refused by the unique index) is rare


def new_reference() -> str:
    return "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_LENGTH))


class ConsentSigning(db.Model):
    """What a guardian signed in one submission: the typed signature, who, when, and the
    answer to each document version (SignedConsent). Each registration of the submission
    points at it. Written before the event's lock (registrations.consents)."""

    __tablename__ = "consent_signings"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id"), index=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id"), index=True)
    signed_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    signature: Mapped[str] = mapped_column(String(200))
    signed_at: Mapped[datetime] = mapped_column(UTCDateTime)

    event: Mapped[Event] = relationship()
    household: Mapped[Household] = relationship()
    signed_by: Mapped[User] = relationship()
    answers: Mapped[list["SignedConsent"]] = relationship(
        back_populates="signing", order_by="SignedConsent.id", cascade="all, delete-orphan"
    )


class SignedConsent(db.Model):
    """The answer to one version of one document in a signing."""

    __tablename__ = "signed_consents"

    id: Mapped[int] = mapped_column(primary_key=True)
    signing_id: Mapped[int] = mapped_column(ForeignKey("consent_signings.id"), index=True)
    document_version_id: Mapped[int] = mapped_column(ForeignKey("consent_document_versions.id"))
    accepted: Mapped[bool] = mapped_column()

    signing: Mapped[ConsentSigning] = relationship(back_populates="answers")
    document_version: Mapped[ConsentDocumentVersion] = relationship()

    __table_args__ = (
        UniqueConstraint(
            "signing_id", "document_version_id", name="uq_signed_consents_signing_version"
        ),
    )


class Registration(db.Model):
    __tablename__ = "registrations"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id"))
    child_id: Mapped[int] = mapped_column(ForeignKey("children.id"), index=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id"), index=True)
    status: Mapped[str] = mapped_column(String(20))
    # Order received within the event (see Event.registration_counter); serves the waitlist.
    sequence: Mapped[int] = mapped_column()
    # A short code for the phone (REFERENCE_ALPHABET), unique; made before the event's lock.
    reference: Mapped[str] = mapped_column(String(12), unique=True, default=new_reference)
    # What was signed: the document versions accepted, by whom, when (ConsentSigning).
    signing_id: Mapped[int] = mapped_column(ForeignKey("consent_signings.id"), index=True)
    consent_medical_treatment: Mapped[bool] = mapped_column(default=False)
    consent_liability_waiver: Mapped[bool] = mapped_column(default=False)
    consent_photo_release: Mapped[bool] = mapped_column(default=False)
    signature: Mapped[str] = mapped_column(String(200))
    signed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    signed_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    # The note to the family and an override's reason are sealed: a coordinator writing why
    # may well name a diagnosis.
    decision_note: Mapped[str] = mapped_column(EncryptedText, default="")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # A coordinator who approves despite failing rules must say why; both are kept.
    override_reason: Mapped[str] = mapped_column(EncryptedText, default="")
    overridden_codes: Mapped[list[str]] = mapped_column(JSON, default=list, server_default="[]")
    # The cabin (overnight camp) or group (day camp) the child is assigned to.
    group_id: Mapped[int | None] = mapped_column(
        ForeignKey("camp_groups.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    event: Mapped[Event] = relationship()
    child: Mapped[Child] = relationship()
    household: Mapped[Household] = relationship()
    signed_by: Mapped[User] = relationship(foreign_keys=[signed_by_id])
    signing: Mapped[ConsentSigning] = relationship()
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
    # By name: CampGroup is the roster's, a feature above this one (camp_app/models.py loads it).
    group: Mapped["CampGroup | None"] = relationship()  # noqa: F821

    @property
    def holds_seat(self) -> bool:
        return self.status in SEAT_HOLDING

    __table_args__ = (
        UniqueConstraint("event_id", "sequence", name="uq_registrations_event_sequence"),
        Index("ix_registrations_event_status", "event_id", "status", "sequence"),
        # A child holds at most one active registration per event, whatever the code does.
        Index(
            "uq_registrations_active_child",
            "event_id",
            "child_id",
            unique=True,
            sqlite_where=text(_ACTIVE_SQL),
            postgresql_where=text(_ACTIVE_SQL),
        ),
    )
