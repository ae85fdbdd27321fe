"""Events and camps, with the eligibility rules a coordinator sets."""

from datetime import date, datetime
from enum import StrEnum

from flask_babel import get_locale
from sqlalchemy import JSON, Date, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column

from camp_app.database import UTCDateTime
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
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

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
