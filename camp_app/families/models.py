"""A household: its guardians (users), children, contacts and guardian invitations.

Child and Contact have a column named `relationship` (the contract's word), so this module
spells SQLAlchemy's function `orm.relationship`.
"""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import JSON, Column, Date, ForeignKey, String, Table, orm
from sqlalchemy.orm import Mapped, mapped_column

from camp_app.accounts.models import User
from camp_app.database import UTCDateTime
from camp_app.extensions import db
from camp_app.sealing import EncryptedJSON, EncryptedText
from camp_app.timeutil import utcnow


class ChildRelationship(StrEnum):
    PATIENT = "patient"  # treated for the condition
    SIBLING = "sibling"  # a brother or sister of a patient


class DiagnosisCategory(StrEnum):
    CANCER = "cancer"
    BLOOD_DISORDER = "blood_disorder"
    OTHER = "other"


class Gender(StrEnum):
    """As the family gives it; only cabins with a gender limit look at it."""

    FEMALE = "female"
    MALE = "male"
    NONBINARY = "nonbinary"
    # "" (the column's default): not given.


class PatientVerification(StrEnum):
    """Whether the medical team has confirmed the family's patient and diagnosis details."""

    UNVERIFIED = "unverified"
    VERIFIED = "verified"
    REJECTED = "rejected"  # the medical team could not confirm them


class HealthAlert(StrEnum):
    """Short flags that every counselor may see (not the diagnosis): what to watch for and
    what to bring."""

    EPINEPHRINE_AUTO_INJECTOR = "epinephrine_auto_injector"
    CENTRAL_LINE = "central_line"  # a port or central line: no rough play, keep it dry
    SEIZURE_PLAN = "seizure_plan"
    DIABETES = "diabetes"
    INFECTION_RISK = "infection_risk"  # low immunity: hand washing, call the nurse for a fever


HEALTH_ALERT_NOTE_MAX = 80


class ContactKind(StrEnum):
    EMERGENCY = "emergency"
    PICKUP = "pickup"
    DO_NOT_RELEASE = "do_not_release"  # must never take the child (e.g. a court order)


class Household(db.Model):
    __tablename__ = "households"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # When its last guardian closed their account (camp_app/privacy/closure.py): medical
    # details are gone; what the camp must keep waits for the retention period.
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    guardians: Mapped[list[User]] = orm.relationship(back_populates="household")
    children: Mapped[list["Child"]] = orm.relationship(
        back_populates="household", order_by="Child.date_of_birth"
    )
    contacts: Mapped[list["Contact"]] = orm.relationship(
        back_populates="household", order_by="Contact.id"
    )


class Child(db.Model):
    __tablename__ = "children"

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id"), index=True)
    first_name: Mapped[str] = mapped_column(String(80))
    last_name: Mapped[str] = mapped_column(String(80))
    date_of_birth: Mapped[date] = mapped_column(Date)
    relationship: Mapped[str] = mapped_column(String(20))
    diagnosis_category: Mapped[str | None] = mapped_column(String(20))
    # The medical details are sealed (sealing.EncryptedText: encrypted in the database, plain
    # in Python; never filtered or sorted in SQL). Names, dates and the diagnosis category (an
    # eligibility rule the verification list filters on in SQL) stay plain and searchable.
    diagnosis: Mapped[str] = mapped_column(EncryptedText, default="")
    treated_at_hospital: Mapped[bool] = mapped_column(default=False)
    allergies: Mapped[str] = mapped_column(EncryptedText, default="")
    dietary_needs: Mapped[str] = mapped_column(EncryptedText, default="")
    medical_conditions: Mapped[str] = mapped_column(EncryptedText, default="")
    physician_name: Mapped[str] = mapped_column(EncryptedText, default="")  # at most 120
    physician_phone: Mapped[str] = mapped_column(EncryptedText, default="")  # at most 32
    gender: Mapped[str] = mapped_column(String(20), default="", server_default="")
    # What counselors see instead of the medical details: HealthAlert values and a short note
    # (at most HEALTH_ALERT_NOTE_MAX characters); sealed too, "diabetes" is a condition.
    health_alerts: Mapped[list[str]] = mapped_column(EncryptedJSON, default=list)
    health_alert_note: Mapped[str] = mapped_column(EncryptedText, default="")
    # Set by a coordinator for the medical team; reset when the family changes the details
    # it vouches for (relationship, diagnosis category, treated at the hospital).
    patient_verification: Mapped[str] = mapped_column(
        String(20), default=PatientVerification.UNVERIFIED, server_default="unverified"
    )
    verified_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When a guardian last confirmed the medical details, medications and contacts as current
    # (saving the child form confirms them; a returning family confirms them again).
    medical_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    household: Mapped[Household] = orm.relationship(back_populates="children")
    verified_by: Mapped[User | None] = orm.relationship(foreign_keys=[verified_by_id])
    medications: Mapped[list["Medication"]] = orm.relationship(
        back_populates="child", cascade="all, delete-orphan", order_by="Medication.id"
    )

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def is_patient(self) -> bool:
        return self.relationship == ChildRelationship.PATIENT


class Medication(db.Model):
    __tablename__ = "medications"

    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("children.id", ondelete="CASCADE"), index=True)
    # Sealed (at most 120, 80 and 120 characters, as the schema says); the times are not.
    name: Mapped[str] = mapped_column(EncryptedText)
    dose: Mapped[str] = mapped_column(EncryptedText)
    schedule: Mapped[str] = mapped_column(EncryptedText)
    # Camp time ("HH:MM") at which a dose is due at an overnight camp; empty: as needed.
    times: Mapped[list[str]] = mapped_column(JSON, default=list, server_default="[]")

    child: Mapped[Child] = orm.relationship(back_populates="medications")


# Which children a pickup person may collect; no rows means every child of the household.
contact_children = Table(
    "contact_children",
    db.metadata,
    Column("contact_id", ForeignKey("contacts.id", ondelete="CASCADE"), primary_key=True),
    Column("child_id", ForeignKey("children.id", ondelete="CASCADE"), primary_key=True),
)


class Contact(db.Model):
    __tablename__ = "contacts"

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(120))
    relationship: Mapped[str] = mapped_column(String(80))
    phone: Mapped[str] = mapped_column(String(32))
    # Why a do_not_release person must not take the child, e.g. "court order on file" (sealed).
    note: Mapped[str] = mapped_column(EncryptedText, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    household: Mapped[Household] = orm.relationship(back_populates="contacts")
    children: Mapped[list[Child]] = orm.relationship(secondary=contact_children)

    def covers(self, child: Child) -> bool:
        return self.covers_child_id(child.id)

    def covers_child_id(self, child_id: int) -> bool:
        return not self.children or any(c.id == child_id for c in self.children)


class GuardianInvite(db.Model):
    """An invitation for a second guardian to join a household; only the token's hash is kept."""

    __tablename__ = "guardian_invites"

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id"), index=True)
    email: Mapped[str] = mapped_column(String(254))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    invited_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    accepted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    household: Mapped[Household] = orm.relationship()
