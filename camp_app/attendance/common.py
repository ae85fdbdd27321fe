"""What every attendance module shares: status shorthands, typed-text cleaning, the guards
that refuse a day outside the event or a registration that is not confirmed (registration_at_camp:
one rule for every page and action about a child at camp), and a child's record of a day. (An
event comes from events.services.event_by_slug.)"""

from datetime import date, datetime

from flask_babel import gettext as _
from sqlalchemy import select

from camp_app.attendance.models import AttendanceAction, AttendanceRecord, AttendanceStatus
from camp_app.events.models import Event
from camp_app.extensions import db
from camp_app.registrations.models import Registration, RegistrationStatus
from camp_app.registrations.queries import registration_of_event
from camp_app.service_errors import InvalidInput, NotAllowed, Problem

S = AttendanceStatus
A = AttendanceAction


def clean_text(text: str | None) -> str:
    """Typed text, trimmed; NUL characters dropped (PostgreSQL cannot store them)."""
    return (text or "").replace("\x00", "").strip()


def require_date(day, field_name: str = "date") -> None:
    if not isinstance(day, date) or isinstance(day, datetime):
        raise InvalidInput(
            Problem("invalid_date", _("Please give a date as YYYY-MM-DD."), field_name)
        )


def require_event_day(event: Event, day: date, field_name: str = "date") -> None:
    require_date(day, field_name)
    if not (event.starts_on <= day <= event.ends_on):
        raise NotAllowed(
            Problem(
                "outside_event_dates",
                _(
                    "%(day)s is not a day of %(event)s (%(start)s to %(end)s).",
                    day=day.isoformat(),
                    event=event.text("name"),
                    start=event.starts_on.isoformat(),
                    end=event.ends_on.isoformat(),
                ),
                field_name,
            )
        )


def registration_at_camp(event: Event, registration_id, *, lock: bool = False) -> Registration:
    """The event's registration if it is confirmed: only those children are at camp, and
    every attendance page and action about one child (check-in and out, absence, undo, the
    day's history, the medication log) goes through here. NotFound for no such registration
    of this event; NotAllowed (not_confirmed) for one pending review, waitlisted, declined or
    cancelled."""
    registration = registration_of_event(event, registration_id, lock=lock)
    require_confirmed(registration)
    return registration


def require_confirmed(registration: Registration) -> None:
    if registration.status != RegistrationStatus.CONFIRMED:
        raise NotAllowed(
            Problem(
                "not_confirmed",
                _(
                    "%(child)s's registration is not confirmed, so attendance cannot be recorded.",
                    child=registration.child.full_name,
                ),
                "registration_id",
            )
        )


def day_record(registration: Registration, day: date) -> AttendanceRecord | None:
    return db.session.scalar(
        select(AttendanceRecord).where(
            AttendanceRecord.registration_id == registration.id, AttendanceRecord.date == day
        )
    )
