"""The rush at 200 families at once for 100 seats on PostgreSQL (issue 16): every request is
answered, no seat is oversold, the waitlist has no gap, and each waitlist mail names the
position its family really has (mails are rendered before the lock; the position is put in
under it)."""

import re
from collections import Counter

import pytest
from sqlalchemy import select

from camp_app.extensions import db
from camp_app.notifications.models import OutboxMail
from camp_app.registrations.mails import POSITION_PLACEHOLDER
from tests import factories
from tests.registrations.test_concurrency import (
    assert_no_overbooking,
    families,
    registering,
    run_together,
)

FAMILIES = 200
SEATS = 100


@pytest.fixture
def app_config():
    # Fewer connections than threads (PostgreSQL allows 100 by default): threads also queue
    # for a connection, as requests do for a gunicorn worker.
    return {"SQLALCHEMY_ENGINE_OPTIONS": {"pool_size": 40, "max_overflow": 0, "pool_timeout": 120}}


def registering_without_holding_a_connection(parent_id: int, event_id: int, child_id: int):
    loading = registering(parent_id, event_id, child_id)

    def job():
        go = loading()
        db.session.commit()  # give the connection back: 200 threads wait at the start line
        return go

    return job


def test_two_hundred_families_racing_for_a_hundred_seats_on_postgresql(pg_app):
    with pg_app.app_context():
        event = factories.make_event(capacity=SEATS)
        event_id = event.id
        people = families(FAMILIES)
        jobs = [registering_without_holding_a_connection(p, event_id, c) for p, c in people]
        outcome = run_together(pg_app, jobs)
        assert outcome.errors == [] and len(outcome.results) == FAMILIES
        rows = assert_no_overbooking(event_id, FAMILIES, SEATS)
        mails = list(db.session.scalars(select(OutboxMail)))
        kinds = Counter(m.category for m in mails)
        assert kinds == {"registration_confirmed": SEATS, "registration_waitlisted": SEATS}
        position_of = {r.id: r.sequence - SEATS for r in rows if r.status == "waitlisted"}
        for mail in mails:
            assert str(POSITION_PLACEHOLDER) not in mail.body_text + mail.body_html
            if mail.category == "registration_waitlisted":
                named = re.findall(r"Position on the waitlist: (\d+)\.", mail.body_text)
                assert named == [str(position_of[mail.registration_id])]
