"""The retention policy (the README's table), applied by `flask privacy purge` and each hour
by the mail worker (notifications.cli.PURGE_OLD_ROWS, connected in privacy.hooks).

Each rule finds what is past its period and erases it, in its own short transactions, so a
run that stops half way leaves every rule either done or not started for a given row. A dry
run only finds. Periods come from the config (PRIVACY_* in camp_app/config.py).
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, exists, func, or_, select, update

from camp_app import timeutil
from camp_app.accounts.models import User, UserRole
from camp_app.accounts.retention import SIGN_IN_RECORDS
from camp_app.attendance.models import AttendanceEvent, AttendanceRecord
from camp_app.audit.models import AuditEntry
from camp_app.audit.services import record
from camp_app.extensions import db
from camp_app.families.models import Child, Contact, GuardianInvite, Household, Medication
from camp_app.health_center.models import DoseRecord, HealthVisit, HealthVisitAddendum
from camp_app.notifications.models import MailStatus, OutboxMail
from camp_app.privacy.closure import close_unverified
from camp_app.privacy.policy import days, keep_years, last_camp_day_query, years_before
from camp_app.readiness.documents import erase_documents_of
from camp_app.registrations.models import ConsentSigning, Registration, SignedConsent
from camp_app.roles import Role


@dataclass(frozen=True)
class Found:
    count: int
    ids: tuple[int, ...] = ()  # the records named, where a person may want to know which


@dataclass(frozen=True)
class Rule:
    name: str
    description: object  # a lazy string
    find: Callable[[], Found]
    erase: Callable[[], int]  # commits; returns how many records went


def _moment_years_ago(years: int) -> datetime:
    now = timeutil.utcnow()
    day = years_before(now.date(), years)
    return now.replace(year=day.year, month=day.month, day=day.day)


def _count(model, condition) -> Found:
    return Found(db.session.scalar(select(func.count()).select_from(model).where(condition)))


def _delete(model, condition) -> int:
    result = db.session.execute(delete(model).where(condition))
    db.session.commit()
    return result.rowcount


# --- unverified accounts ----------------------------------------------------------------------


def _unverified_ids() -> list[int]:
    cutoff = timeutil.utcnow() - days("PRIVACY_UNVERIFIED_ACCOUNT_DAYS")
    return list(
        db.session.scalars(
            select(User.id)
            .where(
                User.email_verified_at.is_(None),
                User.closed_at.is_(None),
                User.created_at < cutoff,
                # Parents who signed up; staff accounts are an administrator's to close.
                ~exists().where(UserRole.user_id == User.id, UserRole.role != Role.PARENT),
            )
            .order_by(User.id)
        )
    )


def _find_unverified() -> Found:
    ids = _unverified_ids()
    return Found(len(ids), tuple(ids))


def _erase_unverified() -> int:
    ids = _unverified_ids()
    for user_id in ids:
        close_unverified(db.session.get(User, user_id), timeutil.utcnow())
        db.session.commit()
    return len(ids)


# --- closed households ------------------------------------------------------------------------


def _expired_households() -> list[int]:
    """Closed households whose kept records are past the period: closed that long ago and
    every camp they held a seat at ended that long ago. A household that never held a seat
    keeps nothing: it goes at the first purge after closing."""
    years = keep_years()
    last_day = last_camp_day_query(Household.id).scalar_subquery()
    expired = (Household.closed_at < _moment_years_ago(years)) & (
        last_day < years_before(timeutil.camp_today(), years)
    )
    query = select(Household.id).where(
        Household.closed_at.is_not(None), or_(last_day.is_(None), expired)
    )
    return list(db.session.scalars(query.order_by(Household.id)))


def _find_households() -> Found:
    ids = _expired_households()
    return Found(len(ids), tuple(ids))


def _registration_records(registration_ids, child_ids) -> None:
    """What hangs on the household's registrations. A feature that keeps more per registration
    or child (health visits, documents) adds its delete here."""
    for model in (AttendanceEvent, AttendanceRecord):
        db.session.execute(delete(model).where(model.registration_id.in_(registration_ids)))
    doses = or_(
        DoseRecord.registration_id.in_(registration_ids), DoseRecord.child_id.in_(child_ids)
    )
    # Corrections first: a record named by a correction cannot go before it.
    db.session.execute(delete(DoseRecord).where(doses, DoseRecord.corrects_id.is_not(None)))
    db.session.execute(delete(DoseRecord).where(doses))
    visits = select(HealthVisit.id).where(
        or_(HealthVisit.registration_id.in_(registration_ids), HealthVisit.child_id.in_(child_ids))
    )
    db.session.execute(delete(HealthVisitAddendum).where(HealthVisitAddendum.visit_id.in_(visits)))
    db.session.execute(delete(HealthVisit).where(HealthVisit.id.in_(visits)))
    # Mails about them are past their own period long before; any left go with them.
    db.session.execute(delete(OutboxMail).where(OutboxMail.registration_id.in_(registration_ids)))


# Functions (registration ids, child ids) that delete what other features keep about a
# household's registrations and children; each runs in the household's transaction.
HOUSEHOLD_RECORDS: list[Callable] = [
    _registration_records,
    lambda _registration_ids, child_ids: erase_documents_of(child_ids),
]


def erase_household(household_id: int) -> None:
    """Everything left of a closed household: its registrations and what hangs on them, its
    children, contacts and invitations, its guardians' names. Commits."""
    registration_ids = list(
        db.session.scalars(select(Registration.id).where(Registration.household_id == household_id))
    )
    child_ids = list(db.session.scalars(select(Child.id).where(Child.household_id == household_id)))
    for erase in HOUSEHOLD_RECORDS:
        erase(registration_ids, child_ids)
    db.session.execute(delete(Registration).where(Registration.household_id == household_id))
    # What the household signed goes with its registrations (which name it).
    signings = select(ConsentSigning.id).where(ConsentSigning.household_id == household_id)
    db.session.execute(delete(SignedConsent).where(SignedConsent.signing_id.in_(signings)))
    db.session.execute(delete(ConsentSigning).where(ConsentSigning.household_id == household_id))
    db.session.execute(delete(Medication).where(Medication.child_id.in_(child_ids)))
    db.session.execute(delete(Contact).where(Contact.household_id == household_id))
    db.session.execute(delete(Child).where(Child.household_id == household_id))
    db.session.execute(delete(GuardianInvite).where(GuardianInvite.household_id == household_id))
    db.session.execute(
        update(User)
        .where(User.household_id == household_id)
        .values(household_id=None, name="")
        .execution_options(synchronize_session=False)
    )
    household = db.session.get(Household, household_id)
    record(None, "household.erase", household, ["children", "registrations"])
    db.session.delete(household)
    db.session.commit()


def _erase_households() -> int:
    ids = _expired_households()
    for household_id in ids:
        erase_household(household_id)
    return len(ids)


# --- closed accounts outside a household ----------------------------------------------------


def _closed_accounts_condition():
    return (
        User.closed_at.is_not(None),
        User.closed_at < _moment_years_ago(keep_years()),
        User.household_id.is_(None),
        User.name != "",
    )


def _find_closed_accounts() -> Found:
    ids = list(db.session.scalars(select(User.id).where(*_closed_accounts_condition())))
    return Found(len(ids), tuple(sorted(ids)))


def _erase_closed_accounts() -> int:
    result = db.session.execute(
        update(User)
        .where(*_closed_accounts_condition())
        .values(name="")
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return result.rowcount


# --- mails and logs -------------------------------------------------------------------------


def _old_sent_mails():
    cutoff = timeutil.utcnow() - days("PRIVACY_SENT_MAIL_DAYS")
    return (OutboxMail.status == MailStatus.SENT) & (OutboxMail.sent_at < cutoff)


def _old_failed_mails():
    cutoff = timeutil.utcnow() - days("PRIVACY_FAILED_MAIL_DAYS")
    return (OutboxMail.status == MailStatus.FAILED) & (OutboxMail.created_at < cutoff)


def _old_audit_entries():
    return AuditEntry.at < _moment_years_ago(current_app.config["PRIVACY_AUDIT_LOG_YEARS"])


def _table_rule(name, description, model, condition: Callable) -> Rule:
    return Rule(
        name,
        description,
        lambda: _count(model, condition()),
        lambda: _delete(model, condition()),
    )


def rules() -> list[Rule]:
    """In the order they run: accounts first, so that a closed empty household goes in the
    same run."""
    sign_in = [
        Rule(name, description, _sign_in_finder(name), SIGN_IN_RECORDS[name][2])
        for name, description in SIGN_IN_DESCRIPTIONS.items()
    ]
    return [
        Rule(
            "unverified_accounts",
            _l("accounts never confirmed"),
            _find_unverified,
            _erase_unverified,
        ),
        Rule(
            "closed_households",
            _l("closed households past the retention period"),
            _find_households,
            _erase_households,
        ),
        Rule(
            "closed_accounts",
            _l("names of closed accounts past the retention period"),
            _find_closed_accounts,
            _erase_closed_accounts,
        ),
        _table_rule("sent_mails", _l("sent mails"), OutboxMail, _old_sent_mails),
        _table_rule("failed_mails", _l("failed mails"), OutboxMail, _old_failed_mails),
        *sign_in,
        _table_rule("audit_log", _l("audit log entries"), AuditEntry, _old_audit_entries),
    ]


SIGN_IN_DESCRIPTIONS = {
    "sessions": _l("sessions"),
    "sign_in_attempts": _l("sign-in attempts"),
    "sign_in_links": _l("sign-in links"),
}


def _sign_in_finder(name: str) -> Callable[[], Found]:
    model, old_rows, _purge = SIGN_IN_RECORDS[name]
    return lambda: _count(model, old_rows())


def purge(dry_run: bool = False) -> list[tuple[Rule, Found | int]]:
    """Apply every rule (or, for a dry run, only find): (rule, what was found or how many
    were erased) per rule."""
    results = []
    for rule in rules():
        results.append((rule, rule.find() if dry_run else rule.erase()))
        db.session.commit()  # a dry run ends its reads too: no connection held after
    return results


def purge_for_worker() -> int:
    """What the mail worker runs each hour: every rule; how many records went."""
    return sum(erased for _rule, erased in purge())
