"""The development mailbox shows every mail, reset links included, to anyone who asks. A server
started without mail settings once served it: an anonymous visitor asked for a coordinator's
password reset, read the link there and signed in as the coordinator. It exists only where
DEV_MAILBOX=1 is set explicitly."""

import logging

import pytest
from sqlalchemy import select

from camp_app import create_app
from camp_app.extensions import db
from camp_app.notifications.models import OutboxMail
from tests.factories import make_user

MAIL_WAITS = "MAIL_SERVER is not set"


@pytest.fixture
def bare_environment(monkeypatch, tmp_path):
    """The environment of a server started with nothing but a database and a key."""
    for name in ("DEV_MAILBOX", "MAIL_SERVER"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SECRET_KEY", "a-production-secret")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'camp.sqlite3'}")


def test_a_server_without_mail_settings_has_no_mailbox(bare_environment):
    app = create_app()

    assert app.config["DEV_MAILBOX"] is False
    client = app.test_client()
    assert client.get("/dev/mailbox").status_code == 404
    assert client.get("/dev/mailbox/1").status_code == 404
    assert b"/dev/mailbox" not in client.get("/").data


def test_the_mailbox_needs_dev_mailbox_set_to_1(bare_environment, monkeypatch):
    monkeypatch.setenv("DEV_MAILBOX", "1")
    assert create_app().config["DEV_MAILBOX"] is True
    monkeypatch.setenv("DEV_MAILBOX", "0")
    assert create_app().config["DEV_MAILBOX"] is False


def test_a_server_without_mail_settings_warns_that_mail_waits(bare_environment, caplog):
    with caplog.at_level(logging.WARNING):
        create_app()
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any(MAIL_WAITS in w and "outbox" in w for w in warnings), warnings


def test_a_server_with_a_mail_server_does_not_warn(bare_environment, monkeypatch, caplog):
    monkeypatch.setenv("MAIL_SERVER", "smtp.hospital.example")
    with caplog.at_level(logging.WARNING):
        create_app()
    assert not any(MAIL_WAITS in r.getMessage() for r in caplog.records)


def test_a_strangers_reset_request_for_a_coordinator_cannot_be_read(app_ctx, client):
    """The attack as it was run, against the suite's app (no DEV_MAILBOX, as in production)."""
    coordinator = make_user(roles=("coordinator",))

    asked = client.post("/account/forgot", data={"email": coordinator.email})
    assert asked.status_code in (302, 303)
    reset_mail = db.session.scalars(
        select(OutboxMail).where(OutboxMail.to_address == coordinator.email)
    ).one()  # the reset link is in the outbox, waiting for a mail server

    for path in (
        "/dev/mailbox",
        f"/dev/mailbox/{reset_mail.id}",
        f"/dev/mailbox/{reset_mail.id}/html",
    ):
        assert client.get(path).status_code == 404, path
