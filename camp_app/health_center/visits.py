"""The health log: each visit to the health center (complaint, assessment, treatment,
disposition, whether and when the guardian was told), locked once written; later notes are
addenda with their author and time. Nothing is ever changed or deleted."""

from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from camp_app.attendance.common import registration_at_camp, require_event_day
from camp_app.attendance.day_sheet import CAMP_KINDS, group_names
from camp_app.audit.services import record as audit
from camp_app.audit.services import record_read
from camp_app.database import commit_keeping_loaded
from camp_app.events.models import Event
from camp_app.extensions import db
from camp_app.health_center.medication import day_bounds
from camp_app.health_center.models import HealthVisit, HealthVisitAddendum
from camp_app.health_center.schema import AddendumInput, HealthVisitInput
from camp_app.registrations.models import Registration
from camp_app.schemas.validation import validate
from camp_app.service_errors import InvalidInput, NotAllowed, NotFound, Problem
from camp_app.timeutil import to_camp, utcnow

VISIT_FIELDS = ("complaint", "assessment", "treatment", "disposition", "guardian_notified")
LEEWAY = timedelta(minutes=5)  # clocks differ a little


def require_camp(event: Event) -> None:
    if event.kind not in CAMP_KINDS:
        raise NotAllowed(Problem("health_log_camps_only", _("The health log is kept for camps.")))


def record_visit(actor, event: Event, data: dict) -> HealthVisit:
    require_camp(event)
    clean = validate(HealthVisitInput, data)
    registration = registration_at_camp(event, clean["registration_id"])
    now = utcnow()
    seen_at = clean["seen_at"] or now
    notified, notified_at = clean["guardian_notified"], clean["guardian_notified_at"]
    problems = []
    if seen_at > now + LEEWAY:
        problems.append(
            Problem("in_future", _("The time of the visit cannot be in the future."), "seen_at")
        )
    elif not event.starts_on <= to_camp(seen_at).date() <= event.ends_on:
        problems.append(
            Problem("outside_event_dates", _("The visit must be on a day of the camp."), "seen_at")
        )
    if notified_at is not None and not notified:
        problems.append(
            Problem(
                "notified_at_without_notice",
                _("Tick “guardian told” to give the time they were told."),
                "guardian_notified_at",
            )
        )
    elif notified_at is not None and notified_at > now + LEEWAY:
        problems.append(
            Problem(
                "in_future",
                _("The time the guardian was told cannot be in the future."),
                "guardian_notified_at",
            )
        )
    if problems:
        raise InvalidInput(problems)
    visit = HealthVisit(
        registration_id=registration.id,
        child_id=registration.child_id,
        seen_at=seen_at,
        complaint=clean["complaint"],
        assessment=clean["assessment"],
        treatment=clean["treatment"],
        disposition=clean["disposition"],
        guardian_notified=notified,
        guardian_notified_at=(notified_at or now) if notified else None,
        recorded_by_id=actor.id,
    )
    db.session.add(visit)
    audit(actor.id, "health_visit.create", visit, VISIT_FIELDS)
    commit_keeping_loaded(db.session)
    return visit


def _visit(visit_id: int) -> HealthVisit:
    visit = (
        db.session.scalar(
            select(HealthVisit)
            .where(HealthVisit.id == visit_id)
            .options(
                joinedload(HealthVisit.registration).joinedload(Registration.child),
                joinedload(HealthVisit.recorded_by),
                selectinload(HealthVisit.addenda).joinedload(HealthVisitAddendum.author),
            )
        )
        if visit_id
        else None
    )
    if visit is None:
        raise NotFound(Problem("not_found", _("That visit does not exist.")))
    return visit


def visit_for(reader, visit_id: int) -> HealthVisit:
    visit = _visit(visit_id)
    record_read(reader.id, "health_visit.read", "health_visits", visit.id, VISIT_FIELDS)
    commit_keeping_loaded(db.session)
    return visit


def add_addendum(actor, visit_id: int, data: dict) -> HealthVisit:
    """A later note on a visit; the visit itself stays as written. Returns the visit."""
    visit = _visit(visit_id)
    clean = validate(AddendumInput, data)
    addendum = HealthVisitAddendum(
        visit_id=visit.id, text=clean["text"], author_id=actor.id, written_at=utcnow()
    )
    db.session.add(addendum)
    audit(actor.id, "health_visit_addendum.create", addendum, ["text"])
    db.session.commit()
    return _visit(visit.id)


@dataclass
class VisitDay:
    event: Event
    day: date
    visits: list[HealthVisit]
    groups: dict[int, str]  # cabin name per registration id

    def by_cabin(self) -> list[tuple[str, list[HealthVisit]]]:
        cabins: dict[str, list[HealthVisit]] = {}
        for visit in self.visits:
            cabins.setdefault(self.groups.get(visit.registration_id, ""), []).append(visit)
        return sorted(cabins.items(), key=lambda item: (item[0] == "", item[0].lower()))

    def by_child(self) -> list[tuple[Registration, list[HealthVisit]]]:
        children: dict[int, list[HealthVisit]] = {}
        for visit in self.visits:
            children.setdefault(visit.registration_id, []).append(visit)
        rows = [(visits[0].registration, visits) for visits in children.values()]
        return sorted(
            rows, key=lambda row: (row[0].child.last_name.lower(), row[0].child.first_name.lower())
        )


def visits_for_day(reader, event: Event, day: date) -> VisitDay:
    """The day's visits (camp time), oldest first, with their addenda: a fixed number of
    statements; one audit entry for the read."""
    require_camp(event)
    require_event_day(event, day)
    start, end = day_bounds(day)
    visits = list(
        db.session.scalars(
            select(HealthVisit)
            .join(Registration, Registration.id == HealthVisit.registration_id)
            .where(
                Registration.event_id == event.id,
                HealthVisit.seen_at >= start,
                HealthVisit.seen_at < end,
            )
            .options(
                joinedload(HealthVisit.registration).joinedload(Registration.child),
                joinedload(HealthVisit.recorded_by),
                selectinload(HealthVisit.addenda).joinedload(HealthVisitAddendum.author),
            )
            .order_by(HealthVisit.seen_at, HealthVisit.id)
        ).unique()
    )
    groups = group_names(v.registration_id for v in visits)
    record_read(reader.id, "health_visit.read", "events", event.id, VISIT_FIELDS)
    commit_keeping_loaded(db.session)
    return VisitDay(event, day, visits, groups)


def _iso(moment):
    return moment.isoformat() if moment else None


def visit_to_dict(visit: HealthVisit) -> dict:
    return {
        "id": visit.id,
        "registration_id": visit.registration_id,
        "seen_at": _iso(visit.seen_at),
        "complaint": visit.complaint,
        "assessment": visit.assessment,
        "treatment": visit.treatment,
        "disposition": visit.disposition,
        "guardian_notified": visit.guardian_notified,
        "guardian_notified_at": _iso(visit.guardian_notified_at),
        "recorded_by_id": visit.recorded_by_id,
        "addenda": [
            {
                "id": addendum.id,
                "text": addendum.text,
                "author_id": addendum.author_id,
                "author": addendum.author.name,
                "written_at": _iso(addendum.written_at),
            }
            for addendum in visit.addenda
        ],
    }
