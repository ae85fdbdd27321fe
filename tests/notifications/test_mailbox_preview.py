"""The development mailbox's HTML preview: its own address with its own policy, so the mail's
inline styles show, while scripts, outside resources and other sites' frames stay out."""

import re
from html import unescape

import pytest

from camp_app.extensions import db
from tests.notifications.helpers import queue_test_mail


@pytest.fixture
def app_config():
    return {"MAIL_SERVER": None, "DEV_MAILBOX": True}


def _policy(response) -> dict[str, str]:
    parts = (
        p.strip().split(" ", 1) for p in response.headers["Content-Security-Policy"].split(";")
    )
    return {p[0]: (p[1] if len(p) > 1 else "") for p in parts}


def test_the_mail_page_frames_the_html_part_from_its_own_address(app_ctx, client):
    mail = queue_test_mail()
    page = client.get(f"/dev/mailbox/{mail.id}").get_data(as_text=True)
    iframe = re.search(r"<iframe[^>]*>", page, flags=re.S).group(0)
    assert unescape(re.search(r'src="([^"]*)"', iframe).group(1)) == f"/dev/mailbox/{mail.id}/html"
    assert "srcdoc" not in iframe  # a srcdoc frame would inherit the page's strict policy


def test_the_preview_allows_inline_styles_and_nothing_else(app_ctx, client):
    mail = queue_test_mail()
    mail.body_html = '<p style="color: #0b5cab">Hi</p><script>alert(1)</script>'
    db.session.commit()
    response = client.get(f"/dev/mailbox/{mail.id}/html")
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    assert '<p style="color: #0b5cab">Hi</p>' in response.get_data(as_text=True)
    policy = _policy(response)
    assert policy["default-src"] == "'none'"
    assert policy["style-src"] == "'unsafe-inline'"
    assert policy["img-src"] == "data:"
    assert policy["frame-ancestors"] == "'self'"
    assert "sandbox" in policy and "allow-scripts" not in policy["sandbox"]
    assert "allow-same-origin" not in policy["sandbox"]
    assert "script-src" not in policy  # scripts fall back to default-src 'none'
    assert response.headers["X-Frame-Options"] == "SAMEORIGIN"
    assert response.headers["Cache-Control"] == "no-store"


def test_other_pages_keep_the_strict_policy(app_ctx, client):
    mail = queue_test_mail()
    response = client.get(f"/dev/mailbox/{mail.id}")
    assert "unsafe-inline" not in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"


def test_an_unknown_mail_is_404(app_ctx, client):
    assert client.get("/dev/mailbox/999999/html").status_code == 404


@pytest.mark.parametrize("config", [{"DEV_MAILBOX": False}])
def test_no_preview_without_the_dev_mailbox(app_ctx, client, config):
    mail = queue_test_mail()
    app_ctx.config.update(config)
    assert client.get(f"/dev/mailbox/{mail.id}/html").status_code == 404
