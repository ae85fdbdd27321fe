"""Events and camps, with the eligibility rules a coordinator sets."""

from datetime import date, datetime
from enum import StrEnum

from flask_babel import get_locale
from sqlalchemy import JSON, Date, ForeignKey, String, Text, UniqueConstraint, false
from sqlalchemy import event as orm_events
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from camp_app.database import UTCDateTime
from camp_app.events.consent_texts import DEFAULT_DOCUMENTS
from camp_app.extensions import db
from camp_app.timeutil import utcnow


class EventKind(StrEnum):
    OVERNIGHT_CAMP = "overnight_camp"
    DAY_CAMP = "day_camp"
    EVENT = "event"


class Audience(StrEnum):
    PATIENTS = "patients"
    SIBLINGS = "siblings"
    PATIENTS_AND_SIBLINGS = "patients_and_siblings"
    ANYONE = "anyone"


class Event(db.Model):
    __tablename__ = "events"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(160))
    kind: Mapped[str] = mapped_column(String(20))
    summary: Mapped[str] = mapped_column(String(500), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    location: Mapped[str] = mapped_column(String(200), default="")
    contact_email: Mapped[str] = mapped_column(String(254), default="")
    contact_phone: Mapped[str] = mapped_column(String(32), default="")
    starts_on: Mapped[date] = mapped_column(Date, index=True)
    ends_on: Mapped[date] = mapped_column(Date)
    registration_opens_at: Mapped[datetime] = mapped_column(UTCDateTime)
    registration_closes_at: Mapped[datetime] = mapped_column(UTCDateTime)
    capacity: Mapped[int] = mapped_column()
    waitlist_enabled: Mapped[bool] = mapped_column(default=True)
    requires_review: Mapped[bool] = mapped_column(default=False)
    # A patient's seat is confirmed only once the medical team has verified the child.
    requires_verification: Mapped[bool] = mapped_column(default=False, server_default=false())
    published: Mapped[bool] = mapped_column(default=False)
    # Eligibility rules.
    min_age: Mapped[int | None] = mapped_column()
    max_age: Mapped[int | None] = mapped_column()
    audience: Mapped[str] = mapped_column(String(30), default=Audience.ANYONE)
    diagnosis_categories: Mapped[list[str]] = mapped_column(JSON, default=list)
    treated_at_hospital_required: Mapped[bool] = mapped_column(default=False)
    # The name, summary and description in other languages: {"es": {"name": …, …}}; a text
    # left empty reads in English (events.descriptions.in_language).
    translations: Mapped[dict] = mapped_column(JSON, default=dict, server_default="{}")
    # Incremented under the event's row lock for each registration received: both the lock
    # that serialises seat decisions and the order in which the waitlist is served.
    registration_counter: Mapped[int] = mapped_column(default=0)
    # Camp readiness: the documents families upload before camp ([{key, title, description,
    # due_days_before}]), and what the practical mail a week before camp tells them.
    required_documents: Mapped[list[dict]] = mapped_column(JSON, default=list, server_default="[]")
    arrival_details: Mapped[str] = mapped_column(Text, default="", server_default="")
    packing_list: Mapped[str] = mapped_column(Text, default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    # Every document the event ever had, in the order parents read them (retired ones too:
    # registrations that signed them keep pointing at their versions).
    consent_documents: Mapped[list["ConsentDocument"]] = relationship(
        back_populates="event",
        order_by="ConsentDocument.position, ConsentDocument.id",
        cascade="all, delete-orphan",
    )

    def text(self, field: str, language: str | None = None) -> str:
        """The event's `field` (name, summary or description) in `language` (by default the
        language of the page or mail being made), in English where it has no translation."""
        if language is None:
            locale = get_locale()
            language = locale.language if locale is not None else "en"
        translated = (self.translations or {}).get(language) or {}
        return translated.get(field) or getattr(self, field)

    @property
    def is_day_camp(self) -> bool:
        return self.kind == EventKind.DAY_CAMP

    @property
    def active_documents(self) -> list["ConsentDocument"]:
        """The documents parents read and sign now."""
        return [d for d in self.consent_documents if not d.retired]


class ConsentDocument(db.Model):
    """A document parents read and accept when registering (medical treatment, waiver...).
    Its texts live in versions, which are never changed: editing a text adds a version."""

    __tablename__ = "consent_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id"), index=True)
    key: Mapped[str] = mapped_column(String(40))
    position: Mapped[int] = mapped_column(default=0)
    required: Mapped[bool] = mapped_column(default=True)
    # Removed by a coordinator: no longer asked, kept for the registrations that signed it.
    retired: Mapped[bool] = mapped_column(default=False)
    # The number of the current version (the highest).
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    event: Mapped[Event] = relationship(back_populates="consent_documents")
    versions: Mapped[list["ConsentDocumentVersion"]] = relationship(
        back_populates="document",
        order_by="ConsentDocumentVersion.version",
        cascade="all, delete-orphan",
    )

    __table_args__ = (UniqueConstraint("event_id", "key", name="uq_consent_documents_event_key"),)

    @property
    def current(self) -> "ConsentDocumentVersion":
        return next(v for v in self.versions if v.version == self.version)


class ConsentDocumentVersion(db.Model):
    """One text of a consent document, in English and Spanish; never changed once written."""

    __tablename__ = "consent_document_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("consent_documents.id"))
    version: Mapped[int] = mapped_column()
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    title_es: Mapped[str] = mapped_column(String(200), default="")
    body_es: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    document: Mapped[ConsentDocument] = relationship(back_populates="versions")

    __table_args__ = (
        UniqueConstraint("document_id", "version", name="uq_consent_document_versions_version"),
    )

    @property
    def key(self) -> str:
        return self.document.key

    def title_in(self, locale: str | None) -> str:
        return self.title_es if locale == "es" and self.title_es else self.title

    def body_in(self, locale: str | None) -> str:
        return self.body_es if locale == "es" and self.body_es else self.body


def default_documents() -> list[ConsentDocument]:
    """The hospital's three standard documents, version 1, for a new event."""
    return [
        ConsentDocument(
            key=d.key,
            position=position,
            required=d.required,
            version=1,
            versions=[
                ConsentDocumentVersion(
                    version=1, title=d.title, body=d.body, title_es=d.title_es, body_es=d.body_es
                )
            ],
        )
        for position, d in enumerate(DEFAULT_DOCUMENTS)
    ]


@orm_events.listens_for(Session, "before_flush")
def _new_events_start_with_the_default_documents(session, _context, _instances) -> None:
    """Every event starts with the standard documents, however it is made (the pages, the
    API, a copy, the demo, a test), unless its maker gave it documents of its own."""
    for instance in list(session.new):
        if isinstance(instance, Event) and not instance.consent_documents:
            instance.consent_documents = default_documents()
