"""The audit log through the API (contract v1.1: Audit): admins search who changed what, who
read which medical details and who signed in, newest first, a page at a time (keyset paging:
`next` is the cursor of the following page). The reading is audit_log.queries, as the pages'.
"""

import re
from datetime import date, datetime, time

from flask import jsonify, request
from flask_babel import gettext as _

from camp_app.api.blueprint import bp
from camp_app.api.core import api_roles
from camp_app.audit.models import AuditEntry, EntryKind
from camp_app.audit_log import queries
from camp_app.ids import MAX_ID
from camp_app.roles import Role
from camp_app.service_errors import InvalidInput, Problem
from camp_app.timeutil import camp_local_to_utc, is_sane_day

DEFAULT_LIMIT = 50
MAX_LIMIT = 200
DIGITS = re.compile(r"[0-9]{1,10}")


def _arg(name: str) -> str:
    return (request.args.get(name) or "").strip()


def _number(name: str, problems: list[Problem], *, top: int = MAX_ID) -> int | None:
    value = _arg(name)
    if not value:
        return None
    if DIGITS.fullmatch(value) and 1 <= int(value) <= top:
        return int(value)
    message = _("Please send a whole number from 1 to %(n)s.", n=top)
    problems.append(Problem(f"invalid_{name}", message, name))
    return None


def _since(problems: list[Problem]) -> datetime | None:
    """A day (from its start in the camp's time zone) or a moment with its UTC offset."""
    value = _arg("since")
    if not value:
        return None
    moment = None
    try:
        if len(value) == 10:
            day = date.fromisoformat(value)
            if is_sane_day(day):
                moment = camp_local_to_utc(datetime.combine(day, time.min))
        else:
            parsed = datetime.fromisoformat(value)
            if parsed.tzinfo is not None and is_sane_day(parsed.date()):
                moment = parsed
    except ValueError:
        moment = None
    if moment is None:
        message = _("Please send a day as YYYY-MM-DD or a time as ISO 8601 with its offset.")
        problems.append(Problem("invalid_since", message, "since"))
    return moment


def _matching(name: str, pattern: re.Pattern, limit: int, problems: list[Problem]) -> str:
    value = _arg(name)
    if value and (len(value) > limit or not pattern.fullmatch(value)):
        problems.append(Problem(f"invalid_{name}", _("That value is not one of the log."), name))
        return ""
    return value


def audit_query() -> tuple[queries.AuditFilter, int | None, int]:
    """(filter, cursor, limit) from the query string. Raises InvalidInput (422) naming each
    bad argument."""
    problems: list[Problem] = []
    kind = _arg("kind")
    if kind and kind not in EntryKind.ALL:
        problems.append(Problem("invalid_kind", _("That is not a kind of entry."), "kind"))
    f = queries.AuditFilter(
        action=_matching("action", queries.ACTION_PATTERN, 60, problems),
        entity_type=_matching("record_type", queries.ENTITY_PATTERN, 40, problems),
        entity_id=_number("record_id", problems),
        kind=kind,
        actor_id=_number("actor_id", problems),
        since=_since(problems),
    )
    cursor = _number("cursor", problems)
    limit = _number("limit", problems, top=MAX_LIMIT) or DEFAULT_LIMIT
    if problems:
        raise InvalidInput(problems)
    return f, cursor, limit


def entry_to_dict(entry: AuditEntry) -> dict:
    return {
        "id": entry.id,
        "at": entry.at.isoformat(),
        "actor_id": entry.actor_id,
        "action": entry.action,
        "kind": entry.kind,
        "record_type": entry.entity_type,
        "record_id": entry.entity_id,
        "fields": list(entry.fields or []),
        "record_count": entry.record_count,
        "record_ids": entry.record_ids,
    }


@bp.get("/audit")
@api_roles(Role.ADMIN)
def audit_entries():
    f, cursor, limit = audit_query()
    page = queries.audit_page(f, before=cursor, size=limit)
    items = [entry_to_dict(row.entry) for row in page.rows]
    following = str(page.oldest_id) if page.has_older else None
    return jsonify({"items": items, "next": following})
