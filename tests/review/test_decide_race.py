"""Coordinators deciding at the same moment: the re-check under the event's lock keeps the
last seat for one of them. Real threads, each with its own app context, session and
connection, released together by a barrier."""

import pytest
from sqlalchemy import update

from camp_app.accounts.models import User
from camp_app.events.models import Event
from camp_app.extensions import db
from camp_app.registrations import lifecycle
from camp_app.registrations.models import SEAT_HOLDING, Registration
from tests import factories
from tests.registrations.test_concurrency import rows_of, run_together
from tests.review.helpers import make_coordinator, pending

THREADS = 8


@pytest.fixture
def app_config():
    return {"SQLALCHEMY_ENGINE_OPTIONS": {"pool_size": THREADS + 2, "max_overflow": 0}}


def approving(coordinator_id: int, registration_id: int, override_reason=None):
    def job():
        actor = db.session.get(User, coordinator_id)
        registration = db.session.get(Registration, registration_id)

        def go():
            decided = lifecycle.decide(
                actor, registration, "approve", override_reason=override_reason
            )
            return decided.id

        return go

    return job


def one_seat_free_and_waiting(waiting: int, **event_fields):
    """A full event with `waiting` on the waitlist, then one more seat, not yet given out
    (as when a coordinator raises the capacity): approving by hand races for it."""
    event = factories.make_event(capacity=1, **event_fields)
    rows = [pending(event)[2] for _ in range(waiting + 1)]
    assert rows[0].holds_seat and [r.status for r in rows[1:]] == ["waitlisted"] * waiting
    db.session.execute(update(Event).where(Event.id == event.id).values(capacity=2))
    db.session.commit()
    return event, rows[1:]


def assert_one_got_the_seat(event, waiting, outcome):
    assert len(outcome.results) == 1
    assert outcome.errors == ["event_full"] * (len(waiting) - 1)
    rows = rows_of(event.id)
    assert sum(r.status in SEAT_HOLDING for r in rows) == 2  # the capacity, never more
    winner = next(r for r in rows if r.id == outcome.results[0])
    assert winner.status == "confirmed"
    assert sorted(r.status for r in rows if r.id in {w.id for w in waiting}) == sorted(
        ["confirmed"] + ["waitlisted"] * (len(waiting) - 1)
    )


def test_two_coordinators_approving_the_last_seat_on_postgresql(pg_app):
    with pg_app.app_context():
        event, waiting = one_seat_free_and_waiting(2)
        first, second = make_coordinator(), make_coordinator()
        jobs = [approving(first.id, waiting[0].id), approving(second.id, waiting[1].id)]
        outcome = run_together(pg_app, jobs)
        assert_one_got_the_seat(event, waiting, outcome)


def test_many_coordinators_overriding_for_the_last_seat_on_postgresql(pg_app):
    with pg_app.app_context():
        event, waiting = one_seat_free_and_waiting(THREADS, requires_verification=True)
        coordinators = [make_coordinator() for _ in waiting]
        jobs = [
            approving(c.id, r.id, override_reason="Known to the team.")
            for c, r in zip(coordinators, waiting, strict=True)
        ]
        outcome = run_together(pg_app, jobs)
        assert_one_got_the_seat(event, waiting, outcome)
        winner = db.session.get(Registration, outcome.results[0])
        assert winner.overridden_codes == ["patient_not_verified"]
        losers = [r for r in rows_of(event.id) if r.status == "waitlisted"]
        assert all(r.override_reason == "" for r in losers)


def test_two_coordinators_approving_the_same_registration_on_postgresql(pg_app):
    with pg_app.app_context():
        event = factories.make_event(requires_review=True)
        registration = pending(event)[2]
        first, second = make_coordinator(), make_coordinator()
        jobs = [approving(first.id, registration.id), approving(second.id, registration.id)]
        outcome = run_together(pg_app, jobs)
        assert len(outcome.results) == 1 and outcome.errors == ["invalid_transition"]
        assert rows_of(event.id)[0].status == "confirmed"


def test_two_coordinators_approving_the_last_seat_on_sqlite(sqlite_app):
    with sqlite_app.app_context():
        event, waiting = one_seat_free_and_waiting(2)
        first, second = make_coordinator(), make_coordinator()
        jobs = [approving(first.id, waiting[0].id), approving(second.id, waiting[1].id)]
        outcome = run_together(sqlite_app, jobs)
        assert_one_got_the_seat(event, waiting, outcome)
