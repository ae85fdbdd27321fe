"""The nurse's electronic medication record: doses due at each medication's times for children
at camp, their status, corrections as new records, what is overdue."""

from datetime import timedelta

import pytest
from sqlalchemy import text

from camp_app.attendance import services as attendance
from camp_app.attendance.models import AttendanceRecord
from camp_app.audit.models import AuditEntry
from camp_app.extensions import db
from camp_app.health_center import medication
from camp_app.health_center.models import DoseRecord
from camp_app.service_errors import Conflict, InvalidInput, NotAllowed
from camp_app.timeutil import camp_today
from tests.attendance.helpers import confirmed_child, running_camp, staff_member
from tests.health_center.helpers import MORNING_EVENING, at, child_at_camp, nurse, overnight_camp
from tests.support.queries import counted_statements


def codes(error) -> list[str]:
    return [p.code for p in error.value.problems]


def dose_body(registration, status="given", hour=8, note="", **extra):
    return {
        "registration_id": registration.id,
        "medication_id": registration.child.medications[0].id,
        "due_at": at(hour).isoformat(),
        "status": status,
        "note": note,
        **extra,
    }


@pytest.fixture
def camp(app_ctx):
    event = overnight_camp()
    maya = child_at_camp(event, first_name="Maya", allergies="Penicillin")
    return event, maya, nurse()


def test_doses_are_due_at_the_medications_times_for_a_child_at_camp(camp):
    event, maya, reader = camp
    now = at(9, 30)  # the 08:00 dose is 90 minutes late, the 20:00 one still to come
    day = medication.medication_day(reader, event, camp_today(), now=now)
    (child,) = day.children
    assert child.present and child.allergies == "Penicillin" and child.has_allergy
    assert [(d.due_at, d.status, d.overdue) for d in child.doses] == [
        (at(8), "due", True),
        (at(20), "due", False),
    ]
    assert [(c.full_name, d.due_at) for c, d in day.overdue] == [(maya.child.full_name, at(8))]
    # Within the window (60 minutes by default) a dose is due, not yet overdue.
    day = medication.medication_day(reader, event, camp_today(), now=at(8, 59))
    assert day.overdue == []


def test_the_overdue_window_is_configured(app, camp):
    event, _maya, reader = camp
    app.config["DOSE_OVERDUE_MINUTES"] = 15
    day = medication.medication_day(reader, event, camp_today(), now=at(8, 20))
    assert [d.overdue for d in day.children[0].doses] == [True, False]


def test_a_child_not_at_camp_has_nothing_due(camp):
    event, _maya, reader = camp
    staff = staff_member()
    confirmed_child(event, pickup=False, first_name="Wes", medications=MORNING_EVENING)
    absent = child_at_camp(event, arrived_days_ago=0, first_name="Abe")
    attendance.undo_last(staff, event, absent.id, camp_today())
    attendance.mark_absent(staff, event, absent.id, camp_today(), "fever")
    gone = child_at_camp(event, first_name="Gus")
    attendance.check_out(staff, event, gone.id, camp_today())
    day = medication.medication_day(reader, event, camp_today(), now=at(23))
    by_name = {c.first_name: c for c in day.children}
    assert by_name["Wes"].present is False and by_name["Wes"].doses == []
    assert by_name["Abe"].present is False and by_name["Abe"].doses == []
    # Gone home today: the day's doses before leaving were due; none after.
    left = db.session.scalar(
        db.select(AttendanceRecord.check_out_at).where(
            AttendanceRecord.registration_id == gone.id, AttendanceRecord.date == camp_today()
        )
    )
    assert by_name["Gus"].present is True
    assert [d.due_at for d in by_name["Gus"].doses] == [t for t in (at(8), at(20)) if t <= left]
    assert [c.first_name for c in day.children][-2:] == ["Abe", "Wes"]  # at camp first
    with pytest.raises(InvalidInput) as error:
        medication.record_dose(reader, event, dose_body(absent))
    assert codes(error) == ["not_at_camp"]


def test_arriving_today_the_doses_long_before_arrival_are_not_due(camp):
    event, _maya, reader = camp
    newcomer = child_at_camp(event, arrived_days_ago=0, first_name="Nia")
    arrived = db.session.scalar(
        db.select(AttendanceRecord.check_in_at).where(
            AttendanceRecord.registration_id == newcomer.id
        )
    )
    day = medication.medication_day(reader, event, camp_today(), now=at(23, 59))
    doses = next(c for c in day.children if c.first_name == "Nia").doses
    expected = [t for t in (at(8), at(20)) if t >= arrived - timedelta(minutes=60)]
    assert [d.due_at for d in doses] == expected


def test_given_then_a_second_record_is_refused_and_a_correction_names_the_first(camp):
    event, maya, reader = camp
    first = medication.record_dose(reader, event, dose_body(maya))
    assert (first.status, first.medication_name, first.dose) == ("given", "Ondansetron", "4 mg")
    with pytest.raises(Conflict) as error:
        medication.record_dose(reader, event, dose_body(maya, "refused", note="spat it out"))
    assert codes(error) == ["dose_already_recorded"]
    fix = medication.record_dose(
        reader, event, dose_body(maya, "refused", note="spat it out", corrects_id=first.id)
    )
    assert fix.corrects_id == first.id
    # A record is corrected once: a second correction of the same record is a conflict.
    with pytest.raises(Conflict) as error:
        medication.record_dose(
            reader, event, dose_body(maya, "held", note="nausea", corrects_id=first.id)
        )
    assert codes(error) == ["already_corrected"]
    db.session.expire_all()
    stored = db.session.get(DoseRecord, first.id)
    assert stored.status == "given"  # never changed
    day = medication.medication_day(reader, event, camp_today(), now=at(9))
    morning = day.children[0].doses[0]
    assert morning.status == "refused" and [r.id for r in morning.records] == [first.id, fix.id]
    assert morning.overdue is False


def test_reasons_times_and_lists_are_checked(camp):
    event, maya, reader = camp
    with pytest.raises(InvalidInput) as error:
        medication.record_dose(reader, event, dose_body(maya, "refused"))
    assert codes(error) == ["reason_required"]
    with pytest.raises(InvalidInput) as error:
        medication.record_dose(reader, event, dose_body(maya, hour=9))
    assert codes(error) == ["not_a_scheduled_time"]
    other = child_at_camp(event, first_name="Ola")
    with pytest.raises(InvalidInput) as error:
        medication.record_dose(
            reader, event, {**dose_body(maya), "medication_id": other.child.medications[0].id}
        )
    assert codes(error) == ["medication_not_on_list"]
    with pytest.raises(InvalidInput) as error:
        medication.record_dose(reader, event, {**dose_body(maya), "status": "lost", "note": 5})
    assert sorted(codes(error)) == ["invalid_choice", "invalid_type"]
    later = at(8, day=camp_today() + timedelta(days=1)).isoformat()
    with pytest.raises(InvalidInput) as error:
        medication.record_dose(reader, event, {**dose_body(maya), "due_at": later})
    assert codes(error) == ["dose_not_yet_due"]
    outside = at(8, day=event.ends_on + timedelta(days=3)).isoformat()
    with pytest.raises(InvalidInput) as error:
        medication.record_dose(reader, event, {**dose_body(maya), "due_at": outside})
    assert codes(error) == ["outside_event_dates"]
    with pytest.raises(InvalidInput) as error:
        medication.record_dose(reader, event, dose_body(maya, corrects_id=999_999))
    assert codes(error) == ["correction_not_found"]
    assert db.session.scalar(db.select(db.func.count()).select_from(DoseRecord)) == 0


def test_a_correction_keeps_the_medication_and_time(camp):
    event, maya, reader = camp
    first = medication.record_dose(reader, event, dose_body(maya))
    with pytest.raises(InvalidInput) as error:
        medication.record_dose(
            reader, event, dose_body(maya, "missed", hour=20, note="x", corrects_id=first.id)
        )
    assert codes(error) == ["correction_mismatch"]


def test_only_overnight_camps_keep_the_record(app_ctx):
    event = running_camp("day_camp")
    registration, _ = confirmed_child(event, pickup=False, medications=MORNING_EVENING)
    with pytest.raises(NotAllowed) as error:
        medication.record_dose(nurse(), event, dose_body(registration))
    assert codes(error) == ["medication_record_overnight_only"]


def test_notes_are_sealed_and_each_read_is_one_audit_entry(camp):
    event, maya, reader = camp
    record = medication.record_dose(reader, event, dose_body(maya, "held", note="low platelets"))
    raw = db.session.execute(
        text("SELECT note FROM dose_records WHERE id = :id"), {"id": record.id}
    ).scalar()
    assert "platelets" not in raw
    audit = db.session.scalar(
        db.select(AuditEntry).where(
            AuditEntry.entity_id == record.id, AuditEntry.entity_type == "dose_records"
        )
    )
    assert audit.action == "dose_record.create" and "platelets" not in repr(audit.fields)
    before = db.session.scalar(db.select(db.func.count()).select_from(AuditEntry))
    medication.medication_day(reader, event, camp_today())
    reads = db.session.scalars(
        db.select(AuditEntry).where(AuditEntry.action == "medication_record.read")
    ).all()
    assert len(reads) == 1 and reads[0].actor_id == reader.id and reads[0].entity_id == event.id
    assert db.session.scalar(db.select(db.func.count()).select_from(AuditEntry)) == before + 1


def test_the_day_runs_the_same_statements_for_two_children_or_eight(camp):
    event, maya, reader = camp
    medication.record_dose(reader, event, dose_body(maya))

    def statements() -> int:
        db.session.expire_all()
        with counted_statements() as seen:
            day = medication.medication_day(reader, event, camp_today())
            for child in day.children:  # what the page and the API read of each
                for dose in child.doses:
                    [(r.recorded_by.name, r.note) for r in dose.records]
        return len(seen)

    child_at_camp(event, first_name="Two")
    few = statements()
    for number in range(6):
        registration = child_at_camp(event, first_name=f"Kid{number}")
        medication.record_dose(reader, event, dose_body(registration))
    assert statements() == few
