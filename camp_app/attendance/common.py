"""What every attendance module shares: status shorthands, typed-text cleaning, and the
guards that turn an event slug, a registration id or a day into a row or a refusal."""

from datetime import date, datetime

from flask_babel import gettext as _
from sqlalchemy import select

from camp_app.attendance.models import AttendanceAction, AttendanceRecord, AttendanceStatus
from camp_app.events.models import Event
from camp_app.extensions import db
from camp_app.registrations.models import Registration, RegistrationStatus
from camp_app.service_errors import InvalidInput, NotAllowed, NotFound, Problem

S = AttendanceStatus
A = AttendanceAction
MAX_ID = 2**31 - 1  # ids are 32-bit integers on PostgreSQL


def clean_text(text: str | None) -> str:
    """Typed text, trimmed; NUL characters dropped (PostgreSQL cannot store them)."""
    return (text or "").replace("\x00", "").strip()


def possible_id(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_ID


def get_event(slug: str) -> Event:
    event = db.session.scalar(select(Event).where(Event.slug == slug))
    if event is None:
        raise NotFound(Problem("not_found", _("We could not find that event.")))
    return event


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
                    event=event.name,
                    start=event.starts_on.isoformat(),
                    end=event.ends_on.isoformat(),
                ),
                field_name,
            )
        )


def registration_for(event: Event, registration_id: int, *, lock: bool = False) -> Registration:
    """The event's registration, or NotFound (also for another event's registration)."""
    if not possible_id(registration_id):
        registration_id = 0  # no such row; PostgreSQL would refuse the number itself
    statement = select(Registration).where(
        Registration.id == registration_id, Registration.event_id == event.id
    )
    if lock:
        # Serialises two staff members acting on the same child at once (PostgreSQL).
        statement = statement.with_for_update()
    registration = db.session.scalar(statement)
    if registration is None:
        raise NotFound(
            Problem(
                "not_found", _("That child is not registered for this event."), "registration_id"
            )
        )
    return registration


def registration_at_camp(event: Event, registration_id: int, *, lock: bool = False):
    """The event's registration if it is confirmed: only those children are at camp, and
    every attendance page and action about one child (check-in and out, absence, undo, the
    day's history, the medication log) goes through here. NotFound for no such registration
    of this event; NotAllowed (not_confirmed) for one pending review, waitlisted, declined or
    cancelled."""
    registration = registration_for(event, registration_id, lock=lock)
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
