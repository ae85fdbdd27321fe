"""What the load balancer asks: can this app server reach its database, and how is the outbox.

Cheap on purpose (it is asked every few seconds): one connection from the pool, no session, no
user, two index-served queries with a short statement timeout on PostgreSQL.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, text
from sqlalchemy.exc import SQLAlchemyError

from camp_app.extensions import db
from camp_app.notifications.models import MailStatus, OutboxMail
from camp_app.timeutil import utcnow

STATEMENT_TIMEOUT = "2s"


@dataclass(frozen=True)
class OutboxState:
    waiting: int  # pending or being sent
    failed: int
    oldest_due_seconds: float  # how long the longest-waiting due mail has waited (0: none)


def outbox_state(connection, now: datetime) -> OutboxState:
    by_status = dict(
        connection.execute(
            select(OutboxMail.status, func.count())
            .where(
                OutboxMail.status.in_([MailStatus.PENDING, MailStatus.SENDING, MailStatus.FAILED])
            )
            .group_by(OutboxMail.status)
        ).all()
    )
    oldest_due = connection.scalar(
        select(func.min(OutboxMail.next_attempt_at)).where(
            OutboxMail.status == MailStatus.PENDING, OutboxMail.next_attempt_at <= now
        )
    )
    return OutboxState(
        waiting=by_status.get(MailStatus.PENDING, 0) + by_status.get(MailStatus.SENDING, 0),
        failed=by_status.get(MailStatus.FAILED, 0),
        oldest_due_seconds=round((now - oldest_due).total_seconds(), 1) if oldest_due else 0.0,
    )


def read_outbox_state() -> OutboxState:
    """Raises SQLAlchemyError when the database cannot be reached or answers too slowly."""
    with db.engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text(f"SET LOCAL statement_timeout = '{STATEMENT_TIMEOUT}'"))
        return outbox_state(connection, utcnow())


def health() -> tuple[dict, int]:
    """The body and status of /healthz: 200 while the database answers, else 503."""
    try:
        outbox = read_outbox_state()
    except SQLAlchemyError:
        return {"status": "unavailable", "database": "unreachable"}, 503
    return {
        "status": "ok",
        "database": "ok",
        "outbox_waiting": outbox.waiting,
        "outbox_failed": outbox.failed,
        "outbox_oldest_due_seconds": outbox.oldest_due_seconds,
    }, 200
