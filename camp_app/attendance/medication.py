"""The overnight camps' medication log: doses the nurse gives, checked against the child's own
medication list, and the day's view of what is due and what was given."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from camp_app.attendance.common import clean_text, require_confirmed, require_event_day
from camp_app.attendance.models import MedicationDose
from camp_app.audit.services import record as audit
from camp_app.events.models import Event, EventKind
from camp_app.extensions import db
from camp_app.families.models import Child, Medication
from camp_app.registrations.models import Registration, RegistrationStatus
from camp_app.service_errors import InvalidInput, NotAllowed, Problem
from camp_app.timeutil import camp_local_to_utc, camp_today, utcnow

DOSE_MAX = 80
NOTE_MAX = 500


def require_medication_log(event: Event) -> None:
    if event.kind != EventKind.OVERNIGHT_CAMP:
        raise NotAllowed(
            Problem(
                "medication_log_overnight_only",
                _("The medication log is kept for overnight camps."),
            )
        )


def record_dose(
    actor,
    registration: Registration,
    medication_id: int | None,
    dose: str,
    given_at: datetime | None,
    note: str = "",
) -> MedicationDose:
    """Log a dose the nurse gave; the medication must be on the child's own list."""
    event = registration.event
    require_medication_log(event)
    require_confirmed(registration)
    medication = _child_medication(registration.child, medication_id)
    dose = clean_text(dose)
    note = clean_text(note)
    _check_dose_fields(event, dose, given_at, note)
    entry = MedicationDose(
        registration_id=registration.id,
        child_id=registration.child_id,
        medication_id=medication.id,
        medication_name=medication.name,
        dose=dose,
        given_at=given_at,
        given_by_id=actor.id,
        note=note,
    )
    db.session.add(entry)
    audit(actor.id, "medication_dose.create", entry, ["medication_id", "dose", "given_at", "note"])
    db.session.commit()
    return entry


def _child_medication(child: Child, medication_id) -> Medication:
    for medication in child.medications:
        if medication_id is not None and medication.id == medication_id:
            return medication
    raise InvalidInput(
        Problem(
            "medication_not_on_list",
            _("Choose a medication from %(child)s's list.", child=child.full_name),
            "medication_id",
        )
    )


def _check_dose_fields(event: Event, dose: str, given_at: datetime | None, note: str) -> None:
    problems = []
    if not dose:
        problems.append(Problem("required", _("Enter the dose given."), "dose"))
    elif len(dose) > DOSE_MAX:
        problems.append(
            Problem(
                "too_long",
                _("Please keep the dose under %(max)d characters.", max=DOSE_MAX),
                "dose",
            )
        )
    if len(note) > NOTE_MAX:
        problems.append(
            Problem(
                "too_long",
                _("Please keep the note under %(max)d characters.", max=NOTE_MAX),
                "note",
            )
        )
    if given_at is None or given_at.tzinfo is None:
        problems.append(Problem("required", _("Enter the time the dose was given."), "given_at"))
    elif given_at > utcnow() + timedelta(minutes=5):
        problems.append(
            Problem("given_in_future", _("The time given cannot be in the future."), "given_at")
        )
    elif not (event.starts_on <= camp_date_of(given_at) <= event.ends_on):
        problems.append(
            Problem("outside_event_dates", _("The time given must be during the camp."), "given_at")
        )
    if problems:
        raise InvalidInput(problems)


def camp_date_of(moment: datetime) -> date:
    return camp_today(moment)


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """The camp-local day as a UTC range [start, end)."""
    start = camp_local_to_utc(datetime.combine(day, time.min))
    end = camp_local_to_utc(datetime.combine(day + timedelta(days=1), time.min))
    return start, end


@dataclass
class ChildMedicationDay:
    registration: Registration
    due: list[Medication]  # the child's list; each schedule is free text from the family
    given: list[MedicationDose]


def doses_for_day(event: Event, day: date) -> list[ChildMedicationDay]:
    """Per confirmed child with medications or doses: what is due (schedules) and what was given."""
    require_medication_log(event)
    require_event_day(event, day)
    registrations = db.session.scalars(
        select(Registration)
        .join(Child, Child.id == Registration.child_id)
        .where(
            Registration.event_id == event.id,
            Registration.status == RegistrationStatus.CONFIRMED.value,
        )
        .options(selectinload(Registration.child).selectinload(Child.medications))
        .order_by(func.lower(Child.last_name), func.lower(Child.first_name), Registration.id)
    ).all()
    start, end = day_bounds(day)
    doses = db.session.scalars(
        select(MedicationDose)
        .join(Registration, Registration.id == MedicationDose.registration_id)
        .where(
            Registration.event_id == event.id,
            MedicationDose.given_at >= start,
            MedicationDose.given_at < end,
        )
        .options(selectinload(MedicationDose.given_by))
        .order_by(MedicationDose.given_at, MedicationDose.id)
    ).all()
    given: dict[int, list[MedicationDose]] = {}
    for dose in doses:
        given.setdefault(dose.registration_id, []).append(dose)
    return [
        ChildMedicationDay(r, list(r.child.medications), given.get(r.id, []))
        for r in registrations
        if r.child.medications or r.id in given
    ]
