"""Patient verification: the medical team confirms (or cannot confirm) that a child is a
patient with the diagnosis category the family gave; a coordinator records it.

`set_verification` is one unit of work and commits. A family's change of the details it vouches
for resets the verification (see families.children). Which patients an event's verification
page lists is registrations.verification_list.
"""

from datetime import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from camp_app.accounts.models import User
from camp_app.audit.services import record
from camp_app.extensions import db
from camp_app.families.models import Child, PatientVerification
from camp_app.roles import MANAGERS
from camp_app.service_errors import InvalidInput, NotAllowed, Problem
from camp_app.timeutil import utcnow

STATES = tuple(state.value for state in PatientVerification)
# The states as people read them, on every page, filter and export.
STATE_LABELS = {
    PatientVerification.UNVERIFIED.value: _l("Not verified yet"),
    PatientVerification.VERIFIED.value: _l("Verified"),
    PatientVerification.REJECTED.value: _l("Could not be verified"),
}
# The details the verification vouches for: changing one of them undoes it.
VOUCHED_FIELDS = ("relationship", "diagnosis_category", "treated_at_hospital")
VERIFICATION_FIELDS = ("patient_verification", "verified_by_id", "verified_at")


def state_label(state: str) -> str:
    return str(STATE_LABELS.get(state, state))


def set_verification(actor: User, child: Child, state: str, now: datetime | None = None) -> Child:
    """Record the medical team's answer for a patient: verified, rejected, or back to
    unverified. Coordinators and admins only (NotAllowed); a bad state or a child who is not a
    patient is InvalidInput. Setting the state a child already has changes nothing."""
    if not actor.has_role(*MANAGERS):
        message = _("Only a coordinator can record a patient's verification.")
        raise NotAllowed(Problem("not_allowed", message))
    if not isinstance(state, str) or state not in STATES:
        message = _("Choose verified, rejected or not verified.")
        raise InvalidInput(Problem("invalid_state", message, "state"))
    if not child.is_patient:
        message = _(
            "%(child)s is registered as a sibling; only a patient's details are verified.",
            child=child.first_name,
        )
        raise InvalidInput(Problem("not_a_patient", message, "state"))
    if child.patient_verification != state:
        verified = state != PatientVerification.UNVERIFIED
        child.patient_verification = state
        child.verified_by_id = actor.id if verified else None
        child.verified_at = (now or utcnow()) if verified else None
        record(actor.id, "child.verification", child, VERIFICATION_FIELDS)
    db.session.commit()
    return child


def reset_verification(child: Child) -> list[str]:
    """Undo a child's verification (the family changed what it vouched for). Joins the
    caller's transaction; returns the names of the fields that changed."""
    changed = []
    if child.patient_verification != PatientVerification.UNVERIFIED:
        child.patient_verification = PatientVerification.UNVERIFIED
        changed.append("patient_verification")
    for name in ("verified_by_id", "verified_at"):
        if getattr(child, name) is not None:
            setattr(child, name, None)
            changed.append(name)
    return changed
