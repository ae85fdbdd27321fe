"""A parent closes their account.

In one transaction:
- the person can no longer sign in: the account is inactive, its sessions, API tokens, sign-in
  links, recovery codes and authenticator are gone, its address is replaced (so it can sign
  up afresh one day) and its phone erased; only the name stays, for the records kept;
- when other guardians of the household keep their accounts, only this person leaves the
  household: the children's details stay, since the others still use them;
- when the last guardian closes, the household closes: the children's medical details are
  erased at once (diagnosis, conditions, allergies, dietary needs, medications, physician,
  health alerts), contacts (with their notes) and open invitations are deleted, and the
  registrations of events that have not ended are cancelled through the registrations
  lifecycle (so freed seats go to the waitlist in order, families mailed through the outbox);
  what the camp must keep (registrations of past camps with consents and signatures,
  attendance, medication records) waits for the retention period (privacy.retention);
- a confirmation mail goes through the outbox to the address the account had.

Staff accounts (coordinator, staff, nurse, admin) are closed by an administrator, not here.
"""

from dataclasses import dataclass, field
from datetime import date, datetime

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select, update

from camp_app import timeutil
from camp_app.accounts import sessions
from camp_app.accounts.models import RecoveryCode, SignInLink, User
from camp_app.accounts.passwords import verify_password
from camp_app.accounts.tokens import revoke_all as revoke_all_tokens
from camp_app.audit.services import record
from camp_app.events.locking import lock_events
from camp_app.events.models import Event
from camp_app.extensions import db
from camp_app.families.models import Child, Contact, GuardianInvite, Household
from camp_app.notifications.services import queue_mail
from camp_app.privacy.policy import keep_years, kept_until
from camp_app.readiness.documents import erase_documents_of
from camp_app.registrations import lifecycle
from camp_app.registrations.models import ACTIVE, Registration
from camp_app.roles import Role
from camp_app.service_errors import InvalidInput, NotAllowed, Problem

# The children's fields erased at once, with the value they get.
MEDICAL_FIELDS = {
    "diagnosis_category": None,
    "diagnosis": "",
    "treated_at_hospital": False,
    "allergies": "",
    "dietary_needs": "",
    "medical_conditions": "",
    "physician_name": "",
    "physician_phone": "",
    "health_alerts": [],
    "health_alert_note": "",
}
ACCOUNT_FIELDS = (
    "active",
    "closed_at",
    "email",
    "phone",
    "password_hash",
    "auth_version",
    "otp_secret",
    "otp_enrolled_at",
)
# Not a hash at all, so no password matches it (werkzeug refuses its format).
CLOSED_PASSWORD_HASH = "!closed"  # noqa: S105
CLOSED_DOMAIN = "closed.invalid"  # RFC 2606: no mail can ever go there


@dataclass
class Closure:
    """What closing did, for the page that follows and the mail."""

    household_closed: bool
    cancelled: list[str] = field(default_factory=list)  # "Child at Event"
    kept_until: date | None = None


def closed_address(user_id: int) -> str:
    return f"closed-{user_id}@{CLOSED_DOMAIN}"


def other_guardians(user: User) -> list[User]:
    """The household's other guardians whose accounts are still open."""
    if user.household_id is None:
        return []
    return list(
        db.session.scalars(
            select(User).where(
                User.household_id == user.household_id,
                User.id != user.id,
                User.closed_at.is_(None),
            )
        )
    )


def _open_registrations(household_id: int, today: date) -> list[tuple[int, int]]:
    """(registration id, event id) of the household's active registrations of events that
    have not ended; those of past camps are records and stay as they are."""
    rows = db.session.execute(
        select(Registration.id, Registration.event_id)
        .join(Event, Event.id == Registration.event_id)
        .where(
            Registration.household_id == household_id,
            Registration.status.in_(ACTIVE),
            Event.ends_on >= today,
        )
        .order_by(Registration.event_id, Registration.sequence)
    )
    return [tuple(row) for row in rows]


def _check(user: User, password: str) -> None:
    if user.roles - {Role.PARENT}:
        message = _("Staff accounts are closed by an administrator.")
        raise NotAllowed(Problem("not_allowed", message))
    if not verify_password(user.password_hash, password or ""):
        message = _("That is not your password.")
        raise InvalidInput(Problem("wrong_password", message, "password"))


def close_account(user: User, password: str, now: datetime | None = None) -> Closure:
    """Close `user`'s account (a parent's), confirmed with their password. Commits.
    Raises InvalidInput (wrong_password) or NotAllowed (a staff account); nothing changes."""
    now = now or timeutil.utcnow()
    _check(user, password)
    user_id, household_id = user.id, user.household_id
    today = timeutil.camp_today(now)
    planned = _open_registrations(household_id, today) if household_id is not None else []
    # The events' locks must be the transaction's first statements (events.locking).
    db.session.commit()
    try:
        locked_events = {event_id for _id, event_id in planned}
        lock_events(locked_events)
        if household_id is not None:
            _lock_household(household_id)
        # Under the locks: two guardians closing at once see each other's closing, so the
        # household closes with the second; registrations are re-read.
        user = db.session.get(User, user_id)
        last = household_id is not None and not other_guardians(user)
        to_cancel = []
        if last:
            current = _open_registrations(household_id, today)
            to_cancel = [(r, event_id) for r, event_id in current if event_id in locked_events]
        address, name, locale = user.email, user.name, user.locale
        _end_access(user, now)
        db.session.flush()  # no mail about the cancellations goes to the closing person
        closure = Closure(household_closed=last)
        if last:
            household = db.session.get(Household, household_id)
            closure.cancelled = _cancel(to_cancel, user_id, now)
            _close_household(household, user_id, now)
            closure.kept_until = kept_until(household_id, now)
        elif household_id is not None:
            user.household_id = None
            record(user_id, "user.leave_household", user, ["household_id"])
        _queue_confirmation(user_id, address, name, locale, closure)
        record(user_id, "user.close_account", user, ACCOUNT_FIELDS)
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    return closure


def _lock_household(household_id: int) -> None:
    """The household's row lock (PostgreSQL; SQLite's write lock is already held), so that
    its guardians close their accounts one after the other."""
    db.session.execute(
        update(Household)
        .where(Household.id == household_id)
        .values(closed_at=Household.closed_at)
        .execution_options(synchronize_session=False)
    )


def close_unverified(user: User, now: datetime) -> None:
    """An account never confirmed (privacy.retention): closed like any, without a mail, its
    name erased too (it never signed in, so nothing kept names it). The caller commits."""
    last = user.household_id is not None and not other_guardians(user)
    _end_access(user, now)
    user.name = ""
    if last:
        _close_household(db.session.get(Household, user.household_id), None, now)
    elif user.household_id is not None:
        user.household_id = None
    record(None, "user.close_unverified", user, (*ACCOUNT_FIELDS, "name"))


def _end_access(user: User, now: datetime) -> None:
    """Nothing opens the account any more: no session, token, link, code or password."""
    sessions.end_all(user)
    revoke_all_tokens(user)
    db.session.execute(delete(SignInLink).where(SignInLink.user_id == user.id))
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    user.active = False
    user.closed_at = now
    user.email = closed_address(user.id)
    user.phone = None
    user.password_hash = CLOSED_PASSWORD_HASH
    user.auth_version += 1
    user.otp_secret = None
    user.otp_enrolled_at = None


def _cancel(to_cancel: list[tuple[int, int]], actor_id: int, now: datetime) -> list[str]:
    cancelled = lifecycle.cancel_locked([rid for rid, _event in to_cancel], actor_id, now)
    return [
        _("%(child)s at %(event)s", child=r.child.first_name, event=r.event.text("name"))
        for r in cancelled
    ]


def erase_medical_details(child: Child) -> None:
    """The child's medical details, erased (their medications deleted); the caller commits."""
    for name, value in MEDICAL_FIELDS.items():
        setattr(child, name, value.copy() if isinstance(value, list) else value)
    child.medications = []


def _close_household(household: Household, actor_id: int, now: datetime) -> None:
    for child in db.session.scalars(select(Child).where(Child.household_id == household.id)):
        erase_medical_details(child)
        record(actor_id, "child.erase_medical", child, [*MEDICAL_FIELDS, "medications"])
    # Health documents are medical details too: erased at once with the rest.
    erase_documents_of(select(Child.id).where(Child.household_id == household.id))
    for contact in db.session.scalars(select(Contact).where(Contact.household_id == household.id)):
        db.session.delete(contact)  # the contact_children rows go with it
    db.session.execute(delete(GuardianInvite).where(GuardianInvite.household_id == household.id))
    household.closed_at = now
    record(actor_id, "household.close", household, ["closed_at"])


_SUBJECT = _l("Your account is closed")


def _queue_confirmation(user_id, address, name, locale, closure: Closure) -> None:
    queue_mail(
        to=address,
        template="account_closed",
        subject=_SUBJECT,
        context={
            "name": name,
            "household_closed": closure.household_closed,
            "cancelled": closure.cancelled,
            "kept_until": closure.kept_until,
            "keep_years": keep_years(),
        },
        locale=locale,
        user_id=user_id,
    )


def closure_preview(user: User) -> dict:
    """What closing would do now, for the account page's explanation."""
    others = other_guardians(user)
    last = user.household_id is not None and not others
    today = timeutil.camp_today()
    open_registrations = _open_registrations(user.household_id, today) if last else []
    last_kept = None
    if last:
        last_kept = kept_until(user.household_id, timeutil.utcnow())
    return {
        "is_parent": not (user.roles - {Role.PARENT}),
        "last_guardian": last,
        "other_guardians": [u.name for u in others],
        "open_registrations": len(open_registrations),
        "kept_until": last_kept,
        "keep_years": keep_years(),
        "audit_years": current_app.config["PRIVACY_AUDIT_LOG_YEARS"],
    }
