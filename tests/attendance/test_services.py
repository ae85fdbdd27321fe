"""The attendance rules, through the service functions."""

from datetime import timedelta

import pytest

from camp_app.attendance import day_sheet as sheet_module
from camp_app.attendance import services
from camp_app.attendance.models import AttendanceEvent, AttendanceRecord
from camp_app.audit.models import AuditEntry
from camp_app.events.models import Event
from camp_app.extensions import db
from camp_app.families.models import Contact
from camp_app.service_errors import Conflict, InvalidInput, NotAllowed, NotFound
from camp_app.timeutil import camp_today
from tests.attendance.helpers import (
    confirmed_child,
    family,
    history_actions,
    register,
    running_camp,
    staff_member,
)
from tests.factories import make_child, make_contact
from tests.support.queries import counted_statements


@pytest.fixture
def gate(app_ctx):
    """A day camp running today, a staff member and one confirmed child with a pickup person."""
    event = running_camp("day_camp")
    registration, pickup = confirmed_child(event)
    return event, staff_member(), registration, pickup, camp_today()


def codes(error) -> list[str]:
    return [p.code for p in error.value.problems]


def test_check_in_then_out_with_an_authorized_pickup(gate):
    event, staff, registration, pickup, today = gate
    record = services.check_in(staff, event, registration.id, today)
    assert record.status == "checked_in"
    assert record.check_in_by_id == staff.id and record.check_in_at is not None

    record = services.check_out(staff, event, registration.id, today, pickup.id)
    assert record.status == "checked_out"
    assert record.check_out_by_id == staff.id and record.check_out_at >= record.check_in_at
    assert record.picked_up_by_contact_id == pickup.id
    assert record.picked_up_by_name == "Ana Lopez"
    assert history_actions(registration, today) == ["check_in", "check_out"]


def _refused_attempts(registration):
    db.session.rollback()  # whatever the service left uncommitted would vanish here
    return db.session.scalars(
        db.select(AttendanceEvent).where(
            AttendanceEvent.registration_id == registration.id,
            AttendanceEvent.action == "pickup_refused",
        )
    ).all()


def test_pickup_by_another_familys_contact_is_refused_and_recorded(gate):
    event, staff, registration, _pickup, today = gate
    services.check_in(staff, event, registration.id, today)
    _parent, other_child = family(first_name="Other")
    stranger = make_contact(other_child.household, kind="pickup", name="Sam Stranger")

    with pytest.raises(NotAllowed) as error:
        services.check_out(staff, event, registration.id, today, stranger.id)

    assert codes(error) == ["pickup_not_authorized"]
    message = error.value.problems[0].message
    assert "coordinator" in message and "Do not release" in message
    assert "Sam Stranger" not in message  # another family's contact stays anonymous
    assert error.value.problems[0].field == "pickup_contact_id"
    attempts = _refused_attempts(registration)
    assert [(a.pickup_contact_id, a.actor_id) for a in attempts] == [(stranger.id, staff.id)]
    assert services.day_record(registration, today).status == "checked_in"  # still here
    assert db.session.scalar(
        db.select(AuditEntry).where(AuditEntry.action == "attendance.pickup_refused")
    )


def test_emergency_contact_and_a_pickup_limited_to_a_sibling_are_refused(gate):
    event, staff, registration, _pickup, today = gate
    services.check_in(staff, event, registration.id, today)
    household = registration.child.household
    emergency = make_contact(household, kind="emergency", name="Eve Emergency")
    sibling = make_child(household, first_name="Leo")
    limited = make_contact(household, kind="pickup", name="Lia Limited")
    limited.children = [sibling]
    db.session.commit()

    for contact in (emergency, limited):
        with pytest.raises(NotAllowed) as error:
            services.check_out(staff, event, registration.id, today, contact.id)
        assert codes(error) == ["pickup_not_authorized"]
        assert contact.name in error.value.problems[0].message

    assert len(_refused_attempts(registration)) == 2


def test_a_person_not_on_the_list_at_all_is_refused_and_named_in_the_history(gate):
    event, staff, registration, _pickup, today = gate
    event.contact_phone = "+13055550199"
    db.session.commit()
    services.check_in(staff, event, registration.id, today)

    with pytest.raises(NotAllowed) as error:
        services.check_out(staff, event, registration.id, today, unlisted_pickup_name="Tom X")

    assert "(305) 555-0199" in error.value.problems[0].message  # as people read it
    assert [a.pickup_name for a in _refused_attempts(registration)] == ["Tom X"]


def test_unknown_contact_id_is_refused_not_a_500(gate):
    event, staff, registration, _pickup, today = gate
    services.check_in(staff, event, registration.id, today)
    with pytest.raises(NotAllowed) as error:
        services.check_out(staff, event, registration.id, today, 999_999)
    assert codes(error) == ["pickup_not_authorized"]


def test_a_pickup_limited_to_this_child_is_allowed(gate):
    event, staff, registration, pickup, today = gate
    pickup.children = [registration.child]
    db.session.commit()
    services.check_in(staff, event, registration.id, today)
    record = services.check_out(staff, event, registration.id, today, pickup.id)
    assert record.picked_up_by_contact_id == pickup.id


def test_day_camp_check_out_needs_a_pickup_person(gate):
    event, staff, registration, _pickup, today = gate
    services.check_in(staff, event, registration.id, today)
    with pytest.raises(InvalidInput) as error:
        services.check_out(staff, event, registration.id, today)
    assert codes(error) == ["pickup_required"]
    assert services.day_record(registration, today).status == "checked_in"


def test_check_out_before_check_in_is_refused(gate):
    event, staff, registration, pickup, today = gate
    with pytest.raises(NotAllowed) as error:
        services.check_out(staff, event, registration.id, today, pickup.id)
    assert codes(error) == ["not_checked_in"]
    assert services.day_record(registration, today) is None
    assert history_actions(registration) == []


def test_days_outside_the_event_are_refused(gate):
    event, staff, registration, _pickup, _today = gate
    for day in (event.starts_on - timedelta(days=1), event.ends_on + timedelta(days=1)):
        with pytest.raises(NotAllowed) as error:
            services.check_in(staff, event, registration.id, day)
        assert codes(error) == ["outside_event_dates"]
        with pytest.raises(NotAllowed):
            services.mark_absent(staff, event, registration.id, day, "sick")
    assert db.session.scalar(db.select(db.func.count()).select_from(AttendanceRecord)) == 0


@pytest.mark.parametrize("status", ["pending_review", "waitlisted", "cancelled", "declined"])
def test_only_confirmed_registrations(app_ctx, status):
    event = running_camp()
    parent, child = family()
    registration = register(event, child, parent, status=status)
    staff = staff_member()
    with pytest.raises(NotAllowed) as error:
        services.check_in(staff, event, registration.id, camp_today())
    assert codes(error) == ["not_confirmed"]
    with pytest.raises(NotAllowed):
        services.mark_absent(staff, event, registration.id, camp_today())


def test_another_events_registration_is_not_found(gate):
    _event, staff, registration, _pickup, today = gate
    other = running_camp()
    with pytest.raises(NotFound):
        services.check_in(staff, other, registration.id, today)


def test_no_check_in_for_a_day_still_to_come_but_absence_ahead_is_fine(gate):
    event, staff, registration, _pickup, today = gate
    tomorrow = today + timedelta(days=1)
    with pytest.raises(NotAllowed) as error:
        services.check_in(staff, event, registration.id, tomorrow)
    assert codes(error) == ["day_in_future"]
    record = services.mark_absent(staff, event, registration.id, tomorrow, "family trip")
    assert record.status == "absent" and record.absence_reason == "family trip"


def test_double_check_in_is_a_conflict(gate):
    event, staff, registration, _pickup, today = gate
    services.check_in(staff, event, registration.id, today)
    with pytest.raises(Conflict) as error:
        services.check_in(staff, event, registration.id, today)
    assert codes(error) == ["already_checked_in"]


def test_absent_with_reason_then_late_arrival(gate):
    event, staff, registration, _pickup, today = gate
    record = services.mark_absent(staff, event, registration.id, today, "  fever ")
    assert (record.status, record.absence_reason) == ("absent", "fever")
    with pytest.raises(Conflict) as error:
        services.mark_absent(staff, event, registration.id, today, "again")
    assert codes(error) == ["already_absent"]

    record = services.check_in(staff, event, registration.id, today)  # came after all
    assert record.status == "checked_in" and record.absence_reason == ""
    with pytest.raises(Conflict):
        services.mark_absent(staff, event, registration.id, today)


def test_absence_reason_length_is_checked(gate):
    event, staff, registration, _pickup, today = gate
    with pytest.raises(InvalidInput) as error:
        services.mark_absent(staff, event, registration.id, today, "x" * 201)
    assert error.value.problems[0].field == "reason"


def test_undo_restores_the_previous_state_and_keeps_the_history(gate):
    event, staff, registration, pickup, today = gate
    services.check_in(staff, event, registration.id, today)
    services.check_out(staff, event, registration.id, today, pickup.id)

    record = services.undo_last(staff, event, registration.id, today)
    assert record.status == "checked_in"
    assert record.check_out_at is None and record.picked_up_by_contact_id is None

    assert services.undo_last(staff, event, registration.id, today) is None  # back to nothing
    assert services.day_record(registration, today) is None
    with pytest.raises(Conflict) as error:
        services.undo_last(staff, event, registration.id, today)
    assert codes(error) == ["nothing_to_undo"]

    entries = db.session.scalars(
        db.select(AttendanceEvent)
        .where(AttendanceEvent.registration_id == registration.id)
        .order_by(AttendanceEvent.id)
    ).all()
    assert [e.action for e in entries] == ["check_in", "check_out", "undo", "undo"]
    assert entries[2].undoes_id == entries[1].id and entries[3].undoes_id == entries[0].id
    assert (entries[2].status_before, entries[2].status_after) == ("checked_out", "checked_in")
    undo_audits = db.session.scalars(
        db.select(AuditEntry).where(AuditEntry.action == "attendance.undo")
    ).all()
    assert len(undo_audits) == 2


def test_undo_after_undo_and_new_action_undoes_the_newest(gate):
    event, staff, registration, _pickup, today = gate
    services.mark_absent(staff, event, registration.id, today, "sick")
    services.undo_last(staff, event, registration.id, today)
    services.check_in(staff, event, registration.id, today)
    services.undo_last(staff, event, registration.id, today)
    assert services.day_record(registration, today) is None


def test_undo_of_a_check_in_that_replaced_an_absence_brings_the_absence_back(gate):
    event, staff, registration, _pickup, today = gate
    services.mark_absent(staff, event, registration.id, today, "sick")
    services.check_in(staff, event, registration.id, today)
    record = services.undo_last(staff, event, registration.id, today)
    assert (record.status, record.absence_reason, record.check_in_at) == ("absent", "sick", None)


def test_audit_names_fields_never_values(gate):
    event, staff, registration, _pickup, today = gate
    services.mark_absent(staff, event, registration.id, today, "chemotherapy appointment")
    entry = db.session.scalar(db.select(AuditEntry).where(AuditEntry.action == "attendance.absent"))
    assert entry.actor_id == staff.id and entry.entity_type == "attendance_records"
    assert set(entry.fields) == {"status", "absence_reason"}
    assert "chemotherapy" not in repr(entry.fields)


# --- overnight camps ----------------------------------------------------------------------


@pytest.fixture
def overnight(app_ctx):
    event = running_camp("overnight_camp", days_before=3, days_after=2)
    registration, _pickup = confirmed_child(event, pickup=False)
    return event, staff_member(), registration


def test_overnight_camp_records_arrival_and_departure_days(overnight):
    event, staff, registration = overnight
    arrival = event.starts_on
    departure = arrival + timedelta(days=2)
    services.check_in(staff, event, registration.id, arrival)

    middle = services.day_sheet(event, arrival + timedelta(days=1)).rows[0]
    assert (middle.state, middle.arrived_on, middle.record) == ("checked_in", arrival, None)

    # No pickup list needed for an overnight departure.
    record = services.check_out(staff, event, registration.id, departure)
    assert (record.date, record.status, record.check_in_at) == (departure, "checked_out", None)

    after = services.day_sheet(event, departure + timedelta(days=1)).rows[0]
    assert (after.state, after.departed_on) == ("checked_out", departure)
    assert services.day_sheet(event, arrival).rows[0].state == "checked_in"
    assert services.day_sheet(event, departure).rows[0].state == "checked_out"


def test_overnight_arrival_cannot_be_undone_while_the_departure_stands(overnight):
    event, staff, registration = overnight
    arrival = event.starts_on
    services.check_in(staff, event, registration.id, arrival)
    services.check_out(staff, event, registration.id, arrival + timedelta(days=1))
    with pytest.raises(Conflict) as error:
        services.undo_last(staff, event, registration.id, arrival)
    assert codes(error) == ["later_days_recorded"]
    services.undo_last(staff, event, registration.id, arrival + timedelta(days=1))
    services.undo_last(staff, event, registration.id, arrival)
    assert services.day_sheet(event, arrival + timedelta(days=1)).rows[0].state == "expected"


def test_overnight_no_second_arrival_while_in_camp_but_after_leaving(overnight):
    event, staff, registration = overnight
    arrival = event.starts_on
    services.check_in(staff, event, registration.id, arrival)
    with pytest.raises(Conflict):
        services.check_in(staff, event, registration.id, arrival + timedelta(days=1))
    services.check_out(staff, event, registration.id, arrival + timedelta(days=1))
    record = services.check_in(staff, event, registration.id, arrival + timedelta(days=2))
    assert record.status == "checked_in"


def test_overnight_check_out_with_a_pickup_still_checks_the_list(overnight):
    event, staff, registration = overnight
    services.check_in(staff, event, registration.id, event.starts_on)
    _parent, other_child = family()
    stranger = make_contact(other_child.household, kind="pickup")
    with pytest.raises(NotAllowed) as error:
        services.check_out(staff, event, registration.id, event.starts_on, stranger.id)
    assert codes(error) == ["pickup_not_authorized"]


# --- the day sheet -------------------------------------------------------------------------


def test_day_sheet_lists_confirmed_children_with_age_allergy_and_state(gate):
    event, staff, registration, _pickup, today = gate
    parent, waiting = family(first_name="Wanda")
    register(event, waiting, parent, status="waitlisted")
    _second, _ = confirmed_child(event, first_name="Ben", last_name="Adams", allergies="None")
    services.check_in(staff, event, registration.id, today)

    sheet = services.day_sheet(event, today)
    assert [r.full_name for r in sheet.rows] == ["Ben Adams", "Maya Lopez"]
    ben, maya = sheet.rows
    assert (ben.state, ben.has_allergy) == ("expected", False)
    assert (maya.state, maya.has_allergy) == ("checked_in", True)
    assert maya.age == today.year - 2016 - (1 if (today.month, today.day) < (5, 1) else 0)
    assert sheet.counts == {"expected": 1, "checked_in": 1, "checked_out": 0, "absent": 0}
    assert not sheet.show_groups and ben.group == ""


def test_day_sheet_search_by_name(gate):
    event, _staff, _registration, _pickup, today = gate
    confirmed_child(event, first_name="Ben", last_name="Adams")
    assert [r.first_name for r in services.day_sheet(event, today, "ada").rows] == ["Ben"]
    assert [r.first_name for r in services.day_sheet(event, today, "maya lo").rows] == ["Maya"]
    assert services.day_sheet(event, today, "100%").rows == []


def test_day_sheet_shows_groups_when_the_seam_provides_them(gate, monkeypatch):
    event, _staff, registration, _pickup, today = gate
    monkeypatch.setattr(sheet_module, "group_names", lambda ids: {registration.id: "Otters"})
    sheet = services.day_sheet(event, today)
    assert sheet.show_groups and sheet.rows[0].group == "Otters"


def _statements_for_sheet(event, day) -> int:
    event_id = event.id
    db.session.expire_all()  # nothing cached from building the data
    event = db.session.get(Event, event_id)
    with counted_statements() as statements:
        sheet = services.day_sheet(event, day)
        # What the page reads from each row.
        shown = [(r.full_name, r.age, r.group, r.has_allergy, r.state) for r in sheet.rows]
        times = [(r.record.check_in_at, r.record.picked_up_by_name) for r in sheet.rows if r.record]
        assert len(shown) > len(times) > 0
    return len(statements)


def test_day_sheet_query_count_does_not_grow_with_children(app_ctx):
    staff = staff_member()
    counts = []
    for size in (5, 50):
        event = running_camp("overnight_camp")
        for n in range(size):
            registration, _ = confirmed_child(event, pickup=False, first_name=f"Kid{n}")
            if n % 2:
                services.check_in(staff, event, registration.id, event.starts_on)
        counts.append(_statements_for_sheet(event, event.starts_on))
    assert counts[0] == counts[1]
    assert counts[0] <= 3  # the sheet's statement (+ reloading the expired event and today)


def test_counts_for_day_per_running_camp_in_one_query(gate):
    event, staff, registration, _pickup, today = gate
    confirmed_child(event, first_name="Ben")
    services.check_in(staff, event, registration.id, today)
    later = running_camp(days_before=-10, days_after=12)  # not running today
    counts = services.counts_for_day([event, later], today)
    assert counts == {event.id: {"expected": 1, "checked_in": 1, "checked_out": 0, "absent": 0}}


def test_authorized_pickups_lists_only_pickup_contacts_covering_the_child(gate):
    _event, _staff, registration, _pickup, _today = gate
    household = registration.child.household
    make_contact(household, kind="emergency", name="Eve")
    sibling = make_child(household, first_name="Leo")
    limited = make_contact(household, kind="pickup", name="Lia")
    limited.children = [sibling]
    db.session.commit()
    assert [c.name for c in services.authorized_pickups(registration)] == ["Ana Lopez"]
    assert isinstance(services.authorized_pickups(registration)[0], Contact)


def test_record_action_dispatches_the_contract_actions(gate):
    event, staff, registration, pickup, today = gate
    assert services.record_action(staff, event, registration.id, today, "check_in").status == (
        "checked_in"
    )
    record = services.record_action(staff, event, registration.id, today, "check_out", pickup.id)
    data = services.record_to_dict(record)
    assert data["status"] == "checked_out" and data["picked_up_by"] == "Ana Lopez"
    assert data["date"] == today.isoformat() and data["registration_id"] == registration.id
    with pytest.raises(InvalidInput) as error:
        services.record_action(staff, event, registration.id, today, "teleport")
    assert codes(error) == ["invalid_action"]


def test_nul_characters_are_dropped_not_a_database_error(gate):
    event, staff, registration, _pickup, today = gate
    record = services.mark_absent(staff, event, registration.id, today, "fe\x00ver")
    assert record.absence_reason == "fever"


def test_overnight_earlier_days_cannot_contradict_a_later_arrival_or_departure(overnight):
    event, staff, registration = overnight
    first = event.starts_on
    services.check_in(staff, event, registration.id, first + timedelta(days=1))
    with pytest.raises(Conflict) as error:
        services.check_in(staff, event, registration.id, first)
    assert codes(error) == ["later_days_recorded"]
    services.check_out(staff, event, registration.id, first + timedelta(days=3))
    with pytest.raises(Conflict) as error:
        services.check_out(staff, event, registration.id, first + timedelta(days=2))
    assert codes(error) == ["later_days_recorded"]
    # An absence before a late arrival is fine.
    assert services.mark_absent(staff, event, registration.id, first, "late").status == "absent"
