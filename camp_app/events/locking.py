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

from sqlalchemy import update

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
