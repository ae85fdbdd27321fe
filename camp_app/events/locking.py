"""The event lock: one writer at a time decides about an event's seats.

Pattern (as in pretix's locking service): lock, re-check under the lock, write, commit — one
transaction. The lock is an UPDATE of the event's row, issued as the FIRST statement of the
transaction:

- on PostgreSQL it takes the row lock, held until commit, so concurrent writers queue up and
  each re-check (READ COMMITTED: every statement sees the latest commits) sees the others' work;
- on SQLite, pysqlite only BEGINs before DML, so this UPDATE is what starts the transaction and
  takes the database's write lock; a SELECT earlier in the same transaction would have made
  the upgrade from a read lock deadlock-prone.

The UPDATE also claims `claim` numbers of the event's registration counter, which orders the
registrations (and the waitlist) in the order the transactions commit.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import update

from camp_app.database import commit_keeping_loaded
from camp_app.events.models import Event
from camp_app.extensions import db

_events = Event.__table__


def _take_lock(event_id: int, claim: int) -> int:
    statement = (
        update(_events)
        .where(_events.c.id == event_id)
        # Keep updated_at as it is: taking the lock is not an edit of the event.
        .values(
            registration_counter=_events.c.registration_counter + claim,
            updated_at=_events.c.updated_at,
        )
        .returning(_events.c.registration_counter)
    )
    return db.session.execute(statement).scalar_one()


@contextmanager
def event_locked(event_id: int, claim: int = 0) -> Iterator[int]:
    """Run the block in one transaction holding the event's lock; commit at the end.

    Yields the registration counter after claiming `claim` numbers: the block owns the numbers
    counter - claim + 1 … counter. Any exception rolls everything back.
    """
    # End whatever the session was reading so the lock is the transaction's first statement.
    db.session.commit()
    try:
        counter = _take_lock(event_id, claim)
        yield counter
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise


def lock_events(event_ids) -> None:
    """Take several events' locks in the caller's transaction, in ascending id order (two
    such transactions never wait for each other crosswise); the caller commits, which
    releases them. Like event_locked, they must be the transaction's first statements: the
    caller commits what it was reading just before."""
    for event_id in sorted(set(event_ids)):
        _take_lock(event_id, 0)


@dataclass(frozen=True)
class LockedEvent:
    """What registering needs to know about the event, read by the lock's own UPDATE: values
    a coordinator may have changed since the request loaded the event."""

    counter: int
    waitlist_enabled: bool
    requires_review: bool
    requires_verification: bool


@contextmanager
def event_locked_for_registering(event_id: int, claim: int) -> Iterator[LockedEvent]:
    """event_locked for the rush: the lock's UPDATE also returns the event's registration
    rules, and neither commit expires what the request loaded (the actor, household, children
    and event were read just before; rereading them inside the lock would make every family
    in the queue wait for those statements too). The block must take seat counts and the
    rules it returns from the database, never from the loaded event.

    On PostgreSQL what the request wrote before (the signed record) is flushed, not committed:
    the lock needs no fresh transaction there (under READ COMMITTED each statement after it
    sees every commit), and the registration then commits once. On SQLite the lock must open
    the transaction (module docstring), so what came before is committed first.
    """
    if db.session.get_bind().dialect.name == "sqlite":
        commit_keeping_loaded(db.session)
    else:
        db.session.flush()
    statement = (
        update(_events)
        .where(_events.c.id == event_id)
        .values(
            registration_counter=_events.c.registration_counter + claim,
            updated_at=_events.c.updated_at,
        )
        .returning(
            _events.c.registration_counter,
            _events.c.waitlist_enabled,
            _events.c.requires_review,
            _events.c.requires_verification,
        )
    )
    try:
        row = db.session.execute(statement).one()
        yield LockedEvent(*row)
        commit_keeping_loaded(db.session)
    except BaseException:
        db.session.rollback()
        raise
