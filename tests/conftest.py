"""Fixtures: an app on a real, migrated database; clients; a CLI runner.

The suite runs on SQLite by default; CAMP_TEST_DATABASE=postgresql runs it on PostgreSQL.
Tests marked `postgres` always use PostgreSQL. Without a reachable server they are skipped,
unless CAMP_REQUIRE_POSTGRES=1 (as in .ci/run), which turns the skip into a failure.
"""

import os

import pytest
from flask import g

from camp_app import create_app
from camp_app.extensions import db
from tests.support.databases import (
    PostgresDatabase,
    SqliteTemplate,
    flag,
    postgres_unavailable_reason,
    test_config,
)

TEST_DATABASE = os.environ.get("CAMP_TEST_DATABASE", "sqlite")


def skip_or_fail(reason: str, required_flag: str):
    if flag(required_flag):
        pytest.fail(f"{reason}, and {required_flag}=1 forbids skipping", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory):
    return SqliteTemplate(tmp_path_factory.mktemp("sqlite-template"))


@pytest.fixture(scope="session")
def postgres_database():
    reason = postgres_unavailable_reason()
    if reason:
        skip_or_fail(reason, "CAMP_REQUIRE_POSTGRES")
    database = PostgresDatabase()
    yield database
    database.drop()


def _forget_cached_user() -> None:
    g.pop("_login_user", None)


def _build_app(database_url: str, overrides: dict):
    app = create_app(test_config(database_url, **overrides))
    # In production every request has its own flask.g. While a test keeps an app context pushed
    # (app_ctx), requests share its g, and Flask-Login would reuse the user an earlier request
    # (of any test client) loaded. Forget it, as a fresh g would.
    app.before_request_funcs.setdefault(None, []).insert(0, _forget_cached_user)
    return app


def _teardown(app):
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def app_config() -> dict:
    """Override in a test module to change the app's configuration."""
    return {}


@pytest.fixture
def pg_app(request, app_config):
    database = request.getfixturevalue("postgres_database")
    app = _build_app(database.url, app_config)
    database.truncate_all(app)
    yield app
    _teardown(app)


@pytest.fixture
def sqlite_app(sqlite_template, tmp_path, app_config):
    app = _build_app(sqlite_template.fresh_url(tmp_path), app_config)
    yield app
    _teardown(app)


@pytest.fixture
def app(request):
    """The app on the suite's database (SQLite unless CAMP_TEST_DATABASE=postgresql)."""
    name = "pg_app" if TEST_DATABASE == "postgresql" else "sqlite_app"
    return request.getfixturevalue(name)


@pytest.fixture
def app_ctx(app):
    with app.app_context():
        yield app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "pg_app" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.postgres)
