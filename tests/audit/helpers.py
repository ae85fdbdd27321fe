"""Helpers for the audit log tests: people as plain values, entries written directly."""

from datetime import datetime
from types import SimpleNamespace

from sqlalchemy import delete

from camp_app.audit.models import AuditEntry, EntryKind
from camp_app.roles import Role
from tests.support.outside_requests import data, person, sign_in
from tests.support.queries import counted_statements  # noqa: F401  (the audit tests use it)


def signed_in_admin(app, client, **kwargs) -> SimpleNamespace:
    admin = person(app, (Role.ADMIN,), **kwargs)
    sign_in(client, admin)
    forget_sign_ins(app)
    return admin


def forget_sign_ins(app) -> None:
    """Remove the sign-in entries (the log tests look at the entries they wrote; signing in
    has its own tests, tests/audit/test_sign_ins.py)."""
    with data(app) as session:
        session.execute(delete(AuditEntry).where(AuditEntry.kind == EntryKind.SIGN_IN))
        session.commit()


def add_entry(app, *, actor_id, action, entity_type="events", entity_id=1, fields=(), at=None):
    """An entry written as record() would, at a chosen moment (aware UTC)."""
    with data(app) as session:
        entry = AuditEntry(
            actor_id=actor_id,
            action=action,
            entity_type=entity_type,
            entity_id=entity_id,
            fields=sorted(fields),
        )
        if at is not None:
            entry.at = at
        session.add(entry)
        session.commit()
        return entry.id


def utc(*parts) -> datetime:
    from datetime import UTC

    return datetime(*parts, tzinfo=UTC)


def entry_ids(html: str) -> set[int]:
    """The ids of the entries a page shows (each row is <tr id="entry-N">)."""
    import re

    return {int(n) for n in re.findall(r'<tr id="entry-(\d+)"', html)}
