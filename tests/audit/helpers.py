"""Helpers for the audit log tests: people as plain values, entries written directly."""

from contextlib import contextmanager
from datetime import datetime
from types import SimpleNamespace

from sqlalchemy import event as sa_event

from camp_app.accounts.models import Role
from camp_app.audit.models import AuditEntry
from camp_app.extensions import db
from tests.factories import login, make_user


@contextmanager
def data(app):
    """Set up or inspect data outside any client request."""
    with app.app_context():
        yield db.session
        db.session.remove()


def person(app, roles=(Role.PARENT,), **kwargs) -> SimpleNamespace:
    with data(app):
        user = make_user(roles, **kwargs)
        return SimpleNamespace(
            id=user.id, email=user.email, name=user.name, household_id=user.household_id
        )


def sign_in(client, user) -> None:
    assert login(client, user).status_code == 302, "signing in through the login form failed"


def signed_in_admin(app, client, **kwargs) -> SimpleNamespace:
    admin = person(app, (Role.ADMIN,), **kwargs)
    sign_in(client, admin)
    return admin


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


@contextmanager
def counted_statements(app):
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args):
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    sa_event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        sa_event.remove(engine, "before_cursor_execute", count)


def utc(*parts) -> datetime:
    from datetime import UTC

    return datetime(*parts, tzinfo=UTC)


def entry_ids(html: str) -> set[int]:
    """The ids of the entries a page shows (each row is <tr id="entry-N">)."""
    import re

    return {int(n) for n in re.findall(r'<tr id="entry-(\d+)"', html)}
