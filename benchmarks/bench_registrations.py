"""Registering (500 children, 200 seats), the parent and coordinator lists, the roster CSV."""

import time

from sqlalchemy import func, select

from benchmarks import data
from benchmarks.support import bench_app, counting_queries, timed
from camp_app.accounts.models import User
from camp_app.events.models import Event
from camp_app.extensions import db
from camp_app.families.models import Household
from camp_app.registrations import lifecycle, queries
from camp_app.registrations.models import Registration

REGISTERING = 500
CAPACITY = 200
ROSTER_SIZE = 5000
CONSENTS = {"medical_treatment": True, "liability_waiver": True, "photo_release": True}


def _register_all(event_id: int, families: list[data.Family]) -> dict:
    """One lifecycle.register per family, one after another, as parents would."""
    samples = []
    with counting_queries() as counter:
        for family in families:
            db.session.expire_all()  # each registration is a fresh request: nothing cached
            start = time.perf_counter()
            actor = db.session.get(User, family.user_id)
            event = db.session.get(Event, event_id)
            lifecycle.register(actor, event, [family.child_id], CONSENTS, actor.name)
            samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    statuses = select(Registration.status, func.count()).where(Registration.event_id == event_id)
    return {
        "registrations": len(samples),
        "by_status": dict(db.session.execute(statuses.group_by(Registration.status)).all()),
        "ms_per_registration": round(sum(samples) / len(samples), 2),
        "median_ms": round(samples[len(samples) // 2], 2),
        "p95_ms": round(samples[int(len(samples) * 0.95)], 2),
        "statements_per_registration": round(len(counter.statements) / len(samples), 1),
    }


def _fresh(*objects) -> None:
    """Forget what the session holds but the call's own arguments, as a new request would."""
    db.session.expire_all()
    for obj in objects:
        db.session.refresh(obj)


def _measured(action, *arguments) -> dict:
    """Timing of `action` and the statements one call runs (its arguments already loaded)."""
    _fresh(*arguments)
    with counting_queries() as counter:
        action()
    return {**timed(action, repeat=7), "statements": len(counter.statements)}


def _roster(event: Event) -> dict:
    _fresh(event)
    with counting_queries() as counter:
        start = time.perf_counter()
        lines = sum(1 for _ in queries.roster_csv(event)) - 1  # without the header
        seconds = time.perf_counter() - start
    return {
        "rows": lines,
        "seconds": round(seconds, 3),
        "rows_per_second": round(lines / seconds),
        "statements": len(counter.statements),
    }


def run():
    app = bench_app()
    with app.test_request_context():
        [event_id, roster_event_id] = data.events(2, capacity=CAPACITY, prefix="reg")
        families = data.families(REGISTERING, prefix="registering")
        yield (
            f"lifecycle.register x{REGISTERING} (capacity {CAPACITY})",
            _register_all(event_id, families),
        )

        # The last family is on the waitlist: its page also shows the waitlist position.
        household = db.session.get(Household, families[-1].household_id)
        event = db.session.get(Event, event_id)
        yield (
            "queries.family_registrations (a waitlisted family)",
            _measured(lambda: queries.family_registrations(household), household),
        )
        yield (
            f"queries.event_registrations page 1 of {REGISTERING}, 50 per page",
            _measured(lambda: queries.event_registrations(event, page=1, per_page=50), event),
        )

        data.registrations(roster_event_id, CAPACITY, data.families(ROSTER_SIZE, prefix="roster"))
        roster_event = db.session.get(Event, roster_event_id)
        yield f"queries.roster_csv ({ROSTER_SIZE} registrations)", _roster(roster_event)
