"""Reviewing a registration: which rules it fails now, the patient-verification rule, the
override a coordinator must justify, and the review queue of an event.

The rules (`verification_reason`, `review_reasons`, `override_problems`) are pure: they read
only the objects given, never write. The queue functions read the database in a fixed number
of statements whatever the queue's length.
"""

import math
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from camp_app.accounts.models import User
from camp_app.events.models import Event
from camp_app.extensions import db
from camp_app.families.models import Child, Contact, Household, PatientVerification
from camp_app.registrations.eligibility import Reason, evaluate
from camp_app.registrations.models import Registration, RegistrationStatus
from camp_app.service_errors import Problem
from camp_app.timeutil import age_on, utcnow

# Rules about the moment of registering: once a registration holds a seat they no longer apply.
AFTER_THE_FACT = frozenset({"registration_not_open", "registration_closed", "event_full"})
OVERRIDE_REASON_MAX = 2000
QUEUE_PER_PAGE = 25
RECENT_DECISIONS = 10
# Each rule in a few words, for lists of overridden rules.
RULE_LABELS = {
    "too_young": _l("Younger than the event's ages"),
    "too_old": _l("Older than the event's ages"),
    "not_a_patient": _l("Not a patient"),
    "not_a_sibling_of_patient": _l("Not a sibling of a patient"),
    "diagnosis_not_covered": _l("Diagnosis not served by the event"),
    "not_treated_at_hospital": _l("Not treated at the hospital"),
    "profile_incomplete": _l("Family profile incomplete"),
    "consent_missing": _l("Consent missing"),
    "signature_missing": _l("Signature missing"),
    "patient_not_verified": _l("Patient details not verified"),
}


# --- the rules --------------------------------------------------------------------------------


def _covers(event: Event, patient: Child) -> bool:
    categories = event.diagnosis_categories or []
    return not categories or patient.diagnosis_category in categories


def _patient_reason(child: Child) -> Reason | None:
    if child.patient_verification == PatientVerification.VERIFIED:
        return None
    if child.patient_verification == PatientVerification.REJECTED:
        message = _(
            "The medical team could not confirm %(child)s's patient details, so the seat "
            "cannot be confirmed without them.",
            child=child.first_name,
        )
    else:
        message = _(
            "The medical team has not yet verified %(child)s's patient details.",
            child=child.first_name,
        )
    return Reason("patient_not_verified", message)


def _sibling_reason(event: Event, child: Child, household: Household) -> Reason | None:
    states = {p.patient_verification for p in verification_subjects(event, child, household)}
    if PatientVerification.VERIFIED in states:
        return None
    if states == {PatientVerification.REJECTED}:
        message = _(
            "%(child)s comes as a sibling, and the medical team could not confirm the patient "
            "details of %(child)s's brother or sister.",
            child=child.first_name,
        )
    else:
        message = _(
            "%(child)s comes as a sibling, and the medical team has not yet verified the "
            "patient details of a brother or sister this event serves.",
            child=child.first_name,
        )
    return Reason("patient_not_verified", message)


def verification_subjects(event: Event, child: Child, household: Household) -> list[Child]:
    """Whose verification the rule looks at: a patient's own; for a sibling, the patients of
    the household whose condition the event serves."""
    if child.is_patient:
        return [child]
    return [
        other
        for other in household.children
        if other.id != child.id and other.is_patient and _covers(event, other)
    ]


def verification_reason(event: Event, child: Child, household: Household) -> Reason | None:
    """Why the event's verification requirement is not met for `child`, or None.

    None when the event does not require verification. A patient needs their own details
    verified; a sibling needs a verified patient in the household whose condition the event
    serves.
    """
    if not event.requires_verification:
        return None
    if child.is_patient:
        return _patient_reason(child)
    return _sibling_reason(event, child, household)


def stored_consents(registration: Registration) -> dict:
    return {
        "medical_treatment": registration.consent_medical_treatment,
        "liability_waiver": registration.consent_liability_waiver,
        "photo_release": registration.consent_photo_release,
    }


def review_reasons(registration: Registration, now: datetime | None = None) -> list[Reason]:
    """Every rule the registration fails now (its stored consents and signature included),
    leaving out the rules about the moment of registering (AFTER_THE_FACT). Pure."""
    event, child, household = registration.event, registration.child, registration.household
    reasons = evaluate(
        event,
        child,
        household,
        now or utcnow(),
        consents=stored_consents(registration),
        signature=registration.signature,
    )
    reasons = [r for r in reasons if r.code not in AFTER_THE_FACT]
    unverified = verification_reason(event, child, household)
    return [*reasons, unverified] if unverified else reasons


def override_problems(reasons: list[Reason], override_reason) -> list[Problem]:
    """What stops an approval despite `reasons`: none when no rule fails, or when a written
    reason for overriding them is given; otherwise every failing rule and what is missing."""
    if not reasons:
        return []
    field = "override_reason"
    text = override_reason.strip() if isinstance(override_reason, str) else ""
    if text and len(text) <= OVERRIDE_REASON_MAX:
        return []
    problems = [Problem(r.code, r.message) for r in reasons]
    if len(text) > OVERRIDE_REASON_MAX:
        message = _("Please keep the reason under %(n)s characters.", n=OVERRIDE_REASON_MAX)
        return [*problems, Problem("too_long", message, field)]
    message = _(
        "This registration breaks a rule of the event. To approve it anyway, write why the "
        "rule should be overridden."
    )
    return [*problems, Problem("override_reason_required", message, field)]


# --- the queue --------------------------------------------------------------------------------


@dataclass(frozen=True)
class QueueCard:
    registration: Registration
    age: int  # on the event's first day
    reasons: list[Reason]
    verification_subjects: list[Child]  # whose patient details the event's rule looks at


@dataclass(frozen=True)
class QueuePage:
    cards: list[QueueCard]
    total: int
    page: int
    pages: int


def _card_options():
    # The people shown are names and addresses: their roles (loaded eagerly by default) are
    # left out, which keeps the statement count fixed.
    household = selectinload(Registration.household)
    return (
        joinedload(Registration.child).options(
            selectinload(Child.medications),
            joinedload(Child.verified_by).lazyload(User.role_rows),
        ),
        joinedload(Registration.signed_by).lazyload(User.role_rows),
        household.selectinload(Household.guardians).lazyload(User.role_rows),
        household.selectinload(Household.contacts).selectinload(Contact.children),
        household.selectinload(Household.children)
        .joinedload(Child.verified_by)
        .lazyload(User.role_rows),
    )


def _pending(event: Event):
    return (
        Registration.event_id == event.id,
        Registration.status == RegistrationStatus.PENDING_REVIEW,
    )


def review_queue(event: Event, page: int = 1, now: datetime | None = None) -> QueuePage:
    """A page of the event's pending registrations in the order received, each with the rules
    it fails now. A page past the end shows the last page."""
    now = now or utcnow()
    total = db.session.scalar(select(func.count()).where(*_pending(event)))
    pages = max(1, math.ceil(total / QUEUE_PER_PAGE))
    page = min(max(1, page), pages)
    query = (
        select(Registration)
        .where(*_pending(event))
        .options(*_card_options())
        .order_by(Registration.sequence)
        .limit(QUEUE_PER_PAGE)
        .offset((page - 1) * QUEUE_PER_PAGE)
    )
    registrations = db.session.scalars(query).unique().all()
    cards = [
        QueueCard(
            r,
            age_on(r.child.date_of_birth, event.starts_on),
            review_reasons(r, now),
            verification_subjects(event, r.child, r.household),
        )
        for r in registrations
    ]
    return QueuePage(cards, total, page, pages)


def recent_decisions(event: Event, limit: int = RECENT_DECISIONS) -> list[Registration]:
    """The event's last decided registrations, latest first, with who decided."""
    query = (
        select(Registration)
        .where(Registration.event_id == event.id, Registration.decided_at.is_not(None))
        .options(
            joinedload(Registration.child),
            joinedload(Registration.decided_by).lazyload(User.role_rows),
        )
        .order_by(Registration.decided_at.desc(), Registration.id.desc())
        .limit(limit)
    )
    return list(db.session.scalars(query))
