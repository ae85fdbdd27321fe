"""What a family sees about an event before registering: each child, eligible or why not.

The event page's panel and the register page show the same answer, computed here from the
eligibility rules (one family load, one seat count, one query for existing registrations).
"""

from dataclasses import dataclass, field
from datetime import datetime

from camp_app.accounts.models import User
from camp_app.events.models import Event
from camp_app.extensions import db
from camp_app.families.models import Child, Household
from camp_app.families.services import load_family
from camp_app.registrations.availability import seat_summary
from camp_app.registrations.eligibility import Reason, evaluate
from camp_app.registrations.models import Registration
from camp_app.registrations.queries import active_registrations, waitlist_position
from camp_app.roles import Role
from camp_app.timeutil import utcnow


@dataclass
class ChildStanding:
    child: Child
    reasons: list[Reason] = field(default_factory=list)
    registration: Registration | None = None  # an active registration for this event
    waitlist_position: int | None = None

    @property
    def can_register(self) -> bool:
        return not self.reasons and self.registration is None


def family_of(user: User) -> Household | None:
    """The parent's household with children and contacts loaded, or None (nothing created)."""
    if not user.has_role(Role.PARENT) or user.household_id is None:
        return None
    return load_family(db.session.get(Household, user.household_id))


def family_standing(user: User, event: Event, now: datetime | None = None) -> list[ChildStanding]:
    """Every child of the user's household against the event (consents not asked yet)."""
    household = family_of(user)
    if household is None or not household.children:
        return []
    now = now or utcnow()
    seats_left = seat_summary(event).left
    registered = active_registrations(household, event)
    standings = []
    for child in household.children:
        registration = registered.get(child.id)
        if registration is not None:
            position = waitlist_position(registration)
            standings.append(ChildStanding(child, [], registration, position))
        else:
            reasons = evaluate(event, child, household, now, seats_left=seats_left)
            standings.append(ChildStanding(child, reasons))
    return standings
