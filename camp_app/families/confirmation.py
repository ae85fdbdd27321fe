"""A guardian confirms that a child's medical details, medications and contacts are still
current: camp is annual, and a returning child's profile may be a year old. The date is kept
(`Child.medical_confirmed_at`); adding a child counts as confirming what was just typed."""

from flask_babel import gettext as _

from camp_app import timeutil
from camp_app.accounts.models import User
from camp_app.audit.services import record
from camp_app.extensions import db
from camp_app.families.household import ensure_same_household
from camp_app.families.models import Child


def confirm_medical_details(actor: User, child: Child) -> Child:
    """Record that `actor` (a guardian of the child's household) confirmed the details as
    current now. Commits."""
    ensure_same_household(actor, child.household_id, _("We could not find that child."))
    child.medical_confirmed_at = timeutil.utcnow()
    record(actor.id, "child.medical_confirmed", child, fields=["medical_confirmed_at"])
    db.session.commit()
    return child
