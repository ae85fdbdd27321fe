"""Who gets a coordinator's message: the families (households) of the registrations that match
a roster filter, and of those families every guardian with a verified, active account.

The roster filter (roster/filters.py) is THE definition of "which registrations", so the
families a coordinator filtered on the roster are the ones a message reaches. Counts are
aggregate queries; the list of names is one page of families, never the whole audience.
"""

from dataclasses import dataclass, field

from sqlalchemy import Select, func, select
from sqlalchemy.orm import lazyload

from camp_app.accounts.models import User
from camp_app.events.models import Event
from camp_app.extensions import db
from camp_app.families.models import Child
from camp_app.registrations.models import Registration
from camp_app.roster.filters import RosterFilter, filtered_query, parse_filter
from camp_app.roster.models import CampGroup

DEFAULT_STATUS = "active"  # pending review, confirmed and waitlisted
FAMILIES_SHOWN = 50


@dataclass(frozen=True)
class Family:
    household_id: int
    guardians: list[str]  # the names of the guardians who will get the mail
    children: list[str]  # the children of this family that the filter matched


@dataclass(frozen=True)
class Audience:
    filter: RosterFilter
    families: int  # households with at least one address
    addresses: int
    unreachable: int  # matching households without any verified, active guardian
    shown: list[Family] = field(default_factory=list)
    unreachable_shown: list[str] = field(default_factory=list)  # their children's names

    @property
    def more(self) -> int:
        return max(self.families - len(self.shown), 0)


def group_ids(event: Event) -> list[int]:
    return list(db.session.scalars(select(CampGroup.id).where(CampGroup.event_id == event.id)))


def event_groups(event: Event) -> list[CampGroup]:
    query = select(CampGroup).where(CampGroup.event_id == event.id).order_by(CampGroup.name)
    return list(db.session.scalars(query))


def parse_audience(event: Event, args) -> RosterFilter:
    """The filter from form or query values; the status defaults to the active ones.
    Raises InvalidInput (field names as in the roster: status, group, min_age, ...)."""
    values = {key: args.get(key) for key in ("q", "group", "min_age", "max_age", "verification")}
    values["status"] = args.get("status") or DEFAULT_STATUS
    if values["status"] == "any":
        values["status"] = ""
    return parse_filter(values, group_ids(event))


def stored_audience(f: RosterFilter) -> dict:
    """What EventMessage.audience keeps: the filter's values, sort left out (it chooses no one)."""
    args = f.query_args()
    for key in ("sort", "dir"):
        args.pop(key, None)
    args.setdefault("status", "any")  # "" means every status; say so, as the form does
    return args


def _households(event: Event, f: RosterFilter) -> Select:
    """SELECT DISTINCT household_id of the matching registrations."""
    query = filtered_query(event, f).order_by(None)
    return query.with_only_columns(Registration.household_id).distinct()


def recipient_conditions(event: Event, f: RosterFilter) -> list:
    households = _households(event, f).subquery()
    return [
        User.household_id.in_(select(households.c.household_id)),
        User.email_verified_at.is_not(None),
        User.active.is_(True),
    ]


def recipients(event: Event, f: RosterFilter) -> list[User]:
    """Every guardian to write to, one per address (User.email is unique and lower-cased; the
    set is a second guard), in a stable order."""
    query = (
        select(User)
        .where(*recipient_conditions(event, f))
        .options(lazyload(User.role_rows))  # roles play no part here: do not load thousands
        .order_by(User.id)
    )
    seen: set[str] = set()
    chosen = []
    for user in db.session.scalars(query):
        address = user.email.strip().lower()
        if address not in seen:
            seen.add(address)
            chosen.append(user)
    return chosen


def count(event: Event, f: RosterFilter) -> tuple[int, int, int]:
    """(families reached, addresses, families unreachable) in two aggregate queries."""
    reached = select(
        func.count(func.distinct(User.household_id)), func.count(func.distinct(User.email))
    ).where(*recipient_conditions(event, f))
    families, addresses = db.session.execute(reached).one()
    matching = select(func.count()).select_from(_households(event, f).subquery())
    total = db.session.scalar(matching) or 0
    return families, addresses, total - families


def first_households(event: Event, f: RosterFilter, limit: int) -> list[int]:
    name = func.min(User.name)
    query = (
        select(User.household_id)
        .where(*recipient_conditions(event, f))
        .group_by(User.household_id)
        .order_by(name, User.household_id)
        .limit(limit)
    )
    return list(db.session.scalars(query))


def families_shown(event: Event, f: RosterFilter, limit: int = FAMILIES_SHOWN) -> list[Family]:
    """The first `limit` reached families by guardian name, in three queries."""
    household_ids = first_households(event, f, limit)
    if not household_ids:
        return []
    guardians: dict[int, list[str]] = {h: [] for h in household_ids}
    query = select(User.household_id, User.name).where(
        *recipient_conditions(event, f), User.household_id.in_(household_ids)
    )
    for household_id, name in db.session.execute(query.order_by(User.name, User.id)):
        guardians[household_id].append(name)
    children: dict[int, list[str]] = {h: [] for h in household_ids}
    matching = (
        filtered_query(event, f)
        .order_by(None)
        .where(Registration.household_id.in_(household_ids))
        .with_only_columns(Registration.household_id, Child.first_name, Child.last_name)
        .distinct()  # a child registered twice (cancelled, then again) is named once
        .order_by(Child.first_name, Child.last_name)
    )
    for household_id, first, last in db.session.execute(matching):
        children[household_id].append(f"{first} {last}")
    return [Family(h, guardians[h], children[h]) for h in household_ids]


def unreachable_children(event: Event, f: RosterFilter, limit: int = FAMILIES_SHOWN) -> list[str]:
    """The matching children whose family no mail reaches (someone should phone them)."""
    reached = select(User.household_id).where(*recipient_conditions(event, f))
    query = (
        filtered_query(event, f)
        .order_by(None)
        .where(Registration.household_id.not_in(reached))
        .with_only_columns(Child.first_name, Child.last_name)
        .distinct()
        .order_by(Child.last_name, Child.first_name)
        .limit(limit)
    )
    return [f"{first} {last}" for first, last in db.session.execute(query)]


def audience_for(event: Event, f: RosterFilter, *, with_names: bool = True) -> Audience:
    families, addresses, unreachable = count(event, f)
    shown = families_shown(event, f) if with_names and families else []
    unreachable_shown = unreachable_children(event, f) if with_names and unreachable else []
    return Audience(f, families, addresses, unreachable, shown, unreachable_shown)
