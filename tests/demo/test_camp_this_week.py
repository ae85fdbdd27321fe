"""The demo's camp of this week: staff and the nurse find children at camp today, and a later
re-seed moves the camp to run again."""

from datetime import datetime, time, timedelta

import pytest

from camp_app.accounts.models import User
from camp_app.attendance import services as attendance
from camp_app.demo import this_week
from camp_app.events.models import Event
from camp_app.extensions import db
from camp_app.families.models import Contact
from camp_app.health_center import medication as medication_module
from camp_app.health_center import visits
from camp_app.registrations.models import Registration
from camp_app.timeutil import camp_local_to_utc, camp_today


@pytest.fixture
def app_config() -> dict:
    return {"DEMO_FAMILY_COUNT": 0}


def _seed(runner) -> None:
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output


def _camp() -> Event:
    return db.session.scalar(db.select(Event).where(Event.slug == this_week.SLUG))


def test_a_camp_runs_today_with_children_in_cabins_arrived_and_alerts(app_ctx, runner):
    _seed(runner)
    camp = _camp()
    assert camp.starts_on <= camp_today() <= camp.ends_on
    assert camp.kind == "overnight_camp" and camp in attendance.camps_for_attendance(camp_today())
    confirmed = db.session.scalars(
        db.select(Registration).where(
            Registration.event_id == camp.id, Registration.status == "confirmed"
        )
    ).all()
    assert len(confirmed) == len(this_week.CAMPERS)
    assert all(r.group_id is not None for r in confirmed)
    sheet = attendance.day_sheet(camp, camp_today())
    assert sheet.counts["checked_in"] == len(this_week.CAMPERS) - 1
    assert sheet.counts["expected"] == 1
    assert any("Epinephrine auto-injector" in labels for labels in sheet.alerts.values())
    assert [c.name for names in sheet.restricted.values() for c in names] == ["Marco Ortega"]
    restricted = db.session.scalar(db.select(Contact).where(Contact.kind == "do_not_release"))
    assert restricted.note == "Court order on file"


def test_reseeding_on_a_later_day_moves_the_camp_to_run_again(app_ctx, runner, monkeypatch):
    _seed(runner)
    later = camp_today() + timedelta(days=30)
    monkeypatch.setattr(this_week, "camp_today", lambda: later)
    _seed(runner)
    camp = _camp()
    db.session.refresh(camp)
    assert camp.starts_on <= later <= camp.ends_on
    assert camp.registration_closes_at.date() < camp.starts_on
    assert db.session.scalar(db.select(db.func.count(Event.id))) == 3  # moved, not duplicated


def test_the_nurse_finds_doses_recorded_one_overdue_and_a_visit_with_an_addendum(
    app_ctx, runner, monkeypatch
):
    # Seeded at 15:00 camp time: the 08:00 doses are past the overdue window.
    afternoon = camp_local_to_utc(datetime.combine(camp_today(), time(15)))
    monkeypatch.setattr(medication_module, "utcnow", lambda: afternoon)
    monkeypatch.setattr(this_week, "utcnow", lambda: afternoon)
    monkeypatch.setattr(visits, "utcnow", lambda: afternoon)
    _seed(runner)
    camp = _camp()
    nurse = db.session.scalar(db.select(User).where(User.email == "nurse@example.org"))
    day = medication_module.medication_day(nurse, camp, camp_today(), now=afternoon)
    statuses = [d.status for child in day.children for d in child.doses]
    assert "given" in statuses and "due" in statuses
    assert len(day.overdue) == 1
    yesterday = medication_module.medication_day(
        nurse, camp, camp_today() - timedelta(days=1), now=afternoon
    )
    doses = [d for child in yesterday.children for d in child.doses]
    assert {d.status for d in doses} == {"given", "refused"}
    assert any(len(d.records) == 2 for d in doses)  # a correction
    log = visits.visits_for_day(nurse, camp, camp_today())
    (visit,) = log.visits
    assert [a.author.name for a in visit.addenda] == [nurse.name]
