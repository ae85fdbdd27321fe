"""The electronic medication record of an overnight camp.

Doses are due at the times each medication names (`Medication.times`, camp time) on each day of
the camp, for a child at camp: one who has arrived and not gone home (attendance's effective
state). A child absent, not yet arrived or gone home has nothing due; on the day of arrival a
dose due well before the child came (more than the overdue window) is not the camp's to give,
and on the day of departure nothing is due after the child left.

A dose's outcome is a DoseRecord: given, refused, held or missed (the last three with a
reason). Records are never changed or deleted: a correction is a new record naming the one it
corrects, and the dose's status is the last record of that chain. A dose still due more than
DOSE_OVERDUE_MINUTES after its time is overdue.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from camp_app.attendance.common import S, day_record, registration_at_camp, require_event_day
from camp_app.attendance.day_sheet import day_statement, effective_state, group_names, has_allergy
from camp_app.audit.services import record as audit
from camp_app.audit.services import record_read
from camp_app.database import commit_keeping_loaded
from camp_app.events.models import Event, EventKind
from camp_app.extensions import db
from camp_app.families.models import Medication
from camp_app.health_center.models import DoseRecord, DoseStatus
from camp_app.health_center.schema import DoseRecordInput
from camp_app.registrations.models import Registration
from camp_app.schemas.validation import validate
from camp_app.service_errors import Conflict, InvalidInput, NotAllowed, NotFound, Problem
from camp_app.timeutil import camp_local_to_utc, camp_today, to_camp, utcnow

DUE = "due"  # the status of a dose with no record yet
MEDICATION_READ_FIELDS = ("allergies", "medications", "dose_records")


def require_medication_record(event: Event) -> None:
    if event.kind != EventKind.OVERNIGHT_CAMP:
        raise NotAllowed(
            Problem(
                "medication_record_overnight_only",
                _("The medication record is kept for overnight camps."),
            )
        )


def overdue_after() -> timedelta:
    return timedelta(minutes=current_app.config["DOSE_OVERDUE_MINUTES"])


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """The camp-local day as a UTC range [start, end)."""
    start = camp_local_to_utc(datetime.combine(day, time.min))
    end = camp_local_to_utc(datetime.combine(day + timedelta(days=1), time.min))
    return start, end


def due_times(medication: Medication, day: date) -> list[datetime]:
    """When the medication is due on `day` (camp time), as UTC, in order."""
    moments = []
    for value in medication.times or []:
        try:
            hour, minute = (int(part) for part in value.split(":"))
            moments.append(camp_local_to_utc(datetime.combine(day, time(hour, minute))))
        except (ValueError, TypeError):
            continue  # the schema keeps "HH:MM"; anything else is not a time to give
    return sorted(set(moments))


@dataclass
class Dose:
    """One dose of a child's day: its time, what is known of it and its records (oldest
    first; the last one is the status)."""

    medication_id: int | None
    name: str
    dose: str
    due_at: datetime
    records: list[DoseRecord] = field(default_factory=list)
    overdue: bool = False
    scheduled: bool = True

    @property
    def record(self) -> DoseRecord | None:
        return self.records[-1] if self.records else None

    @property
    def status(self) -> str:
        return self.record.status if self.records else DUE


@dataclass
class ChildDoses:
    registration_id: int
    child_id: int
    first_name: str
    last_name: str
    allergies: str
    group: str
    state: str  # attendance's effective state of the day
    present: bool
    doses: list[Dose]
    as_needed: list[Medication]  # medications with no times, given when needed

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def has_allergy(self) -> bool:
        return has_allergy(self.allergies)

    @property
    def overdue(self) -> list[Dose]:
        return [dose for dose in self.doses if dose.overdue]


@dataclass
class MedicationDay:
    event: Event
    day: date
    children: list[ChildDoses]

    @property
    def overdue(self) -> list[tuple[ChildDoses, Dose]]:
        return [(child, dose) for child in self.children for dose in child.overdue]


def medication_day(reader, event: Event, day: date, now: datetime | None = None) -> MedicationDay:
    """The nurse's day: per confirmed child with medications, records or allergies, present
    children first (name order), allergies, then the doses due with their status. A fixed
    number of statements whatever the number of children; one audit entry for the read."""
    require_medication_record(event)
    require_event_day(event, day)
    now = now or utcnow()
    late = overdue_after()
    results = db.session.execute(day_statement(event, day)).all()
    ids = [row[0] for row in results]
    groups = group_names(ids)
    medications: dict[int, list[Medication]] = {}
    records: dict[int, list[DoseRecord]] = {}
    if ids:
        child_ids = [row[1] for row in results]
        for medication in db.session.scalars(
            select(Medication).where(Medication.child_id.in_(child_ids)).order_by(Medication.id)
        ):
            medications.setdefault(medication.child_id, []).append(medication)
        start, end = day_bounds(day)
        for record in db.session.scalars(
            select(DoseRecord)
            .where(
                DoseRecord.registration_id.in_(ids),
                DoseRecord.due_at >= start,
                DoseRecord.due_at < end,
            )
            .options(joinedload(DoseRecord.recorded_by))
            .order_by(DoseRecord.id)
        ):
            records.setdefault(record.registration_id, []).append(record)
    children = []
    for reg_id, child_id, first, last, _born, allergies, own, _ps, _pd, state in results:
        child_meds = medications.get(child_id, [])
        child_records = records.get(reg_id, [])
        if not child_meds and not child_records and not has_allergy(allergies):
            continue
        present, window = _presence(own, state, day, late)
        doses = _doses(child_meds, child_records, day, present, window, now, late)
        children.append(
            ChildDoses(
                registration_id=reg_id,
                child_id=child_id,
                first_name=first,
                last_name=last,
                allergies=(allergies or "").strip(),
                group=groups.get(reg_id, ""),
                state=state,
                present=present,
                doses=doses,
                as_needed=[m for m in child_meds if not m.times],
            )
        )
    children.sort(key=lambda child: not child.present)  # stable: name order within
    record_read(
        reader.id,
        "medication_record.read",
        "events",
        event.id,
        MEDICATION_READ_FIELDS,
        ids=[child.child_id for child in children],
    )
    commit_keeping_loaded(db.session)
    return MedicationDay(event, day, children)


def _presence(own, state: str, day: date, late: timedelta):
    """(present on the day, (from, until) of the doses due)."""
    # A time written on the day's record counts only if it is that day's (a check-in entered
    # afterwards for an earlier day carries the time it was entered).
    arrived = _on_day(own.check_in_at, day) if own is not None and own.date == day else None
    since = arrived - late if arrived else None
    if state == S.CHECKED_IN:
        return True, (since, None)
    if own is not None and own.status == S.CHECKED_OUT and own.check_out_at is not None:
        return True, (since, _on_day(own.check_out_at, day))  # left that day
    return False, (None, None)


def _on_day(moment: datetime | None, day: date) -> datetime | None:
    return moment if moment is not None and to_camp(moment).date() == day else None


def _doses(medications, records, day, present, window, now, late) -> list[Dose]:
    chains = _chains(records)
    doses: dict[tuple, Dose] = {}
    if present:
        since, until = window
        for medication in medications:
            for due_at in due_times(medication, day):
                if (since and due_at < since) or (until and due_at > until):
                    continue
                doses[(medication.id, due_at)] = Dose(
                    medication.id, medication.name, medication.dose, due_at
                )
    for chain in chains:
        first = chain[0]
        key = (first.medication_id, first.due_at)
        dose = doses.get(key) if first.medication_id is not None else None
        if dose is None:
            dose = Dose(
                first.medication_id,
                first.medication_name,
                first.dose,
                first.due_at,
                scheduled=False,
            )
            doses[key if first.medication_id is not None else ("record", first.id)] = dose
        dose.records = chain
    for dose in doses.values():
        dose.overdue = not dose.records and dose.due_at < now - late
    return sorted(doses.values(), key=lambda d: (d.due_at, d.name.lower()))


def _chains(records: list[DoseRecord]) -> list[list[DoseRecord]]:
    """The records as chains: an original, then each correction of the one before."""
    by_corrected = {r.corrects_id: r for r in records if r.corrects_id is not None}
    chains = []
    for record in records:
        if record.corrects_id is not None:
            continue
        chain = [record]
        while chain[-1].id in by_corrected:
            chain.append(by_corrected[chain[-1].id])
        chains.append(chain)
    return chains


# --- recording --------------------------------------------------------------------------


def record_dose(actor, event: Event, data: dict) -> DoseRecord:
    """A dose's outcome (or a correction of one). 409 dose_already_recorded when the dose has
    a record and this one names none; 409 already_corrected when the record named was
    corrected meanwhile. Never changes an existing record."""
    require_medication_record(event)
    clean = validate(DoseRecordInput, data)
    registration = registration_at_camp(event, clean["registration_id"])
    corrected = _corrected_record(registration, clean["corrects_id"])
    medication = _medication(registration, clean["medication_id"], corrected)
    status, note, due_at = clean["status"], clean["note"], clean["due_at"]
    _check_dose(event, registration, medication, corrected, status, note, due_at)
    entry = DoseRecord(
        registration_id=registration.id,
        child_id=registration.child_id,
        medication_id=medication.id if medication else corrected.medication_id,
        medication_name=medication.name if medication else corrected.medication_name,
        dose=medication.dose if medication else corrected.dose,
        due_at=due_at,
        status=status,
        note=note,
        corrects_id=corrected.id if corrected else None,
        recorded_by_id=actor.id,
        recorded_at=utcnow(),
    )
    db.session.add(entry)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise _already_recorded(corrected) from None
    fields = ["medication_id", "due_at", "status", "note"]
    audit(actor.id, "dose_record.create", entry, [*fields, *(["corrects_id"] if corrected else [])])
    try:
        db.session.commit()
    except IntegrityError:  # a unique index checked at commit
        db.session.rollback()
        raise _already_recorded(corrected) from None
    return entry


def _already_recorded(corrected: DoseRecord | None) -> Conflict:
    if corrected is not None:
        return Conflict(
            Problem(
                "already_corrected",
                _("That record was corrected meanwhile. Reload to see the latest record."),
                "corrects_id",
            )
        )
    return Conflict(
        Problem(
            "dose_already_recorded",
            _("This dose is already recorded. To change it, correct the record."),
            "due_at",
        )
    )


def _corrected_record(registration: Registration, record_id: int | None) -> DoseRecord | None:
    if record_id is None:
        return None
    record = db.session.get(DoseRecord, record_id) if record_id else None
    if record is None or record.registration_id != registration.id:
        raise InvalidInput(
            Problem(
                "correction_not_found",
                _("The record to correct is not one of this child's."),
                "corrects_id",
            )
        )
    return record


def _medication(registration, medication_id: int, corrected: DoseRecord | None):
    """The medication on the child's list; a correction may name one the family removed
    since, as its record names it (then None: the record's copy is used)."""
    for medication in registration.child.medications:
        if medication.id == medication_id:
            return medication
    if corrected is not None and corrected.medication_id == medication_id:
        return None
    raise InvalidInput(
        Problem(
            "medication_not_on_list",
            _(
                "Choose a medication from %(child)s's list.",
                child=registration.child.full_name,
            ),
            "medication_id",
        )
    )


def _check_dose(event, registration, medication, corrected, status, note, due_at) -> None:
    problems = []
    if status != DoseStatus.GIVEN and not note:
        problems.append(
            Problem(
                "reason_required",
                _("Say why the dose was refused, held or missed."),
                "note",
            )
        )
    day = to_camp(due_at).date()
    if corrected is not None:
        if corrected.medication_id != (medication.id if medication else corrected.medication_id):
            problems.append(_mismatch("medication_id"))
        if corrected.due_at != due_at:
            problems.append(_mismatch("due_at"))
    elif not event.starts_on <= day <= event.ends_on:
        problems.append(
            Problem(
                "outside_event_dates",
                _("The dose must be due on a day of the camp."),
                "due_at",
            )
        )
    elif medication.times and due_at not in due_times(medication, day):
        problems.append(
            Problem(
                "not_a_scheduled_time",
                _("That is not a time this medication is due."),
                "due_at",
            )
        )
    elif not medication.times and due_at > utcnow() + timedelta(minutes=5):
        problems.append(
            Problem(
                "given_in_future",
                _("A dose given as needed cannot be recorded ahead."),
                "due_at",
            )
        )
    elif day > camp_today():
        problems.append(
            Problem("dose_not_yet_due", _("That dose is due on a later day."), "due_at")
        )
    elif not _at_camp(event, registration, day):
        problems.append(
            Problem(
                "not_at_camp",
                _(
                    "%(child)s is not at camp that day: nothing is due.",
                    child=registration.child.full_name,
                ),
                "registration_id",
            )
        )
    if problems:
        raise InvalidInput(problems)


def _mismatch(field_name: str) -> Problem:
    return Problem(
        "correction_mismatch",
        _("A correction is for the same medication and time as the record it corrects."),
        field_name,
    )


def _at_camp(event: Event, registration: Registration, day: date) -> bool:
    record = day_record(registration, day)
    if effective_state(event, registration, day, record) == S.CHECKED_IN:
        return True
    return record is not None and record.status == S.CHECKED_OUT  # left that day


def record_to_dict(record: DoseRecord) -> dict:
    return {
        "id": record.id,
        "registration_id": record.registration_id,
        "medication_id": record.medication_id,
        "name": record.medication_name,
        "dose": record.dose,
        "due_at": record.due_at.isoformat(),
        "status": record.status,
        "note": record.note,
        "corrects_id": record.corrects_id,
        "recorded_by_id": record.recorded_by_id,
        "recorded_at": record.recorded_at.isoformat(),
    }


def day_to_list(day: MedicationDay) -> list[dict]:
    """The contract's view of the nurse's day."""
    return [
        {
            "registration_id": child.registration_id,
            "child_first_name": child.first_name,
            "child_last_name": child.last_name,
            "allergies": child.allergies,
            "present": child.present,
            "doses": [
                {
                    "medication_id": dose.medication_id,
                    "name": dose.name,
                    "dose": dose.dose,
                    "due_at": dose.due_at.isoformat(),
                    "status": dose.status,
                    "overdue": dose.overdue,
                    "record_id": dose.record.id if dose.record else None,
                    "note": dose.record.note if dose.record else "",
                }
                for dose in child.doses
            ],
        }
        for child in day.children
    ]


def find_record(record_id: int) -> DoseRecord:
    record = db.session.get(DoseRecord, record_id) if record_id else None
    if record is None:
        raise NotFound(Problem("not_found", _("That record does not exist.")))
    return record
