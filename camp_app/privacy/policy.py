"""The retention periods (config PRIVACY_*, see the README's retention table) and when a
closed household's kept records may go."""

from datetime import date, datetime, timedelta

from flask import current_app
from sqlalchemy import exists, func, or_, select

from camp_app import timeutil
from camp_app.attendance.models import AttendanceRecord
from camp_app.events.models import Event
from camp_app.extensions import db
from camp_app.health_center.models import DoseRecord, HealthVisit
from camp_app.registrations.models import SEAT_HOLDING, Registration


def years_before(day: date, years: int) -> date:
    """The same calendar day `years` earlier (28 February for a 29th)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def years_after(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def keep_years() -> int:
    """How long a closed household's camp records are kept after its last camp (and after the
    closure, whichever is later)."""
    return current_app.config["PRIVACY_KEEP_CAMP_RECORDS_YEARS"]


def days(name: str) -> timedelta:
    return timedelta(days=current_app.config[name])


def last_camp_day_query(household_id):
    """The last day of the latest camp the household has records of: a seat held (confirmed
    or pending; not cancelled before camp, declined or waitlisted), or attendance or a
    medication record (a child at camp when the account was closed). A scalar query."""
    at_camp = or_(
        Registration.status.in_(SEAT_HOLDING),
        exists().where(AttendanceRecord.registration_id == Registration.id),
        exists().where(DoseRecord.registration_id == Registration.id),
        exists().where(HealthVisit.registration_id == Registration.id),
    )
    return (
        select(func.max(Event.ends_on))
        .join(Registration, Registration.event_id == Event.id)
        .where(Registration.household_id == household_id, at_camp)
    )


def last_camp_day(household_id: int) -> date | None:
    return db.session.scalar(last_camp_day_query(household_id))


def kept_until(household_id: int, closed_at: datetime) -> date | None:
    """The day after which a closed household's kept records are erased; None when it has
    nothing the camp must keep (no seat at any camp), so it goes at the next purge."""
    last = last_camp_day(household_id)
    if last is None:
        return None
    closed_on = timeutil.camp_today(closed_at)
    return years_after(max(last, closed_on), keep_years())
