"""While the database cannot be reached, pages and the API answer 503 with Retry-After (not a
500), say so kindly, log only the exception's type, and recover when the database is back.
A wrong query stays a 500: that is a bug, not an outage."""

import logging
import socket
import sqlite3

import psycopg
import pytest
from flask_login.utils import _create_identifier
from sqlalchemy import exc as sa_exc

from camp_app import create_app
from camp_app.errors import database_unavailable
from camp_app.extensions import db
from tests.support.databases import POSTGRES_ADMIN_URL, PostgresDatabase
from tests.support.databases import test_config as config_for

FRIENDLY = "The site is briefly unavailable. Please try again in a few seconds."


def _nothing_listens_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # closed again on leaving: nobody listens there


def _assert_page_503(response):
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    html = response.get_data(as_text=True)
    assert FRIENDLY in html and "Traceback" not in html


def _assert_api_503(response):
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    assert response.get_json()["errors"][0]["code"] == "service_unavailable"
    assert response.get_json()["errors"][0]["message"] == FRIENDLY


@pytest.fixture
def down_app():
    """The app pointed at a PostgreSQL port where nothing listens."""
    port = _nothing_listens_port()
    app = create_app(config_for(f"postgresql+psycopg://127.0.0.1:{port}/camp"))
    yield app, port
    with app.app_context():
        db.engine.dispose()


def test_a_page_and_the_api_answer_503_while_nothing_listens(down_app, caplog):
    app, port = down_app
    client = app.test_client()
    with caplog.at_level(logging.WARNING):
        _assert_page_503(client.get("/"))
        _assert_api_503(client.get("/api/v1/events"))
        _assert_api_503(client.get("/api/v1/me", headers={"Authorization": "Bearer " + "x" * 43}))
    lines = [r.getMessage() for r in caplog.records if "Database unavailable" in r.getMessage()]
    assert lines == [
        "Database unavailable (OperationalError: OperationalError) on GET /",
        "Database unavailable (OperationalError: OperationalError) on GET /api/v1/events",
        "Database unavailable (OperationalError: OperationalError) on GET /api/v1/me",
    ]
    assert str(port) not in caplog.text  # nothing of the driver's message is logged
    spanish = client.get("/", headers={"Accept-Language": "es"}).get_data(as_text=True)
    assert "El sitio no está disponible por un momento." in spanish


def test_a_signed_in_visitor_gets_the_503_page_too(down_app):
    """Loading the signed-in user is the request's first query: it fails, and the error page
    must not try again."""
    app, _port = down_app
    client = app.test_client()
    with app.test_request_context(environ_base=client.environ_base):
        identifier = _create_identifier()  # Flask-Login's "strong" session protection
    with client.session_transaction() as session:
        session.update({"_user_id": "1.0", "_fresh": True, "_id": identifier})
    _assert_page_503(client.get("/account/settings"))
    _assert_page_503(client.get("/"))


@pytest.mark.postgres
def test_postgres_refusing_and_cutting_connections_is_503_then_recovers():
    if reason := _postgres_missing():
        pytest.skip(reason)
    database = PostgresDatabase()
    app = create_app(config_for(database.url))
    client = app.test_client()
    try:
        assert client.get("/").status_code == 200  # the pool holds a live connection now
        _refuse_and_cut(database.name, allow=False)
        _assert_page_503(client.get("/"))
        _assert_api_503(client.get("/api/v1/events"))
        _refuse_and_cut(database.name, allow=True)
        assert client.get("/").status_code == 200
        assert client.get("/api/v1/events").status_code == 200
    finally:
        _refuse_and_cut(database.name, allow=True)
        with app.app_context():
            db.engine.dispose()
        database.drop()


def _postgres_missing() -> str | None:
    from tests.support.databases import postgres_unavailable_reason

    return postgres_unavailable_reason()


def _refuse_and_cut(name: str, *, allow: bool) -> None:
    """Make the server refuse new connections to `name` (or accept them again) and end the
    ones it has, as a restart or a failover would."""
    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS {"true" if allow else "false"}')
        if not allow:
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
                (name,),
            )


def test_sqlite_locked_past_its_timeout_is_503(sqlite_template, tmp_path):
    url = sqlite_template.fresh_url(tmp_path)
    app = create_app(config_for(url, SQLALCHEMY_ENGINE_OPTIONS={"connect_args": {"timeout": 0.2}}))
    holder = sqlite3.connect(url.removeprefix("sqlite:///"), isolation_level=None)
    try:
        holder.execute("BEGIN EXCLUSIVE")  # another process holding the file
        _assert_page_503(app.test_client().get("/"))
        holder.execute("COMMIT")
        assert app.test_client().get("/").status_code == 200
    finally:
        holder.close()
        with app.app_context():
            db.engine.dispose()


def test_a_wrong_query_stays_a_500(tmp_path):
    """SQLite reports a missing table as OperationalError too: that is a bug, not an outage."""
    app = create_app(config_for(f"sqlite:///{tmp_path / 'never-migrated.sqlite3'}"))
    response = app.test_client().get("/api/v1/events")
    assert response.status_code == 500
    assert "Retry-After" not in response.headers
    assert response.get_json()["errors"][0]["code"] == "server_error"
    with app.app_context():
        db.engine.dispose()


def test_which_errors_count_as_the_database_being_unavailable():
    def wrapped(error_class, original):
        return error_class("SELECT 1", {}, original)

    assert database_unavailable(wrapped(sa_exc.OperationalError, psycopg.OperationalError()))
    assert database_unavailable(wrapped(sa_exc.InterfaceError, psycopg.InterfaceError()))
    assert database_unavailable(sa_exc.DisconnectionError())
    assert not database_unavailable(wrapped(sa_exc.ProgrammingError, psycopg.ProgrammingError()))
    assert not database_unavailable(wrapped(sa_exc.IntegrityError, psycopg.IntegrityError()))
    missing_table = sqlite3.OperationalError("no such table: events")
    assert not database_unavailable(wrapped(sa_exc.OperationalError, missing_table))
    assert not database_unavailable(ValueError("not a database error"))
