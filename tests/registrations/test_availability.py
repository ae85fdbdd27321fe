"""Seat counts: seats taken = pending_review + confirmed; the waitlist; one query for many."""

from camp_app.extensions import db
from camp_app.registrations.availability import SeatSummary, seat_summaries, seat_summary
from tests.events.helpers import add_registrations
from tests.factories import make_event
from tests.support.queries import counted_statements


def test_counts_seat_holding_and_waitlisted_statuses_only(app_ctx):
    event = make_event(capacity=5)
    add_registrations(
        event, "pending_review", "confirmed", "confirmed", "waitlisted", "declined", "cancelled"
    )

    assert seat_summary(event) == SeatSummary(taken=3, left=2, waitlist_length=1)


def test_event_without_registrations_has_every_seat_left(app_ctx):
    event = make_event(capacity=7)

    assert seat_summary(event) == SeatSummary(taken=0, left=7, waitlist_length=0)
    assert not seat_summary(event).full


def test_seats_left_never_below_zero(app_ctx):
    event = make_event(capacity=2)
    add_registrations(event, "confirmed", "confirmed", "confirmed")

    summary = seat_summary(event)
    assert (summary.taken, summary.left, summary.full) == (3, 0, True)


def test_summaries_of_many_events_in_one_query(app_ctx):
    events = [make_event(capacity=4) for _ in range(6)]
    add_registrations(events[0], "confirmed", "waitlisted")
    add_registrations(events[3], "pending_review", "pending_review", "waitlisted", "waitlisted")
    ids = [e.id for e in events]
    db.session.expire_all()

    with counted_statements() as statements:
        summaries = seat_summaries(ids)

    assert len(statements) == 1
    assert summaries[events[0].id] == SeatSummary(taken=1, left=3, waitlist_length=1)
    assert summaries[events[3].id] == SeatSummary(taken=2, left=2, waitlist_length=2)
    assert summaries[events[5].id] == SeatSummary(taken=0, left=4, waitlist_length=0)
    assert set(summaries) == set(ids)


def test_unknown_ids_and_no_ids(app_ctx):
    event = make_event()

    assert seat_summaries([]) == {}
    assert set(seat_summaries([event.id, 999_999])) == {event.id}


def test_counts_are_pure_reads(app_ctx):
    event = make_event(capacity=3)
    with counted_statements() as statements:
        seat_summaries([event.id])

    assert all(s.lstrip().upper().startswith("SELECT") for s in statements)
