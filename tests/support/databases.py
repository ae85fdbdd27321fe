"""Real databases for tests: SQLite files and private PostgreSQL databases, built by migrations."""

import os
import shutil
import uuid
from pathlib import Path

import flask_migrate
import psycopg
from sqlalchemy import text

from camp_app import create_app
from camp_app.extensions import db

POSTGRES_ADMIN_URL = os.environ.get("CAMP_TEST_POSTGRES_URL", "postgresql://127.0.0.1:5432/test")


def flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in {"1", "true", "yes", "on"}


def test_config(database_url: str, **overrides) -> dict:
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "WTF_CSRF_ENABLED": False,
        "BASE_URL": "http://camp.test",
        "MAIL_SERVER": None,
        "DEV_MAILBOX": False,  # as in production; the mailbox tests turn it on
        "RATELIMIT_STORAGE_URI": "memory://",
        "SERVER_NAME": None,
        # Real scrypt with a small work factor: the full cost is 0.1-0.3 s a hash, per login.
        "PASSWORD_HASH_METHOD": "scrypt:1024:8:1",
        "PUBLIC_READ_CACHE_SECONDS": 0,  # a change shows at once (camp_app/public_cache.py)
        # A fixed key: the instance folder stays untouched (sealing).
        "ENCRYPTION_KEYS": "xk3W0Q0n2mD3c6yP3o5kq2m0e0pXz1b9o3Qm4QZbG8Y=",
    }
    config.update(overrides)
    return config


def migrate(database_url: str) -> None:
    app = create_app(test_config(database_url))
    with app.app_context():
        flask_migrate.upgrade()
        db.engine.dispose()


def postgres_unavailable_reason() -> str | None:
    try:
        with psycopg.connect(POSTGRES_ADMIN_URL, connect_timeout=3):
            return None
    except psycopg.Error as exc:
        return f"PostgreSQL at {POSTGRES_ADMIN_URL} is not reachable ({exc.__class__.__name__})"


class SqliteTemplate:
    """One migrated SQLite file, copied for each test (much faster than migrating each time)."""

    def __init__(self, folder: Path):
        self.path = folder / "template.sqlite3"
        migrate(f"sqlite:///{self.path}")

    def fresh_url(self, folder: Path) -> str:
        target = folder / "camp.sqlite3"
        shutil.copyfile(self.path, target)
        return f"sqlite:///{target}"


class PostgresDatabase:
    """A private database for this test session, so that parallel test runs never collide."""

    def __init__(self):
        self.name = f"camp_test_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{self.name}"')
        base = POSTGRES_ADMIN_URL.rsplit("/", 1)[0].replace(
            "postgresql://", "postgresql+psycopg://"
        )
        self.url = f"{base}/{self.name}"
        migrate(self.url)

    def truncate_all(self, app) -> None:
        with app.app_context():
            tables = [t.name for t in db.metadata.sorted_tables]
            with db.engine.begin() as conn:
                conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))

    def drop(self) -> None:
        with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
