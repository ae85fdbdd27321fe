"""The demo camps' cabins and groups and the medical team's verifications, so a coordinator
trying the app finds a camp half-way through its preparation. Through the same services."""

from camp_app.accounts.models import User
from camp_app.events.models import Event
from camp_app.extensions import db
from camp_app.families.verification import set_verification
from camp_app.registrations.models import Registration
from camp_app.roster.assignments import assign
from camp_app.roster.cabins import create_group
from camp_app.timeutil import age_on

UOTS_CABINS = (
    {"name": "Bears", "capacity": 8, "min_age": 7, "max_age": 10, "gender": "female"},
    {"name": "Owls", "capacity": 8, "min_age": 7, "max_age": 10, "gender": "male"},
    {"name": "Foxes", "capacity": 8, "min_age": 11, "max_age": 13, "gender": "female"},
    {"name": "Wolves", "capacity": 8, "min_age": 11, "max_age": 13, "gender": "male"},
    {"name": "Eagles", "capacity": 8, "min_age": 14, "max_age": 16, "gender": "female"},
    {"name": "Hawks", "capacity": 8, "min_age": 14, "max_age": 16, "gender": "male"},
)
BEAR_HUG_GROUPS = (
    {"name": "Cubs", "capacity": 15, "min_age": 5, "max_age": 8, "gender": ""},
    {"name": "Grizzlies", "capacity": 15, "min_age": 9, "max_age": 14, "gender": ""},
)
LEFT_FOR_THE_COORDINATOR = 4  # confirmed children left unassigned, to try assigning


def verify_patients(coordinator: User, registrations: list[Registration]) -> None:
    """The medical team has confirmed these children's details."""
    for registration in registrations:
        set_verification(coordinator, registration.child, "verified")


def seed_groups(
    coordinator: User,
    event: Event,
    groups: tuple[dict, ...],
    left_unassigned: int = LEFT_FOR_THE_COORDINATOR,
) -> None:
    """Create the event's cabins or groups and put most confirmed children (all but
    `left_unassigned`) in the one that fits their age and gender, without breaking a limit."""
    created = [create_group(coordinator, event, dict(group)) for group in groups]
    confirmed = db.session.scalars(
        db.select(Registration)
        .where(Registration.event_id == event.id, Registration.status == "confirmed")
        .order_by(Registration.sequence)
    ).all()
    places = {group.id: group.capacity for group in created}
    chosen: dict[int, list[int]] = {}
    for registration in confirmed[: max(len(confirmed) - left_unassigned, 0)]:
        group = _fitting(event, created, places, registration)
        if group is not None:
            chosen.setdefault(group.id, []).append(registration.id)
            places[group.id] -= 1
    for group_id, registration_ids in chosen.items():
        assign(coordinator, event, registration_ids, group_id)  # one bulk assignment per cabin


def _fitting(event, groups, places, registration):
    child = registration.child
    age = age_on(child.date_of_birth, event.starts_on)
    for group in groups:
        ages_fit = (group.min_age or 0) <= age <= (group.max_age or 99)
        gender_fits = not group.gender or group.gender == child.gender
        if ages_fit and gender_fits and places[group.id] > 0:
            return group
    return None
