"""Recording the audit log: changes (in the change's transaction, the caller commits), reads
of medical details and sign-ins.

A read costs one INSERT, whatever it showed: a list or an export names the event (or the
record) it was of, the filters it used (names, never values), how many records it held and,
for a page, which ones; never a medical value. `count` may be a SQL expression (a scalar
subquery), evaluated inside that same INSERT, so an export need not count its rows first.
"""

from collections.abc import Iterable

from camp_app.audit.models import AuditEntry, EntryKind
from camp_app.database import commit_keeping_loaded
from camp_app.extensions import db

# A page names the records it showed; a longer list (an export) only how many.
MAX_RECORD_IDS = 500


def record(actor_id: int | None, action: str, entity, fields=()) -> AuditEntry:
    """Log that `actor_id` did `action` to `entity`, naming the changed fields (not values)."""
    if entity.id is None:
        db.session.flush()  # a new record needs its id before it can be named
    entry = AuditEntry(
        actor_id=actor_id,
        action=action,
        entity_type=entity.__tablename__,
        entity_id=entity.id,
        fields=sorted(fields),
    )
    db.session.add(entry)
    return entry


def record_read(
    actor_id: int | None,
    action: str,
    entity_type: str,
    entity_id: int | None,
    fields=(),
    *,
    count=None,
    ids: Iterable[int] | None = None,
) -> AuditEntry:
    """Log that `actor_id` read medical details: of one record (`entity_type`, `entity_id`),
    or of a list or export of them (the event, `count` records, a page's `ids`). `fields`
    names what was shown and the filters used, never a value. One INSERT in the caller's
    transaction: the caller commits (see read_recorded)."""
    ids = sorted(set(ids)) if ids is not None else None
    if ids is not None and count is None:
        count = len(ids)
    entry = AuditEntry(
        actor_id=actor_id,
        action=action,
        entity_type=entity_type,
        entity_id=entity_id,
        fields=sorted(set(fields)),
        kind=EntryKind.READ,
        record_count=count,
        record_ids=ids if ids is not None and len(ids) <= MAX_RECORD_IDS else None,
    )
    db.session.add(entry)
    return entry


def read_recorded(*args, **kwargs) -> None:
    """record_read, committed at once without expiring what the request loaded (so the page
    still renders from it, with no statement more than the INSERT)."""
    record_read(*args, **kwargs)
    commit_keeping_loaded(db.session)


def record_sign_in(
    actor_id: int | None, action: str, entity_type: str, entity_id: int | None, fields=()
) -> AuditEntry:
    """Log a sign-in, a failed one or one refused by the cap: `fields` names the factors
    checked ("password", "otp", "sign_in_link"...). For an address nobody has, the actor is
    None and nothing of the address is kept here (the attempt row keeps its hash). One INSERT
    in the caller's transaction; the caller commits."""
    entry = AuditEntry(
        actor_id=actor_id,
        action=action,
        entity_type=entity_type,
        entity_id=entity_id,
        fields=sorted(set(fields)),
        kind=EntryKind.SIGN_IN,
    )
    db.session.add(entry)
    return entry
