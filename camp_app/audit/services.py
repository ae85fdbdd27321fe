"""Recording changes. Call in the same transaction as the change; the caller commits."""

from camp_app.audit.models import AuditEntry
from camp_app.extensions import db


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
    actor_id: int | None, action: str, entity_type: str, entity_id: int | None, fields=()
) -> AuditEntry:
    """Log that `actor_id` read medical details (`fields`, names only) of a record: one
    INSERT in the caller's transaction. The caller commits (a read commits on its own)."""
    entry = AuditEntry(
        actor_id=actor_id,
        action=action,
        entity_type=entity_type,
        entity_id=entity_id,
        fields=sorted(fields),
    )
    db.session.add(entry)
    return entry
