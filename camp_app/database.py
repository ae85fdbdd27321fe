"""Declarative base, column types and query helpers shared by every feature."""

from datetime import UTC

from sqlalchemy import DateTime, MetaData, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.types import TypeDecorator

# Stable constraint names so that migrations are reproducible on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class UTCDateTime(TypeDecorator):
    """An aware UTC datetime on every database (SQLite forgets the offset on its own)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored; give a timezone")
        return value.astimezone(UTC)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def render_migration_item(type_, obj, autogen_context):
    """Migrations spell UTCDateTime as the plain column type, so they never import app code."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    if type_ == "type" and type(obj).__name__ == "EncryptedText":  # sealing
        return "sa.Text()"
    return False


def enforce_sqlite_foreign_keys(engine: Engine) -> None:
    """Make SQLite enforce the declared foreign keys, as PostgreSQL does.

    SQLite checks foreign keys only on connections that ran `PRAGMA foreign_keys=ON`, and the
    pragma is a no-op inside a transaction: it is issued on each new DBAPI connection, before
    anything else. pysqlite's transaction handling is left as it is (it still BEGINs only at the
    first DML statement, which events/locking relies on).
    """
    if engine.dialect.name != "sqlite":
        return
    if event.contains(engine, "connect", _foreign_keys_on):
        return
    event.listen(engine, "connect", _foreign_keys_on)


def _foreign_keys_on(dbapi_connection, connection_record) -> None:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA foreign_keys=ON")
    finally:
        cursor.close()


def like_pattern(q: str) -> str:
    """A LIKE pattern (use it with escape="\\") for "contains `q`", case aside, taken
    literally: a typed % or _ is no wildcard. The roster, the API's registration search
    and the gate's day sheet share it."""
    literal = q.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{literal}%"


def commit_keeping_loaded(session) -> None:
    """Commit without expiring what the session has loaded, so that the rest of the request
    does not read the same rows again. Only where the loaded values stay right after the
    commit: rows this transaction just wrote or read and that the caller does not need fresher
    than that (under READ COMMITTED, the next statement would not be more consistent anyway).
    """
    session = session() if callable(session) else session  # a scoped_session too
    previous = session.expire_on_commit
    session.expire_on_commit = False
    try:
        session.commit()
    finally:
        session.expire_on_commit = previous
