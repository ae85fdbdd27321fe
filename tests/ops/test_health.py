"""/healthz: what the load balancer asks. Public, cheap, no cookie; 503 without a database."""

from datetime import timedelta

from camp_app import create_app
from camp_app.extensions import db
from camp_app.notifications.models import MailStatus
from camp_app.notifications.services import queue_mail
from camp_app.timeutil import utcnow
from tests.support import databases
from tests.support.smtp import free_port


def queue(**fields):
    mail = queue_mail(to="family@example.org", template="account_verify", subject="Hello",
                      context={"name": "Ana", "verify_url": "/"})  # fmt: skip
    for name, value in fields.items():
        setattr(mail, name, value)
    db.session.commit()
    return mail


def test_ok_with_the_outbox_state_and_no_cookie(app_ctx, client):
    now = utcnow()
    queue(next_attempt_at=now - timedelta(minutes=10))  # due for ten minutes
    queue(next_attempt_at=now + timedelta(minutes=30))  # retried later: not due
    queue(status=MailStatus.FAILED)
    queue(status=MailStatus.SENT)

    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert body["status"] == "ok" and body["database"] == "ok"
    assert body["outbox_waiting"] == 2
    assert body["outbox_failed"] == 1
    assert 600 <= body["outbox_oldest_due_seconds"] < 700
    assert "Set-Cookie" not in response.headers
    assert response.headers["Cache-Control"] == "no-store"


def test_an_empty_outbox_has_waited_for_nothing(app_ctx, client):
    body = client.get("/healthz").get_json()
    assert (body["outbox_waiting"], body["outbox_oldest_due_seconds"]) == (0, 0)


def test_503_when_the_database_cannot_be_reached():
    nowhere = f"postgresql+psycopg://127.0.0.1:{free_port()}/camp"  # nothing listens there
    app = create_app(databases.test_config(nowhere))

    response = app.test_client().get("/healthz")

    assert response.status_code == 503
    assert response.get_json() == {"status": "unavailable", "database": "unreachable"}
    assert "Set-Cookie" not in response.headers
    with app.app_context():
        db.engine.dispose()


def test_the_postgresql_check_works_on_postgresql(pg_app):
    response = pg_app.test_client().get("/healthz")
    assert response.status_code == 200
    assert response.get_json()["database"] == "ok"
