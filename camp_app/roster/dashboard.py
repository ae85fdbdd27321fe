"""The numbers on an event's dashboard: seats, statuses, what needs doing, and two series.

A fixed number of aggregate queries (GROUP BY) whatever the event's size: one for the counts
by status, one for the registrations received per day, one for the age mix, one for the cabins
and groups, one for the mails given up on. Nothing here loads a registration row.
"""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import Date, case, cast, func, select

from camp_app.events.models import Event
from camp_app.extensions import db
from camp_app.families.models import Child, ChildRelationship, PatientVerification
from camp_app.notifications.services import count_failed
from camp_app.readiness.status import attention_counts
from camp_app.registrations.models import (
    ACTIVE,
    SEAT_HOLDING,
    Registration,
    RegistrationStatus,
)
from camp_app.roster.models import CampGroup
from camp_app.timeutil import camp_zone

# Ages outside 0..MAX_AGE on the first day are counted together (a typo in a birth date, say).
MAX_AGE = 25
OTHER_AGE = -1


@dataclass(frozen=True)
class DayCount:
    day: date
    received: int
    total: int  # received on this day and before


@dataclass
class Dashboard:
    capacity: int
    by_status: dict[str, int]
    unassigned: int  # seat holders without a cabin or group
    unverified: int  # patients with an active registration not verified by the medical team
    groups: int
    group_beds: int
    failed_mails: int = 0  # mails about the event given up on (refused, or undelivered for a day)
    days: list[DayCount] = field(default_factory=list)
    ages: dict[int, int] = field(default_factory=dict)  # age on the first day -> seat holders
    documents_missing: int = 0  # active registrations whose family still owes a document
    documents_to_review: int = 0  # documents waiting for a nurse or coordinator

    @property
    def taken(self) -> int:
        return sum(self.by_status.get(s, 0) for s in SEAT_HOLDING)

    @property
    def left(self) -> int:
        return max(self.capacity - self.taken, 0)

    @property
    def waitlisted(self) -> int:
        return self.by_status.get(RegistrationStatus.WAITLISTED, 0)

    @property
    def pending(self) -> int:
        return self.by_status.get(RegistrationStatus.PENDING_REVIEW, 0)

    @property
    def received(self) -> int:
        return sum(self.by_status.values())

    @property
    def over_capacity(self) -> int:
        """Seats held beyond the capacity (a coordinator lowered it after people registered)."""
        return max(self.taken - self.capacity, 0)


def _sum_where(condition):
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _status_counts(event: Event) -> tuple[dict[str, int], int, int]:
    """Counts by status, seat holders without a group, active patients not yet verified."""
    unassigned = _sum_where(Registration.status.in_(SEAT_HOLDING) & Registration.group_id.is_(None))
    unverified = _sum_where(
        Registration.status.in_(ACTIVE)
        & (Child.relationship == ChildRelationship.PATIENT)
        & (Child.patient_verification != PatientVerification.VERIFIED)
    )
    query = (
        select(Registration.status, func.count(), unassigned, unverified)
        .join(Registration.child)
        .where(Registration.event_id == event.id)
        .group_by(Registration.status)
    )
    by_status = {s.value: 0 for s in RegistrationStatus}
    n_unassigned = n_unverified = 0
    for status, n, status_unassigned, status_unverified in db.session.execute(query):
        by_status[status] = n
        n_unassigned += int(status_unassigned)
        n_unverified += int(status_unverified)
    return by_status, n_unassigned, n_unverified


def _received_buckets(event: Event):
    """(bucket, count) rows: a camp-zone date on PostgreSQL; a UTC hour text elsewhere (SQLite
    has no time zones), which _camp_day turns into the camp's date."""
    if db.engine.dialect.name == "postgresql":
        bucket = cast(func.timezone(camp_zone().key, Registration.created_at), Date)
    else:  # stored as "YYYY-MM-DD HH:MM:SS..." in UTC
        bucket = func.substr(Registration.created_at, 1, 13)
    query = (
        select(bucket, func.count())
        .where(Registration.event_id == event.id)
        .group_by(bucket)
        .order_by(bucket)
    )
    return db.session.execute(query).all()


def _camp_day(bucket) -> date:
    if isinstance(bucket, date):
        return bucket
    hour = datetime.strptime(bucket, "%Y-%m-%d %H").replace(tzinfo=UTC)
    return hour.astimezone(camp_zone()).date()


def received_per_day(event: Event) -> list[DayCount]:
    """Registrations received on each camp-zone day, from the first to the last such day
    (quiet days included, so the line is drawn to scale), with the running total."""
    per_day: dict[date, int] = {}
    for bucket, n in _received_buckets(event):
        day = _camp_day(bucket)
        per_day[day] = per_day.get(day, 0) + n
    if not per_day:
        return []
    days, total = [], 0
    day, last = min(per_day), max(per_day)
    while day <= last:
        total += per_day.get(day, 0)
        days.append(DayCount(day, per_day.get(day, 0), total))
        day += timedelta(days=1)
    return days


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a year without one
        return day.replace(year=day.year - years, day=28)


def _age_expression(first_day: date):
    """The age on `first_day` as a CASE over birth-date bounds: portable, and an index-friendly
    comparison rather than date arithmetic that differs between databases."""
    whens = [(Child.date_of_birth > first_day, OTHER_AGE)]
    whens += [
        (Child.date_of_birth > _years_before(first_day, age + 1), age) for age in range(MAX_AGE + 1)
    ]
    return case(*whens, else_=OTHER_AGE)


def seat_holder_ages(event: Event) -> dict[int, int]:
    """Seat holders by age on the first day, youngest first; OTHER_AGE for the implausible."""
    age = _age_expression(event.starts_on).label("age")
    query = (
        select(age, func.count())
        .select_from(Registration)
        .join(Registration.child)
        .where(Registration.event_id == event.id, Registration.status.in_(SEAT_HOLDING))
        .group_by(age)
    )
    counts = {int(a): n for a, n in db.session.execute(query)}
    return dict(sorted(counts.items(), key=lambda item: (item[0] == OTHER_AGE, item[0])))


def _groups(event: Event) -> tuple[int, int]:
    query = select(func.count(CampGroup.id), func.coalesce(func.sum(CampGroup.capacity), 0))
    n, beds = db.session.execute(query.where(CampGroup.event_id == event.id)).one()
    return int(n), int(beds)


def event_dashboard(event: Event) -> Dashboard:
    """Everything the dashboard shows, in five aggregate queries."""
    by_status, unassigned, unverified = _status_counts(event)
    groups, beds = _groups(event)
    documents_missing, documents_to_review = attention_counts(event)
    return Dashboard(
        capacity=event.capacity,
        by_status=by_status,
        unassigned=unassigned,
        unverified=unverified,
        groups=groups,
        group_beds=beds,
        failed_mails=count_failed(event_id=event.id),
        days=received_per_day(event),
        ages=seat_holder_ages(event),
        documents_missing=documents_missing,
        documents_to_review=documents_to_review,
    )
