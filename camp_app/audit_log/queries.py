"""Reading the audit log: the admins' filters, and one page of entries, newest first.

`parse_filter` turns query-string values into an AuditFilter and a list of Problems: a bad
value is dropped (and named in a message) so that the rest of the list still shows.
`audit_page` reads one page with keyset paging on (at, id): the entries and their actors in a
single SELECT, served by the index on `at`, however deep the page.
"""

import re
from dataclasses import asdict, dataclass
from datetime import date, datetime, time, timedelta

from flask_babel import gettext as _
from sqlalchemy import Select, Text, and_, cast, func, or_, select
from sqlalchemy.orm import aliased

from camp_app.accounts.models import User
from camp_app.audit.models import AuditEntry, EntryKind
from camp_app.audit_log.labels import ACTION_LABELS, ENTITY_LABELS
from camp_app.extensions import db
from camp_app.ids import MAX_ID
from camp_app.service_errors import Problem
from camp_app.timeutil import camp_local_to_utc, is_sane_day

PAGE_SIZE = 50
MAX_ACTOR = 254
ACTION_PATTERN = re.compile(
    r"[a-z0-9_]+(\.[a-z0-9_]*)*"
)  # "registration.approved" or "registration."
ENTITY_PATTERN = re.compile(r"[a-z0-9_]{1,40}")


@dataclass(frozen=True)
class AuditFilter:
    actor: str = ""  # part of the actor's email or name
    action: str = ""  # an action, or a prefix ending in "." for a group of them
    entity_type: str = ""
    entity_id: int | None = None
    date_from: date | None = None  # in the camp's time zone, inclusive
    date_to: date | None = None
    kind: str = ""  # EntryKind: changes, reads of medical details, sign-ins
    actor_id: int | None = None  # the API's filters
    since: datetime | None = None

    def query_args(self) -> dict[str, str]:
        """The values set, as parse_filter reads them: for page links and the download."""
        names = {"date_from": "from", "date_to": "to"}
        return {
            names.get(key, key): value.isoformat()
            if isinstance(value, date | datetime)
            else str(value)
            for key, value in asdict(self).items()
            if value not in ("", None)
        }

    @property
    def used(self) -> list[str]:
        """The names of the filters in use (never their values: those may name a person)."""
        return sorted(self.query_args())


def _text(args, name: str) -> str:
    return (args.get(name) or "").strip()


def _day(args, name: str, problems: list) -> date | None:
    value = _text(args, name)
    if not value:
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError:
        day = None
    if day is None or not is_sane_day(day):  # the day after it must still be a date
        message = _("Enter the date as year-month-day, for example 2027-03-01.")
        problems.append(Problem("invalid_date", message, name))
        return None
    return day


def _entity_id(args, problems: list) -> int | None:
    value = _text(args, "entity_id")
    if not value:
        return None
    if value.isascii() and value.isdigit() and 1 <= int(value) <= MAX_ID:
        return int(value)
    problems.append(Problem("invalid_id", _("A record number is a whole number."), "entity_id"))
    return None


def _matching(value: str, pattern: re.Pattern, limit: int, problem: Problem, problems) -> str:
    if value and (len(value) > limit or not pattern.fullmatch(value)):
        problems.append(problem)
        return ""
    return value


def parse_filter(args) -> tuple[AuditFilter, list[Problem]]:
    """An AuditFilter from request.args, and the problems with the values it had to drop."""
    problems: list[Problem] = []
    actor = _text(args, "actor").lower()
    if len(actor) > MAX_ACTOR:
        message = _("Please keep the search under %(n)s characters.", n=MAX_ACTOR)
        problems.append(Problem("too_long", message, "actor"))
        actor = ""
    problem = Problem("invalid_action", _("That is not an action of the log."), "action")
    action = _matching(_text(args, "action"), ACTION_PATTERN, 60, problem, problems)
    problem = Problem("invalid_entity_type", _("That is not a kind of record."), "entity_type")
    entity_type = _matching(_text(args, "entity_type"), ENTITY_PATTERN, 40, problem, problems)
    date_from = _day(args, "from", problems)
    date_to = _day(args, "to", problems)
    if date_from and date_to and date_from > date_to:
        message = _("The first day must not be after the last day.")
        problems.append(Problem("invalid_date_range", message, "from"))
        date_from = date_to = None
    entity_id = _entity_id(args, problems)
    kind = _text(args, "kind")
    if kind and kind not in EntryKind.ALL:
        problems.append(Problem("invalid_kind", _("That is not a kind of entry."), "kind"))
        kind = ""
    found = AuditFilter(actor, action, entity_type, entity_id, date_from, date_to, kind)
    return found, problems


def parse_cursor(args, name: str, problems: list) -> int | None:
    """A page link's cursor: the id of the entry the page starts after."""
    value = _text(args, name)
    if not value:
        return None
    if value.isascii() and value.isdigit() and 1 <= int(value) <= MAX_ID:
        return int(value)
    problems.append(Problem("invalid_page", _("That page link is broken; showing the newest.")))
    return None


def _escaped_like(text: str) -> str:
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _day_start(day: date) -> datetime:
    return camp_local_to_utc(datetime.combine(day, time.min))


# The records a list read names in `record_ids` (a roster page, a day's sheet...) are children.
LISTED_TYPE = "children"


def _record(entity_type: str, entity_id: int):
    """The entries on one record: those naming it and, for a child or when no kind of record
    is chosen, the list reads whose `record_ids` hold its number."""
    named = AuditEntry.entity_id == entity_id
    if entity_type:
        named = and_(AuditEntry.entity_type == entity_type, named)
    if entity_type not in ("", LISTED_TYPE):
        return named
    return or_(named, and_(AuditEntry.kind == EntryKind.READ, _lists(entity_id)))


def _lists(record_id: int):
    """`record_ids` holds `record_id`, on SQLite and PostgreSQL alike: the JSON list as text,
    spaces dropped and its brackets made commas ("[1, 12]" -> ",1,12,"), holds ",1," only
    for the element 1 itself, never 12 or 21. `record_id` is a checked int, nothing to
    escape. One condition of the one SELECT; a null list (or JSON null) matches nothing."""
    text = func.replace(cast(AuditEntry.record_ids, Text), " ", "")
    text = func.replace(func.replace(text, "[", ","), "]", ",")
    return text.like(f"%,{int(record_id)},%")


def _conditions(f: AuditFilter) -> list:
    conditions = []
    if f.actor:
        pattern = _escaped_like(f.actor)
        conditions.append(
            or_(
                func.lower(User.email).like(pattern, escape="\\"),
                func.lower(User.name).like(pattern, escape="\\"),
            )
        )
    if f.action.endswith("."):
        conditions.append(AuditEntry.action.startswith(f.action, autoescape=True))
    elif f.action:
        conditions.append(AuditEntry.action == f.action)
    if f.entity_id is not None:
        conditions.append(_record(f.entity_type, f.entity_id))
    elif f.entity_type:
        conditions.append(AuditEntry.entity_type == f.entity_type)
    if f.date_from:
        conditions.append(AuditEntry.at >= _day_start(f.date_from))
    if f.date_to:
        conditions.append(AuditEntry.at < _day_start(f.date_to + timedelta(days=1)))
    if f.kind:
        conditions.append(AuditEntry.kind == f.kind)
    if f.actor_id is not None:
        conditions.append(AuditEntry.actor_id == f.actor_id)
    if f.since is not None:
        conditions.append(AuditEntry.at >= f.since)
    return conditions


def filtered_query(f: AuditFilter) -> Select:
    """SELECT (AuditEntry, actor name, actor email) matching the filter, newest first. Only
    the two columns of the actor: no User objects, so none of their relationships load."""
    return (
        select(AuditEntry, User.name, User.email)
        .outerjoin(User, User.id == AuditEntry.actor_id)
        .where(*_conditions(f))
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    )


def beyond(cursor_id: int, older: bool, cursor_at: datetime | None = None):
    """Entries older (or newer) than the cursor entry in (at, id) order. Without `cursor_at`,
    the cursor's time is read in the same SELECT. The plain `at <= t` (or `>=`) is redundant
    with the rest but lets the database walk the index on `at` from the cursor on."""
    if cursor_at is None:
        cursor = aliased(AuditEntry)
        cursor_at = select(cursor.at).where(cursor.id == cursor_id).scalar_subquery()
    if older:
        return and_(
            AuditEntry.at <= cursor_at,
            or_(AuditEntry.at < cursor_at, AuditEntry.id < cursor_id),
        )
    return and_(
        AuditEntry.at >= cursor_at,
        or_(AuditEntry.at > cursor_at, AuditEntry.id > cursor_id),
    )


@dataclass
class AuditRow:
    entry: AuditEntry
    actor_name: str | None
    actor_email: str | None


@dataclass
class AuditPage:
    rows: list[AuditRow]
    has_newer: bool
    has_older: bool

    @property
    def newest_id(self) -> int | None:
        return self.rows[0].entry.id if self.rows else None

    @property
    def oldest_id(self) -> int | None:
        return self.rows[-1].entry.id if self.rows else None


def audit_page(
    f: AuditFilter, before: int | None = None, after: int | None = None, size: int = PAGE_SIZE
) -> AuditPage:
    """One page: the newest entries, or those just older than `before`, or just newer than
    `after`. One SELECT (one row more than a page, to know whether more follow)."""
    query = filtered_query(f)
    if after is not None:
        query = query.where(beyond(after, older=False)).order_by(None)
        query = query.order_by(AuditEntry.at.asc(), AuditEntry.id.asc())
    elif before is not None:
        query = query.where(beyond(before, older=True))
    found = [AuditRow(*row) for row in db.session.execute(query.limit(size + 1))]
    more = len(found) > size
    found = found[:size]
    if after is not None:
        return AuditPage(list(reversed(found)), has_newer=more, has_older=True)
    return AuditPage(found, has_newer=before is not None, has_older=more)


RECENT_FOR_CHOICES = 20_000


def filter_choices() -> tuple[list[str], list[str]]:
    """The actions and kinds of record for the filters' lists: every one the log knows words
    for, and any other among the newest entries. Bounded work (the newest entries come from the
    index on `at`), where a DISTINCT over the whole log would read all of it on every page."""
    recent = (
        select(AuditEntry.action, AuditEntry.entity_type)
        .order_by(AuditEntry.at.desc())
        .limit(RECENT_FOR_CHOICES)
        .subquery()
    )
    pairs = db.session.execute(select(recent.c.action, recent.c.entity_type).distinct())
    actions, types = set(ACTION_LABELS), set(ENTITY_LABELS)
    for action, entity_type in pairs:
        actions.add(action)
        types.add(entity_type)
    return sorted(actions), sorted(types)
