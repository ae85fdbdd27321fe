"""Cross-cutting promises of the app: access declared everywhere, headers, logs, config."""

import logging

import pytest

from camp_app import create_app
from camp_app.config import database_url, instance_secret_key
from camp_app.logging_setup import RedactSecretsFilter, redact


def test_every_route_declares_who_may_use_it(app):
    undeclared = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        view = app.view_functions[rule.endpoint]
        if not getattr(view, "access", None):
            undeclared.append(f"{rule.endpoint} {rule.rule}")
    assert undeclared == [], "routes without an access declaration"


def test_pages_send_security_headers(client):
    response = client.get("/")
    assert response.status_code == 200
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["Cache-Control"] == "no-store"


def test_unknown_page_is_a_friendly_404(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert b"could not find that page" in response.data
    assert b"Traceback" not in response.data


def test_unknown_api_path_answers_json_error(client):
    response = client.get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response.get_json()["errors"][0]["code"] == "not_found"


@pytest.mark.parametrize(
    "line",
    [
        "GET /account/verify/abc.DEF-123 HTTP/1.1",
        "GET /account/reset/Zm9v.YmFy HTTP/1.1",
        "POST /family/invite/s3cr3t HTTP/1.1",
    ],
)
def test_one_time_tokens_are_masked_in_log_lines(line):
    masked = redact(line)
    assert "[redacted]" in masked
    assert not any(secret in masked for secret in ("abc.DEF-123", "Zm9v.YmFy", "s3cr3t"))


def test_werkzeug_access_log_is_redacted(app, caplog):
    logger = logging.getLogger("werkzeug")
    assert any(isinstance(f, RedactSecretsFilter) for f in logger.filters)
    with caplog.at_level(logging.INFO, logger="werkzeug"):
        logger.info('%s - - "%s" %s', "127.0.0.1", "GET /account/verify/tok123 HTTP/1.1", "200")
    assert "tok123" not in caplog.text
    assert "/account/verify/[redacted]" in caplog.text


def test_secret_key_is_generated_once_and_kept_private(tmp_path):
    first = instance_secret_key(str(tmp_path))
    assert len(first) >= 64
    assert instance_secret_key(str(tmp_path)) == first
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_postgres_urls_get_the_psycopg_driver(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", "postgres://u@db:5432/camp")
    assert database_url(str(tmp_path)) == "postgresql+psycopg://u@db:5432/camp"
    monkeypatch.delenv("DATABASE_URL")
    assert database_url(str(tmp_path)).startswith("sqlite:///")


def test_configuration_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("BASE_URL", "https://camps.hospital.example/")
    monkeypatch.setenv("CAMP_TIMEZONE", "America/Chicago")
    monkeypatch.setenv("MAIL_SERVER", "smtp.hospital.example")
    monkeypatch.setenv("SECRET_KEY", "from-env")
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert app.config["BASE_URL"] == "https://camps.hospital.example"
    assert app.config["BABEL_DEFAULT_TIMEZONE"] == "America/Chicago"
    assert app.config["SECRET_KEY"] == "from-env"
    assert app.config["DEV_MAILBOX"] is False  # a real mail server: no development mailbox
    assert app.config["SESSION_COOKIE_SECURE"] is True


def test_language_switch_keeps_the_visitor_on_the_page(client):
    response = client.post("/language/es", data={"next": "/events/x"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/events/x")
    with client.session_transaction() as session:
        assert session["locale"] == "es"


@pytest.mark.parametrize(
    "target", ["//evil.example/", "/\t/evil.example", "/\n/evil.example", "/\\evil.example"]
)
def test_language_switch_refuses_open_redirects(client, target):
    response = client.post("/language/en", data={"next": target})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
