"""The cap on password guessing: at most FAILURE_LIMIT failed sign-ins per account (by the
address typed, known or not, so the answer never tells which exist) per FAILURE_WINDOW,
counted in the database that every server process shares, for the pages and the API alike.

It holds under concurrency because each attempt is recorded and committed *before* the
password is checked, and then counts the attempts in the window including itself: of any
eleven attempts let through, the last to count would have seen all eleven (each committed
before it counted), so it would have been refused. Attempts refused by the cap are recorded
(for the admins) but do not count, so a stranger's burst does not extend the lockout; an
attempt whose password was right stops counting too. The rightful owner can always sign in
with a one-time link by mail (accounts.sign_in_links).
"""

import hashlib
import math
from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import delete, func, select, update

from camp_app import timeutil
from camp_app.accounts.models import SignInAttempt
from camp_app.accounts.users import normalize_email
from camp_app.extensions import db
from camp_app.service_errors import Problem, ServiceError

FAILURE_LIMIT = 10  # the contract's number
FAILURE_WINDOW = timedelta(minutes=15)
KEEP_FOR = timedelta(days=30)  # how long admins can look back at attempts


class Outcome:
    PENDING = "pending"  # recorded, password not yet checked: counts, in case it fails
    FAILED = "failed"  # wrong password, unknown address or deactivated account
    REFUSED = "refused"  # over the cap: the password was not checked
    UNVERIFIED = "unverified"  # right password, email not yet confirmed
    SUCCEEDED = "succeeded"


COUNTED = (Outcome.PENDING, Outcome.FAILED)


class SignInsCapped(ServiceError):
    """Too many failed sign-ins for this address lately (429). Nothing was checked."""

    status = 429

    def __init__(self, retry_after: int):
        message = _("Too many attempts. Please wait a few minutes and try again.")
        super().__init__(Problem("rate_limited", message))
        self.retry_after = retry_after  # seconds until an attempt would be checked again


def email_hash(email: str) -> str:
    return hashlib.sha256(normalize_email(email or "").encode()).hexdigest()


def record_attempt(email: str, address: str | None) -> SignInAttempt:
    """Record a sign-in attempt in its own transaction (commits), before anything is checked."""
    attempt = SignInAttempt(
        at=timeutil.utcnow(),
        email_hash=email_hash(email),
        address=(address or "")[:64] or None,
        outcome=Outcome.PENDING,
    )
    db.session.add(attempt)
    db.session.commit()
    return attempt


def _counted_since(attempt: SignInAttempt, now):
    return select(SignInAttempt.at).where(
        SignInAttempt.email_hash == attempt.email_hash,
        SignInAttempt.at > now - FAILURE_WINDOW,
        SignInAttempt.outcome.in_(COUNTED),
    )


def check_cap(attempt: SignInAttempt) -> None:
    """Raise SignInsCapped (marking `attempt` refused, committed) if the failures in the
    window, this attempt included, are over the limit."""
    now = timeutil.utcnow()
    counted = _counted_since(attempt, now).subquery()
    if db.session.scalar(select(func.count()).select_from(counted)) <= FAILURE_LIMIT:
        return
    finish(attempt, Outcome.REFUSED)
    raise SignInsCapped(_seconds_until_free(attempt, now))


def _seconds_until_free(attempt: SignInAttempt, now) -> int:
    """When the window will hold fewer than FAILURE_LIMIT counted failures, so that the next
    attempt is checked: the FAILURE_LIMIT-th newest then leaves it."""
    query = (
        _counted_since(attempt, now)
        .order_by(SignInAttempt.at.desc())
        .offset(FAILURE_LIMIT - 1)
        .limit(1)
    )
    oldest_in_the_way = db.session.scalar(query)
    if oldest_in_the_way is None:  # the others just finished: try again at once
        return 1
    wait = (oldest_in_the_way + FAILURE_WINDOW - now).total_seconds()
    return max(1, math.ceil(wait))


def finish(attempt: SignInAttempt, outcome: str) -> None:
    """Record how the attempt ended. Commits."""
    db.session.execute(
        update(SignInAttempt)
        .where(SignInAttempt.id == attempt.id)
        .values(outcome=outcome)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


def old_rows():
    """Which attempts are older than KEEP_FOR."""
    return SignInAttempt.at < timeutil.utcnow() - KEEP_FOR


def purge_old() -> int:
    """Delete attempts older than KEEP_FOR. Commits; returns how many."""
    result = db.session.execute(delete(SignInAttempt).where(old_rows()))
    db.session.commit()
    return result.rowcount
