"""The health log: visits locked once written, addenda with author and time, a day's visits
per child and per cabin."""

import pytest
from sqlalchemy import text

from camp_app.audit.models import AuditEntry
from camp_app.extensions import db
from camp_app.health_center import visits
from camp_app.health_center.models import HealthVisit, HealthVisitAddendum
from camp_app.service_errors import InvalidInput, NotFound
from camp_app.timeutil import camp_today, utcnow
from tests.factories import make_group
from tests.health_center.helpers import at, child_at_camp, nurse, overnight_camp
from tests.support.queries import counted_statements


def codes(error) -> list[str]:
    return [p.code for p in error.value.problems]


def visit_body(registration, **extra):
    return {
        "registration_id": registration.id,
        "complaint": "Headache after lunch",
        "assessment": "Temp 37.1, alert",
        "treatment": "Water, rest 30 min",
        "disposition": "returned_to_activity",
        "guardian_notified": False,
        **extra,
    }


@pytest.fixture
def camp(app_ctx):
    event = overnight_camp()
    maya = child_at_camp(event, first_name="Maya")
    return event, maya, nurse()


def test_a_visit_is_recorded_sealed_and_audited_by_field_names(camp):
    event, maya, author = camp
    visit = visits.record_visit(author, event, visit_body(maya))
    answer = visits.visit_to_dict(visit)
    assert answer["addenda"] == [] and answer["disposition"] == "returned_to_activity"
    assert answer["guardian_notified"] is False and answer["guardian_notified_at"] is None
    raw = db.session.execute(
        text("SELECT complaint, assessment, treatment FROM health_visits WHERE id = :id"),
        {"id": visit.id},
    ).one()
    assert "Headache" not in raw[0] and "37.1" not in raw[1] and "rest" not in raw[2]
    entry = db.session.scalar(
        db.select(AuditEntry).where(AuditEntry.entity_type == "health_visits")
    )
    assert entry.action == "health_visit.create" and "Headache" not in repr(entry.fields)


def test_guardian_told_defaults_to_now_and_a_time_needs_the_tick(camp):
    event, maya, author = camp
    before = utcnow()
    visit = visits.record_visit(
        author, event, visit_body(maya, guardian_notified=True, disposition="sent_home")
    )
    assert visit.guardian_notified and visit.guardian_notified_at >= before.replace(microsecond=0)
    with pytest.raises(InvalidInput) as error:
        visits.record_visit(
            author, event, visit_body(maya, guardian_notified_at=at(0, 5).isoformat())
        )
    assert codes(error) == ["notified_at_without_notice"]


def test_bad_visits_name_every_problem_and_write_nothing(camp):
    event, maya, author = camp
    body = {**visit_body(maya), "complaint": " ", "disposition": "teleported", "extra": 1}
    with pytest.raises(InvalidInput) as error:
        visits.record_visit(author, event, body)
    assert sorted(codes(error)) == ["invalid_choice", "required", "unknown_field"]
    with pytest.raises(InvalidInput) as error:
        visits.record_visit(author, event, visit_body(maya, seen_at="2199-01-01T10:00"))
    assert codes(error) == ["in_future"]
    assert db.session.scalar(db.select(db.func.count()).select_from(HealthVisit)) == 0


def test_addenda_add_to_a_visit_that_stays_as_written(camp):
    event, maya, author = camp
    visit = visits.record_visit(author, event, visit_body(maya))
    other = nurse()
    visits.add_addendum(other, visit.id, {"text": "Back at 15:00, fine."})
    answer = visits.visit_to_dict(visits.add_addendum(author, visit.id, {"text": "Ate dinner."}))
    assert [(a["text"], a["author"]) for a in answer["addenda"]] == [
        ("Back at 15:00, fine.", other.name),
        ("Ate dinner.", author.name),
    ]
    assert answer["complaint"] == "Headache after lunch"
    with pytest.raises(InvalidInput) as error:
        visits.add_addendum(author, visit.id, {"text": ""})
    assert codes(error) == ["required"]
    with pytest.raises(NotFound):
        visits.add_addendum(author, 999_999, {"text": "x"})
    raw = db.session.execute(text("SELECT text FROM health_visit_addenda")).scalars().all()
    assert len(raw) == 2 and not any("dinner" in value for value in raw)
    assert db.session.scalar(db.select(db.func.count()).select_from(HealthVisitAddendum)) == 2


def test_the_days_visits_per_child_and_cabin_in_a_fixed_number_of_statements(camp):
    event, maya, author = camp
    ben = child_at_camp(event, first_name="Ben", last_name="Adams")
    make_group(event, "Dolphins", members=[maya])
    first = visits.record_visit(author, event, visit_body(maya))
    visits.add_addendum(author, first.id, {"text": "Fine."})
    visits.record_visit(author, event, visit_body(ben, disposition="observed"))

    def statements() -> int:
        db.session.expire_all()
        with counted_statements() as seen:
            day = visits.visits_for_day(author, event, camp_today())
            for visit in day.visits:
                visits.visit_to_dict(visit)
                assert visit.registration.child.full_name and visit.recorded_by.name
        return len(seen)

    day = visits.visits_for_day(author, event, camp_today())
    assert [name for name, _v in day.by_cabin()] == ["Dolphins", ""]
    assert [r.child.first_name for r, _v in day.by_child()] == ["Ben", "Maya"]
    few = statements()
    for number in range(5):
        kid = child_at_camp(event, first_name=f"Kid{number}")
        visit = visits.record_visit(author, event, visit_body(kid))
        visits.add_addendum(author, visit.id, {"text": "Later note."})
    assert statements() == few
    reads = db.session.scalars(
        db.select(AuditEntry).where(AuditEntry.action == "health_visit.read")
    ).all()
    assert len(reads) == 3  # one per read of the day, not one per visit
