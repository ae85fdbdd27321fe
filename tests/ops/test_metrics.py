"""/metrics in the Prometheus text format: off without METRICS_TOKEN, behind it as a bearer
token otherwise; requests, latency, failed sign-ins, and the outbox read at each scrape."""

import pytest
from prometheus_client.parser import text_string_to_metric_families

from camp_app.extensions import db
from camp_app.notifications.models import MailStatus
from camp_app.notifications.services import queue_mail
from tests.factories import PASSWORD, make_user

TOKEN = "scrape-secret-0123456789"
BEARER = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture
def app_config():
    return {"METRICS_TOKEN": TOKEN}


def scrape(client) -> dict[tuple[str, tuple], float]:
    response = client.get("/metrics", headers=BEARER)
    assert response.status_code == 200
    assert response.content_type.startswith("text/plain; version=0.0.4")
    assert "Set-Cookie" not in response.headers
    samples = {}
    for family in text_string_to_metric_families(response.get_data(as_text=True)):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


def value(samples, name, **labels) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def test_off_without_a_token(app_ctx, client):
    app_ctx.config["METRICS_TOKEN"] = None
    assert client.get("/metrics", headers=BEARER).status_code == 404


@pytest.mark.parametrize(
    "headers", [{}, {"Authorization": "Bearer wrong"}, {"Authorization": f"Basic {TOKEN}"}]
)
def test_a_missing_or_wrong_token_is_refused(app_ctx, client, headers):
    response = client.get("/metrics", headers=headers)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert b"camp_" not in response.data


def test_requests_are_counted_by_endpoint_and_status_never_by_path(app_ctx, client):
    before = scrape(client)
    for _ in range(3):
        assert client.get("/healthz").status_code == 200
    client.get("/account/verify/secret-token-in-the-path")
    client.get("/no-such-page")
    after = scrape(client)

    labels = {"method": "GET", "endpoint": "ops.healthz", "status": "200"}
    counted = value(after, "camp_http_requests_total", **labels)
    assert counted - value(before, "camp_http_requests_total", **labels) == 3
    latency = {"method": "GET", "endpoint": "ops.healthz"}
    observed = value(after, "camp_http_request_duration_seconds_count", **latency)
    assert observed - value(before, "camp_http_request_duration_seconds_count", **latency) == 3
    unmatched = {"method": "GET", "endpoint": "unmatched", "status": "404"}
    assert value(after, "camp_http_requests_total", **unmatched) >= 1
    assert not any("secret-token" in str(key) for key in after)


def test_failed_sign_ins_are_counted_on_the_pages_and_the_api(app_ctx, client):
    user = make_user()
    before = value(scrape(client), "camp_sign_in_failures_total")

    client.post("/account/login", data={"email": user.email, "password": "not it at all"})
    client.post("/api/v1/tokens", json={"email": user.email, "password": "not it either"})
    client.post("/account/login", data={"email": user.email, "password": PASSWORD})  # no failure

    after = value(scrape(client), "camp_sign_in_failures_total")
    assert after - before == 2


def test_the_outbox_is_read_at_each_scrape(app_ctx, client):
    for status in (MailStatus.PENDING, MailStatus.PENDING, MailStatus.FAILED):
        mail = queue_mail(to="family@example.org", template="account_verify", subject="Hi",
                          context={"name": "Ana", "verify_url": "/"})  # fmt: skip
        mail.status = status
    db.session.commit()

    samples = scrape(client)

    assert value(samples, "camp_database_up") == 1
    assert value(samples, "camp_outbox_waiting") == 2
    assert value(samples, "camp_outbox_failed") == 1
    assert value(samples, "camp_outbox_oldest_due_seconds") >= 0
