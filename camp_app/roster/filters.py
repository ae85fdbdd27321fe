"""Which registrations of an event a coordinator means: the roster's search, filters and sort.

One definition serves the roster page, the exports and the messages' audience, so "the
families I filtered" is the same set everywhere. `parse_filter` turns query-string values into
a RosterFilter (InvalidInput with a clear message for a bad one); `filtered_query` turns a
RosterFilter into one SELECT of Registration, ready for paging or streaming.
"""

from dataclasses import asdict, dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import Select, exists, func, or_, select

from camp_app.accounts.models import User
from camp_app.database import like_pattern
from camp_app.events.models import Event
from camp_app.extensions import db
from camp_app.families.models import Child, PatientVerification
from camp_app.notifications.models import MailStatus, OutboxMail
from camp_app.registrations.models import ACTIVE, Registration, RegistrationStatus
from camp_app.roster.models import CampGroup
from camp_app.service_errors import InvalidInput, Problem

# Sort keys -> (column, ascending?) pairs; ties always fall back to the order received.
SORTS = {
    "received": ((Registration.sequence, True),),
    "child": ((Child.last_name, True), (Child.first_name, True)),
    "age": ((Child.date_of_birth, False),),  # youngest first: the latest birth date first
    "status": ((Registration.status, True),),
    "group": ((CampGroup.name, True),),
}
ACTIVE_STATUSES = "active"  # pseudo-status: pending review, confirmed or waitlisted
NO_GROUP = "none"  # group filter: not assigned to any cabin or group
MAIL_FAILED = "failed"  # mail filter: a mail about the registration could not be delivered
MAX_AGE = 30
MAX_QUERY = 100


@dataclass(frozen=True)
class RosterFilter:
    q: str = ""
    status: str = ""  # "" any, "active", or a RegistrationStatus
    min_age: int | None = None
    max_age: int | None = None
    group: str = ""  # "" any, "none", or a CampGroup id as text
    verification: str = ""  # "" any, or a PatientVerification
    mail: str = ""  # "" any, or MAIL_FAILED
    sort: str = "received"
    descending: bool = False

    def query_args(self) -> dict[str, str]:
        """The non-default values as parse_filter reads them: for links, and for a message's
        stored audience."""
        defaults = asdict(RosterFilter())
        args = {k: str(v) for k, v in asdict(self).items() if v != defaults[k]}
        if args.pop("descending", None):
            args["dir"] = "desc"
        return args


def _age(value, field: str, problems: list) -> int | None:
    if value in (None, ""):
        return None
    try:
        age = int(str(value).strip())
    except ValueError:
        age = -1
    if not 0 <= age <= MAX_AGE:
        message = _("Enter an age between 0 and %(most)s.", most=MAX_AGE)
        problems.append(Problem("invalid_age", message, field))
        return None
    return age


def _choice(value, allowed, code: str, message: str, field: str, problems: list) -> str:
    value = (value or "").strip()
    if value and value not in allowed:
        problems.append(Problem(code, message, field))
        return ""
    return value


def parse_filter(args, group_ids=()) -> RosterFilter:
    """A RosterFilter from request.args (or any mapping of text). `group_ids`: the event's
    cabins and groups, so a stale or foreign id is refused. Raises InvalidInput."""
    problems: list[Problem] = []
    q = (args.get("q") or "").strip()
    if len(q) > MAX_QUERY:
        message = _("Please keep the search under %(n)s characters.", n=MAX_QUERY)
        problems.append(Problem("too_long", message, "q"))
    statuses = {ACTIVE_STATUSES, *RegistrationStatus}
    status = _choice(
        args.get("status"), statuses, "invalid_status", _("Unknown status."), "status", problems
    )
    groups = {NO_GROUP, *(str(i) for i in group_ids)}
    message = _("That cabin or group is not part of this event.")
    group = _choice(args.get("group"), groups, "invalid_group", message, "group", problems)
    message = _("Unknown verification state.")
    verification = _choice(
        args.get("verification"), set(PatientVerification), "invalid_verification",
        message, "verification", problems,
    )  # fmt: skip
    message = _("Unknown mail state.")
    mail = _choice(args.get("mail"), {MAIL_FAILED}, "invalid_mail", message, "mail", problems)
    sort = _choice(args.get("sort"), SORTS, "invalid_sort", _("Unknown sort."), "sort", problems)
    min_age = _age(args.get("min_age"), "min_age", problems)
    max_age = _age(args.get("max_age"), "max_age", problems)
    if min_age is not None and max_age is not None and min_age > max_age:
        message = _("The youngest age must not be above the oldest.")
        problems.append(Problem("invalid_age_range", message, "min_age"))
    if problems:
        raise InvalidInput(problems)
    return RosterFilter(
        q=q,
        status=status,
        min_age=min_age,
        max_age=max_age,
        group=group,
        verification=verification,
        mail=mail,
        sort=sort or "received",
        descending=(args.get("dir") or "") == "desc",
    )


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a year without one
        return day.replace(year=day.year - years, day=28)


def _name_matches(q: str):
    pattern = like_pattern(q)
    child_name = func.lower(Child.first_name + " " + Child.last_name)
    guardian = exists().where(
        User.household_id == Registration.household_id,
        func.lower(User.name).like(pattern, escape="\\"),
    )
    return or_(child_name.like(pattern, escape="\\"), guardian)


def mail_failed():
    """A mail about the registration (its confirmation, a change of status) was given up on:
    a correlated EXISTS, served by the index on outbox_mails.registration_id."""
    return exists().where(
        OutboxMail.registration_id == Registration.id, OutboxMail.status == MailStatus.FAILED
    )


def _conditions(event: Event, f: RosterFilter) -> list:
    conditions = [Registration.event_id == event.id]
    if f.status == ACTIVE_STATUSES:
        conditions.append(Registration.status.in_(ACTIVE))
    elif f.status:
        conditions.append(Registration.status == f.status)
    if f.q:
        conditions.append(_name_matches(f.q))
    # Age on the first day, as bounds on the birth date so an index can serve it.
    if f.min_age is not None:
        conditions.append(Child.date_of_birth <= _years_before(event.starts_on, f.min_age))
    if f.max_age is not None:
        conditions.append(Child.date_of_birth > _years_before(event.starts_on, f.max_age + 1))
    if f.group == NO_GROUP:
        conditions.append(Registration.group_id.is_(None))
    elif f.group:
        conditions.append(Registration.group_id == int(f.group))
    if f.verification:
        conditions.append(Child.patient_verification == f.verification)
    if f.mail == MAIL_FAILED:
        conditions.append(mail_failed())
    return conditions


def filtered_query(event: Event, f: RosterFilter) -> Select:
    """SELECT Registration (joined to its child and, outer, its group) matching the filter,
    in the filter's order. Add loader options, limit/offset or a count as needed."""
    order = [c.asc() if up != f.descending else c.desc() for c, up in SORTS[f.sort]]
    if f.sort == "group":
        # Unassigned last in both directions and on every database (SQLite and PostgreSQL put
        # NULLs at opposite ends); only here, so the other sorts can still use an index.
        order = [o.nulls_last() for o in order]
    return (
        select(Registration)
        .join(Registration.child)
        .outerjoin(Registration.group)
        .where(*_conditions(event, f))
        .order_by(*order, Registration.sequence)
    )


def count_query(event: Event, f: RosterFilter) -> Select:
    """SELECT how many registrations match the filter (a scalar subquery of it can go into
    another statement: the audit entry of an export)."""
    return (
        select(func.count(Registration.id)).join(Registration.child).where(*_conditions(event, f))
    )


def count_matching(event: Event, f: RosterFilter) -> int:
    return db.session.scalar(count_query(event, f))
