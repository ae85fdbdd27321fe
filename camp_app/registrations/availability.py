"""Seat counts per event, straight from the registrations.

Pure queries (no commits, no locks of their own): the registration lifecycle calls them while it
holds the event's row lock, and list pages call `seat_summaries` once for all their events.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import case, func, select

from camp_app.events.models import Event
from camp_app.extensions import db
from camp_app.registrations.models import SEAT_HOLDING, Registration, RegistrationStatus


@dataclass(frozen=True)
class SeatSummary:
    taken: int  # pending_review + confirmed
    left: int  # never below zero, even if a coordinator lowered the capacity
    waitlist_length: int

    @property
    def full(self) -> bool:
        return self.left == 0


def _count_where(condition):
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def seat_summaries(event_ids: Iterable[int]) -> dict[int, SeatSummary]:
    """Seats taken, left and the waitlist's length for each event id, in one grouped query.

    Ids of events that do not exist are missing from the answer.
    """
    ids = sorted(set(event_ids))
    if not ids:
        return {}
    taken = _count_where(Registration.status.in_([s.value for s in SEAT_HOLDING]))
    waitlisted = _count_where(Registration.status == RegistrationStatus.WAITLISTED.value)
    query = (
        select(Event.id, Event.capacity, taken, waitlisted)
        .outerjoin(Registration, Registration.event_id == Event.id)
        .where(Event.id.in_(ids))
        .group_by(Event.id, Event.capacity)
    )
    return {
        event_id: SeatSummary(
            taken=int(n_taken),
            left=max(capacity - int(n_taken), 0),
            waitlist_length=int(n_waitlisted),
        )
        for event_id, capacity, n_taken, n_waitlisted in db.session.execute(query)
    }


def seat_summary(event: Event) -> SeatSummary:
    """The seat counts of one event (see seat_summaries)."""
    if event.id is None:
        db.session.flush()
    return seat_summaries([event.id])[event.id]
