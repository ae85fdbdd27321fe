"""The overnight camp's medication log."""

from datetime import timedelta

import pytest

from camp_app.attendance import services
from camp_app.attendance.models import MedicationDose
from camp_app.audit.models import AuditEntry
from camp_app.extensions import db
from camp_app.service_errors import InvalidInput, NotAllowed
from camp_app.timeutil import camp_today, utcnow
from tests.attendance.helpers import confirmed_child, running_camp, staff_member

MEDS = [
    {"name": "Ondansetron", "dose": "4 mg", "schedule": "before meals"},
    {"name": "Hydroxyurea", "dose": "500 mg", "schedule": "every evening"},
]


@pytest.fixture
def camp(app_ctx):
    event = running_camp("overnight_camp", days_before=2, days_after=2)
    maya, _ = confirmed_child(event, pickup=False, medications=MEDS)
    ben, _ = confirmed_child(event, pickup=False, first_name="Ben", medications=[MEDS[0]])
    confirmed_child(event, pickup=False, first_name="Zoe", medications=[])
    return event, maya, ben, staff_member()


def codes(error) -> list[str]:
    return [p.code for p in error.value.problems]


def test_nurse_records_a_dose_from_the_childs_list(camp):
    _event, maya, _ben, nurse = camp
    medication = maya.child.medications[1]
    given_at = utcnow() - timedelta(minutes=10)
    dose = services.record_dose(nurse, maya, medication.id, " 500 mg ", given_at, "with dinner")
    stored = db.session.get(MedicationDose, dose.id)
    assert (stored.medication_name, stored.dose, stored.note) == (
        "Hydroxyurea",
        "500 mg",
        "with dinner",
    )
    assert stored.given_by_id == nurse.id and stored.child_id == maya.child_id
    assert stored.given_at == given_at
    audit = db.session.scalar(db.select(AuditEntry).where(AuditEntry.entity_id == dose.id))
    assert audit.action == "medication_dose.create" and "500 mg" not in repr(audit.fields)


def test_a_medication_from_another_childs_list_is_refused(camp):
    _event, maya, ben, nurse = camp
    bens_medication = ben.child.medications[0]
    with pytest.raises(InvalidInput) as error:
        services.record_dose(nurse, maya, bens_medication.id, "4 mg", utcnow())
    assert codes(error) == ["medication_not_on_list"]
    assert error.value.problems[0].field == "medication_id"
    with pytest.raises(InvalidInput):
        services.record_dose(nurse, maya, None, "4 mg", utcnow())
    assert db.session.scalar(db.select(db.func.count()).select_from(MedicationDose)) == 0


def test_dose_and_time_are_checked(camp):
    _event, maya, _ben, nurse = camp
    medication = maya.child.medications[0]
    with pytest.raises(InvalidInput) as error:
        services.record_dose(nurse, maya, medication.id, " ", utcnow() + timedelta(hours=2))
    assert sorted(codes(error)) == ["given_in_future", "required"]
    before_camp = utcnow() - timedelta(days=10)
    with pytest.raises(InvalidInput) as error:
        services.record_dose(nurse, maya, medication.id, "4 mg", before_camp)
    assert codes(error) == ["outside_event_dates"]


def test_the_log_is_for_overnight_camps(app_ctx):
    event = running_camp("day_camp")
    registration, _ = confirmed_child(event, medications=MEDS)
    with pytest.raises(NotAllowed) as error:
        services.record_dose(
            staff_member(), registration, registration.child.medications[0].id, "4 mg", utcnow()
        )
    assert codes(error) == ["medication_log_overnight_only"]


def test_daily_view_shows_due_schedules_and_doses_given_that_day(camp):
    event, _maya, ben, nurse = camp
    today = camp_today()
    services.record_dose(nurse, ben, ben.child.medications[0].id, "4 mg", utcnow())
    day = services.doses_for_day(event, today)
    assert [item.registration.child.first_name for item in day] == ["Ben", "Maya"]  # not Zoe
    ben_day, maya_day = day
    assert [(m.name, m.schedule) for m in maya_day.due] == [
        ("Ondansetron", "before meals"),
        ("Hydroxyurea", "every evening"),
    ]
    assert maya_day.given == []
    assert [(d.medication_name, d.given_by.name) for d in ben_day.given] == [
        ("Ondansetron", nurse.name)
    ]
    yesterday = services.doses_for_day(event, today - timedelta(days=1))
    assert all(item.given == [] for item in yesterday)
