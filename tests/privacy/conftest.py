"""A household with everything a family leaves behind: children with medical details, contacts,
a registration of a past camp with attendance and a medication record, one of a camp to come;
and another family, whose data must never show."""

from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace

import pytest

from camp_app import timeutil
from camp_app.attendance.models import AttendanceRecord
from camp_app.extensions import db
from camp_app.health_center.models import DoseRecord
from camp_app.registrations.models import SignedConsent
from camp_app.roles import Role
from tests.factories import make_child, make_contact, make_event, make_registration, make_user


class Clock:
    """The app's one clock (timeutil.utcnow), moved by the tests."""

    def __init__(self):
        self.now = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **amount) -> None:
        self.now += timedelta(**amount)


@pytest.fixture
def clock(monkeypatch) -> Clock:
    clock = Clock()
    monkeypatch.setattr(timeutil, "utcnow", clock)
    return clock


def build_family(name="Paula Parent", child_first="Zoë", child_last="Núñez"):
    parent = make_user((Role.PARENT,), name=name)
    child = make_child(
        parent.household,
        first_name=child_first,
        last_name=child_last,
        diagnosis="Acute lymphoblastic leukemia",
        allergies="Peanuts",
        dietary_needs="No nuts",
        medical_conditions="Port-a-cath",
        physician_name="Dr. Ruiz",
        physician_phone="+13055550111",
        health_alerts=["central_line"],
        health_alert_note="Keep the port dry",
        medications=[{"name": "Ondansetron", "dose": "4 mg", "schedule": "before meals"}],
    )
    contact = make_contact(parent.household, name="Ana Lopez")
    make_contact(parent.household, kind="do_not_release", name="Rex Roe", note="Court order")
    return parent, child, contact


def past_camp_records(event, child, parent, nurse):
    """A confirmed registration of `event` with a day of attendance and a dose given."""
    registration = make_registration(event, child, parent)
    # What the parent signed: every document of the event, the photo release declined.
    for document in event.consent_documents:
        registration.signing.answers.append(
            SignedConsent(
                document_version=document.current,
                accepted=document.key != "photo_release",
            )
        )
    day = event.starts_on
    db.session.add(
        AttendanceRecord(
            registration_id=registration.id,
            date=day,
            status="checked_in",
            check_in_at=datetime(day.year, day.month, day.day, 14, tzinfo=UTC),
        )
    )
    db.session.add(
        DoseRecord(
            registration_id=registration.id,
            child_id=child.id,
            medication_id=child.medications[0].id,
            medication_name="Ondansetron",
            dose="4 mg",
            due_at=datetime(day.year, day.month, day.day, 18, tzinfo=UTC),
            status="given",
            recorded_by_id=nurse.id,
            note="Took it with dinner",
        )
    )
    db.session.commit()
    return registration


@pytest.fixture
def world(app_ctx):
    parent, child, contact = build_family()
    other, other_child, _contact = build_family("Otto Other", "Oscar", "Otherkid")
    nurse = make_user((Role.NURSE,), name="Nina Nurse")
    past = make_event(starts_on=date(2025, 7, 6), ends_on=date(2025, 7, 11), name="Camp 2025")
    coming = make_event(name="Camp 2027", capacity=1)
    past_registration = past_camp_records(past, child, parent, nurse)
    other_registration = past_camp_records(past, other_child, other, nurse)
    coming_registration = make_registration(coming, child, parent)
    return SimpleNamespace(
        parent=parent,
        child=child,
        contact=contact,
        other=other,
        other_child=other_child,
        nurse=nurse,
        past=past,
        coming=coming,
        past_registration=past_registration,
        other_registration=other_registration,
        coming_registration=coming_registration,
    )
