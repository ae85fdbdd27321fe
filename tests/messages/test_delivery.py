"""A message really delivered by the mail worker to an SMTP server, and what the coordinator
then sees: the delivery state of each copy."""

import html
import re
from urllib.parse import parse_qs

import pytest
from sqlalchemy import select

from camp_app.extensions import db
from camp_app.messages.models import EventMessage
from camp_app.messages.services import TEST_CATEGORY
from camp_app.notifications.delivery import deliver_due
from camp_app.notifications.models import OutboxMail
from tests.factories import make_event
from tests.messages.helpers import (
    assign,
    cabin,
    coordinator,
    family,
    message_mails,
    preview,
    send,
    send_form_values,
)


@pytest.fixture
def app_config(smtp_app_config):
    return smtp_app_config


def _deliver_all():
    """Registration mails were queued too: deliver everything, then look at ours."""
    while deliver_due(batch_size=100).handled:
        pass


def _received(smtp_server, address, subject):
    return [m for m in smtp_server.messages_to(address) if m["Subject"] == subject]


def test_message_is_delivered_by_smtp_and_the_page_shows_sent(app_ctx, client, smtp_server):
    event = make_event(name="Camp Sunrise", contact_email="sunrise@hospital.example")
    (english,), _ = family(event, name="Ana Alvarez")
    (spanish,), _ = family(event, name="Beto Bravo", locale="es")
    coordinator(client)
    body = "Dear families,\n\nBus leaves at 9.\n<script>alert(1)</script>"
    response = send(client, event, preview(client, event, subject="Bus times", body=body))
    detail_url = response.headers["Location"]
    waiting = client.get(detail_url).get_data(as_text=True)
    assert "2 waiting" in waiting

    _deliver_all()

    [message] = _received(smtp_server, english.email, "Bus times")
    assert message["Subject"] == "Bus times"
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    assert "Hello Ana Alvarez," in text
    assert "Bus leaves at 9." in text
    assert "sunrise@hospital.example" in text and "Camp Sunrise" in text
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    [copy] = _received(smtp_server, spanish.email, "Bus times")
    spanish_text = copy.get_body(preferencelist=("plain",)).get_content()
    assert "Hola, Beto Bravo:" in spanish_text  # the frame in the guardian's language
    assert "Bus leaves at 9." in spanish_text  # the coordinator's words as written

    page = client.get(detail_url).get_data(as_text=True)
    assert "2 sent" in page
    assert page.count('<span class="badge ok">sent</span>') == 2
    assert english.email in page and "Ana Alvarez" in page
    assert "Bus leaves at 9." in page  # the message itself, folded away
    assert "Registrations: pending review, confirmed or on the waitlist" in page


def test_a_refused_address_shows_failed_with_its_error(app_ctx, client, smtp_server):
    event = make_event()
    (good,), _ = family(event)
    (bad,), _ = family(event)
    smtp_server.refuse(bad.email, 550)
    coordinator(client)
    detail_url = send(client, event, preview(client, event)).headers["Location"]

    _deliver_all()

    page = client.get(detail_url).get_data(as_text=True)
    assert "1 sent" in page and "1 failed" in page
    assert "SMTPRecipientsRefused: 550" in page
    assert 'href="/manage/outbox?status=failed">Send failed mails again from the outbox' in page
    index = client.get(f"/manage/events/{event.slug}/messages").get_data(as_text=True)
    assert "1 sent" in index and "1 failed" in index
    [message] = db.session.scalars(select(EventMessage))
    statuses = {m.to_address: m.status for m in message_mails(message.id)}
    assert statuses == {good.email: "sent", bad.email: "failed"}


def test_recipients_filter_and_follow_up_link(app_ctx, client, smtp_server):
    event = make_event()
    pines = cabin(event, "Pines")
    (good,), (registration,) = family(event)
    assign(registration, pines)
    (bad,), (other,) = family(event)
    assign(other, pines)
    smtp_server.refuse(bad.email, 550)
    coordinator(client)
    detail_url = send(client, event, preview(client, event, group=str(pines.id))).headers[
        "Location"
    ]
    _deliver_all()

    failed = client.get(f"{detail_url}?status=failed").get_data(as_text=True)
    assert bad.email in failed and good.email not in failed
    sent = client.get(f"{detail_url}?status=sent").get_data(as_text=True)
    assert good.email in sent and bad.email not in sent
    page = client.get(detail_url).get_data(as_text=True)
    assert "Cabin or group: Pines" in page
    [link] = re.findall(r'href="([^"]+)">Write again to the same selection', page)
    path, _, query = html.unescape(link).partition("?")
    assert path == f"/manage/events/{event.slug}/messages"
    assert parse_qs(query) == {"group": [str(pines.id)], "status": ["active"]}


def test_answers_to_a_message_and_its_test_copy_go_to_the_event_contact(
    app_ctx, client, smtp_server
):
    event = make_event(name="Camp Sunrise", contact_email="sunrise@hospital.example")
    (parent,), _ = family(event)
    cora = coordinator(client)
    page = preview(client, event, subject="Bus times", body="At 9.")
    test_form = send_form_values(page.get_data(as_text=True), "test-form")
    client.post(f"/manage/events/{event.slug}/messages/test", data=test_form)
    send(client, event, page)
    [test_copy] = db.session.scalars(select(OutboxMail).where(OutboxMail.category == TEST_CATEGORY))
    assert test_copy.reply_to == "sunrise@hospital.example"
    assert [m.reply_to for m in message_mails()] == ["sunrise@hospital.example"]

    _deliver_all()

    [message] = _received(smtp_server, parent.email, "Bus times")
    assert message.get_all("Reply-To") == ["sunrise@hospital.example"]
    assert message["From"] == app_ctx.config["MAIL_DEFAULT_SENDER"]
    [copy] = _received(smtp_server, cora.email, "[Test] Bus times")
    assert copy.get_all("Reply-To") == ["sunrise@hospital.example"]


def test_a_message_about_an_event_without_a_contact_address_has_no_reply_to(
    app_ctx, client, smtp_server
):
    event = make_event(contact_email="")
    (parent,), _ = family(event)
    coordinator(client)
    send(client, event, preview(client, event, subject="Bus times"))

    _deliver_all()

    [message] = _received(smtp_server, parent.email, "Bus times")
    assert message["Reply-To"] is None
