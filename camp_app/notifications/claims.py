"""Claiming due mails for one worker and recording what happened to each.

Every function here commits on its own: a claim must be visible to the other workers before the
first mail goes out, and each outcome must be saved before the next mail, so that a crash never
sends again what was already sent. Outcomes are written only while the row still carries this
worker's claim_token: a worker whose lease ran out cannot overwrite the next worker's result.
The one exception is "sent": once the SMTP server has accepted a mail, that is true whoever
holds the claim now, and writing it stops a second worker from sending it again.

Every write survives a database that blinks (a restart, a killed connection): it is retried on
a fresh connection for up to MAIL_DB_RETRY_SECONDS. The writes are idempotent (each says "set
this row to X if it is still in state Y"), so a retry after a commit whose answer was lost does
no harm.
"""

import logging
import random
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TypeVar

from flask import current_app
from sqlalchemy import and_, case, or_, select, update
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError, SQLAlchemyError

from camp_app.extensions import db
from camp_app.notifications.models import MailStatus, OutboxMail

log = logging.getLogger(__name__)

DEFAULT_LEASE_SECONDS = 300
DEFAULT_RETRY_HOURS = 24
DEFAULT_DB_RETRY_SECONDS = 60
BACKOFF_BASE_SECONDS = 60
BACKOFF_CAP_SECONDS = 3600
BACKOFF_JITTER = 0.1  # up to 10% later, so that mails refused together do not return together
DB_PAUSE_FIRST, DB_PAUSE_MOST = 0.05, 2.0

T = TypeVar("T")


@dataclass(frozen=True)
class Claim:
    token: str
    mails: list[OutboxMail]  # detached snapshots: commits do not reload them


def new_token() -> str:
    return uuid.uuid4().hex


def lease_length() -> timedelta:
    return timedelta(seconds=current_app.config.get("MAIL_LEASE_SECONDS", DEFAULT_LEASE_SECONDS))


def retry_window() -> timedelta:
    return timedelta(hours=current_app.config.get("MAIL_RETRY_HOURS", DEFAULT_RETRY_HOURS))


def give_up_at(mail: OutboxMail) -> datetime:
    """When transient failures stop being retried: MAIL_RETRY_HOURS after the current series
    of attempts began (the mail was written, or someone asked to send it again)."""
    return (mail.retrying_since or mail.created_at) + retry_window()


def backoff_delay(attempts: int) -> timedelta:
    """1 min, 2 min, 4 min, ... capped at an hour, plus a little jitter."""
    seconds = min(BACKOFF_BASE_SECONDS * 2 ** max(attempts - 1, 0), BACKOFF_CAP_SECONDS)
    jitter = random.uniform(0, BACKOFF_JITTER)  # noqa: S311  (spreading load, not a secret)
    return timedelta(seconds=seconds * (1 + jitter))


def due(now: datetime):
    """Waiting mails whose time has come, and mails of a worker whose lease ran out."""
    return or_(
        and_(OutboxMail.status == MailStatus.PENDING, OutboxMail.next_attempt_at <= now),
        and_(OutboxMail.status == MailStatus.SENDING, OutboxMail.lease_expires_at <= now),
    )


# --- surviving a database blink -------------------------------------------------------------


def _worth_retrying(error: DBAPIError) -> bool:
    """Lost connections, a server shutting down or refusing connections, lock timeouts: the
    same write may well succeed in a moment. Not constraint violations or bad SQL."""
    return error.connection_invalidated or isinstance(error, OperationalError | InterfaceError)


def _forget_transaction() -> None:
    try:
        db.session.rollback()
    except SQLAlchemyError:
        db.session.close()  # the connection is gone: start over with a fresh one


def persist(write: Callable[[], T], *, what: str) -> T:
    """Run `write` (statements and a commit) until it succeeds, on a fresh connection each
    time, for up to MAIL_DB_RETRY_SECONDS; then raise the last error. `what` names the write
    in the log (never the mail's content)."""
    budget = current_app.config.get("MAIL_DB_RETRY_SECONDS", DEFAULT_DB_RETRY_SECONDS)
    give_up = time.monotonic() + budget
    pause = DB_PAUSE_FIRST
    while True:
        try:
            return write()
        except DBAPIError as error:
            _forget_transaction()
            if not _worth_retrying(error) or time.monotonic() + pause > give_up:
                raise
            log.warning(
                "mail worker: could not record %s (%s); retrying", what, type(error.orig).__name__
            )
            time.sleep(pause)
            pause = min(pause * 2, DB_PAUSE_MOST)


# --- claiming ---------------------------------------------------------------------------------


def claim_due(limit: int, *, now: datetime, token: str | None = None) -> Claim:
    """Mark up to `limit` due mails as ours (status sending, the claim token, a lease) and
    commit, then load them. `token`: chosen by the caller, so that it can hand the mails back
    even when the commit's answer was lost.

    On PostgreSQL, FOR UPDATE SKIP LOCKED makes concurrent workers pick disjoint rows without
    waiting for each other; a row another worker claimed meanwhile is re-checked against the
    WHERE clause and dropped. SQLite has no row locks (with_for_update renders nothing), but
    there the UPDATE runs under the database's single write lock, which serialises claims.
    """
    token = token or new_token()
    # A materialised CTE runs exactly once. As a plain `IN (subquery)` PostgreSQL may re-run
    # the subquery for each row it updates, and each run skips the rows this very statement
    # has just updated and takes the next ones: a "LIMIT 10" claim then takes every due row.
    batch = (
        select(OutboxMail.id)
        .where(due(now))
        .order_by(OutboxMail.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
        .cte("claimable")
        .prefix_with("MATERIALIZED", dialect="postgresql")
    )
    # Still "sending" when claimed: the worker before died mid-send.
    interrupted = case((OutboxMail.status == MailStatus.SENDING, 1), else_=0)
    db.session.execute(
        update(OutboxMail)
        .where(OutboxMail.id.in_(select(batch.c.id)), due(now))
        .values(
            status=MailStatus.SENDING,
            claim_token=token,
            lease_expires_at=now + lease_length(),
            attempts=OutboxMail.attempts + 1,
            interruptions=OutboxMail.interruptions + interrupted,
        )
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    mails = list(
        db.session.scalars(
            select(OutboxMail).where(OutboxMail.claim_token == token).order_by(OutboxMail.id)
        )
    )
    for mail in mails:
        db.session.expunge(mail)
    return Claim(token=token, mails=mails)


def renew_claim(mail_id: int, token: str, *, now: datetime) -> bool:
    """Extend the lease just before sending; False if the mail is no longer ours."""
    return _write_if_ours(mail_id, token, "a lease", lease_expires_at=now + lease_length())


# --- outcomes ---------------------------------------------------------------------------------


def mark_sent(mail_id: int, *, now: datetime) -> bool:
    """The server accepted the mail: record it whatever claim the row carries now (unless it
    is already recorded as sent). Returns whether this call wrote it."""

    def write() -> bool:
        result = db.session.execute(
            update(OutboxMail)
            .where(OutboxMail.id == mail_id, OutboxMail.status != MailStatus.SENT)
            .values(
                status=MailStatus.SENT,
                sent_at=now,
                last_error=None,
                claim_token=None,
                lease_expires_at=None,
            )
            .execution_options(synchronize_session=False)
        )
        db.session.commit()
        return result.rowcount == 1

    return persist(write, what=f"mail {mail_id} as sent")


def mark_retry(mail_id: int, token: str, *, error: str, next_attempt_at: datetime) -> bool:
    return _write_if_ours(
        mail_id,
        token,
        "a retry",
        status=MailStatus.PENDING,
        next_attempt_at=next_attempt_at,
        last_error=error,
        claim_token=None,
        lease_expires_at=None,
    )


def mark_failed(mail_id: int, token: str, *, error: str) -> bool:
    return _write_if_ours(
        mail_id,
        token,
        "a failure",
        status=MailStatus.FAILED,
        last_error=error,
        claim_token=None,
        lease_expires_at=None,
    )


def _handed_back():
    """A claimed mail that was never tried: due again at once, its attempt refunded."""
    return {
        "status": MailStatus.PENDING,
        "attempts": OutboxMail.attempts - 1,
        "claim_token": None,
        "lease_expires_at": None,
    }


def release(mail_id: int, token: str) -> bool:
    """Hand back one claimed mail that was never tried (the connection broke before its turn)."""
    return _write_if_ours(mail_id, token, "a hand-back", **_handed_back())


def release_claim(token: str) -> int:
    """Hand back every mail still held under `token` (a batch that ended early, or whose
    worker lost the database): due again at once, their attempts refunded. Returns how many."""

    def write() -> int:
        result = db.session.execute(
            update(OutboxMail)
            .where(OutboxMail.claim_token == token, OutboxMail.status == MailStatus.SENDING)
            .values(**_handed_back())
            .execution_options(synchronize_session=False)
        )
        db.session.commit()
        return result.rowcount

    return persist(write, what="a hand-back of a batch")


def _write_if_ours(mail_id: int, token: str, what: str, **values) -> bool:
    def write() -> bool:
        result = db.session.execute(
            update(OutboxMail)
            .where(
                OutboxMail.id == mail_id,
                OutboxMail.claim_token == token,
                OutboxMail.status == MailStatus.SENDING,
            )
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        db.session.commit()
        return result.rowcount == 1

    return persist(write, what=f"{what} for mail {mail_id}")
