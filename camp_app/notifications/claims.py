"""Claiming due mails for one worker and recording what happened to each.

Every function here commits on its own: a claim must be visible to the other workers before the
first mail goes out, and each outcome must be saved before the next mail, so that a crash never
sends again what was already sent. Outcomes are written only while the row still carries this
worker's claim_token: a worker whose lease ran out cannot overwrite the next worker's result.
"""

import random
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import and_, or_, select, update

from camp_app.extensions import db
from camp_app.notifications.models import MailStatus, OutboxMail

DEFAULT_LEASE_SECONDS = 300
BACKOFF_BASE_SECONDS = 30
BACKOFF_CAP_SECONDS = 3600
BACKOFF_JITTER = 0.1  # up to 10% later, so that mails refused together do not return together


@dataclass(frozen=True)
class Claim:
    token: str
    mails: list[OutboxMail]  # detached snapshots: commits do not reload them


def lease_length() -> timedelta:
    return timedelta(seconds=current_app.config.get("MAIL_LEASE_SECONDS", DEFAULT_LEASE_SECONDS))


def backoff_delay(attempts: int) -> timedelta:
    """30s, 1 min, 2 min, ... capped at an hour, plus a little jitter."""
    seconds = min(BACKOFF_BASE_SECONDS * 2 ** max(attempts - 1, 0), BACKOFF_CAP_SECONDS)
    jitter = random.uniform(0, BACKOFF_JITTER)  # noqa: S311  (spreading load, not a secret)
    return timedelta(seconds=seconds * (1 + jitter))


def due(now: datetime):
    """Waiting mails whose time has come, and mails of a worker whose lease ran out."""
    return or_(
        and_(OutboxMail.status == MailStatus.PENDING, OutboxMail.next_attempt_at <= now),
        and_(OutboxMail.status == MailStatus.SENDING, OutboxMail.lease_expires_at <= now),
    )


def claim_due(limit: int, *, now: datetime) -> Claim:
    """Mark up to `limit` due mails as ours (status sending, a fresh claim_token, a lease) and
    commit, then load them.

    On PostgreSQL, FOR UPDATE SKIP LOCKED makes concurrent workers pick disjoint rows without
    waiting for each other; a row another worker claimed meanwhile is re-checked against the
    WHERE clause and dropped. SQLite has no row locks (with_for_update renders nothing), but
    there the UPDATE runs under the database's single write lock, which serialises claims.
    """
    token = uuid.uuid4().hex
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
    db.session.execute(
        update(OutboxMail)
        .where(OutboxMail.id.in_(select(batch.c.id)), due(now))
        .values(
            status=MailStatus.SENDING,
            claim_token=token,
            lease_expires_at=now + lease_length(),
            attempts=OutboxMail.attempts + 1,
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
    return _write_if_ours(mail_id, token, lease_expires_at=now + lease_length())


def mark_sent(mail_id: int, token: str, *, now: datetime) -> bool:
    return _write_if_ours(
        mail_id,
        token,
        status=MailStatus.SENT,
        sent_at=now,
        last_error=None,
        claim_token=None,
        lease_expires_at=None,
    )


def mark_retry(mail_id: int, token: str, *, error: str, next_attempt_at: datetime) -> bool:
    return _write_if_ours(
        mail_id,
        token,
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
        status=MailStatus.FAILED,
        last_error=error,
        claim_token=None,
        lease_expires_at=None,
    )


def release(mail_id: int, token: str) -> bool:
    """Hand back a claimed mail that was never tried (the connection broke before its turn):
    due again at once, and the attempt it was charged is refunded."""
    return _write_if_ours(
        mail_id,
        token,
        status=MailStatus.PENDING,
        attempts=OutboxMail.attempts - 1,
        claim_token=None,
        lease_expires_at=None,
    )


def _write_if_ours(mail_id: int, token: str, **values) -> bool:
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
