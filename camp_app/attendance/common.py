"""What every attendance module shares: status shorthands, typed-text cleaning, the guards
that refuse a day outside the event or a registration that is not confirmed, and a child's
record of a day. (An event comes from events.services.event_by_slug, a registration from
registrations.queries.registration_of_event.)"""

from datetime import date, datetime

from flask_babel import gettext as _
from sqlalchemy import select

from camp_app.attendance.models import AttendanceAction, AttendanceRecord, AttendanceStatus
from camp_app.events.models import Event
from camp_app.extensions import db
from camp_app.registrations.models import Registration, RegistrationStatus
from camp_app.service_errors import InvalidInput, NotAllowed, Problem

S = AttendanceStatus
A = AttendanceAction


def clean_text(text: str | None) -> str:
    """Typed text, trimmed; NUL characters dropped (PostgreSQL cannot store them)."""
    return (text or "").replace("\x00", "").strip()


def require_event_day(event: Event, day: date, field_name: str = "date") -> None:
    if not isinstance(day, date) or isinstance(day, datetime):
        raise InvalidInput(
            Problem("invalid_date", _("Please give a date as YYYY-MM-DD."), field_name)
        )
    if not (event.starts_on <= day <= event.ends_on):
        raise NotAllowed(
            Problem(
                "outside_event_dates",
                _(
                    "%(day)s is not a day of %(event)s (%(start)s to %(end)s).",
                    day=day.isoformat(),
                    event=event.name,
                    start=event.starts_on.isoformat(),
                    end=event.ends_on.isoformat(),
                ),
                field_name,
            )
        )


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
