"""The development mailbox: what a newcomer reads before they can sign in, and never there
when a real mail server is configured."""

import re
from html import unescape

import pytest

from camp_app.extensions import db
from camp_app.notifications.models import MailStatus, OutboxMail
from tests.notifications.helpers import CALENDAR, VERIFY_PATH, queue_test_mail


@pytest.fixture
def app_config():
    return {"MAIL_SERVER": None, "DEV_MAILBOX": True}


def rows(page: str) -> list[str]:
    body = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return re.findall(r"<tr>(.*?)</tr>", body, flags=re.S)


def test_mailbox_lists_mails_newest_first_without_signing_in(app_ctx, client):
    queue_test_mail("first@example.org", subject="Older mail")
    queue_test_mail("second@example.org", subject="Newer mail")

    response = client.get("/dev/mailbox")

    assert response.status_code == 200
    page = response.get_data(as_text=True)
    listed = rows(page)
    assert len(listed) == 2
    assert "second@example.org" in listed[0] and "Newer mail" in listed[0]
    assert "first@example.org" in listed[1] and "Older mail" in listed[1]
    assert "outbox_test" in listed[0]  # the category
    assert "waiting" in listed[0]  # the status, in words


def test_created_time_shows_in_the_camp_time_zone(app_ctx, client):
    mail = queue_test_mail()
    mail.created_at = mail.created_at.replace(hour=15, minute=30, second=0)  # 15:30 UTC
    db.session.commit()
    app_ctx.config["CAMP_TIMEZONE"] = "America/New_York"

    page = client.get("/dev/mailbox").get_data(as_text=True)

    [row] = rows(page)
    assert re.search(r"1[01]:30\s?AM", row), row  # 10:30 (EST) or 11:30 (EDT), not 15:30


def test_mail_page_shows_both_parts_with_clickable_links(app_ctx, client):
    mail = queue_test_mail(
        attachments=[{"filename": "camp.ics", "content_type": "text/calendar", "data": CALENDAR}]
    )

    response = client.get(f"/dev/mailbox/{mail.id}")

    assert response.status_code == 200
    page = response.get_data(as_text=True)
    link = f"http://camp.test{VERIFY_PATH}"
    assert f'<a href="{link}">{link}</a>' in page  # the text part, linkified
    iframe = re.search(r"<iframe[^>]*>", page, flags=re.S).group(0)
    sandbox = re.search(r'sandbox="([^"]*)"', iframe).group(1).split()
    assert "allow-scripts" not in sandbox and "allow-same-origin" not in sandbox
    assert "allow-top-navigation-by-user-activation" in sandbox
    src = unescape(re.search(r'src="([^"]*)"', iframe).group(1))
    framed = client.get(src).get_data(as_text=True)  # its own policy: see test_mailbox_preview
    assert '<base target="_top">' in framed
    assert f'<a href="{link}">Confirm your address</a>' in framed
    assert "camp.ics" in page
    assert "SUMMARY:Camp Señal" in page


def test_mail_page_escapes_markup_in_the_text_part(app_ctx, client):
    mail = queue_test_mail()
    mail.body_text = 'Hi <script>alert(1)</script> see https://x.test/a?b=1&c="2"'
    db.session.commit()

    page = client.get(f"/dev/mailbox/{mail.id}").get_data(as_text=True)

    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;" in page
    assert '<a href="https://x.test/a?b=1&amp;c=">' in page  # the quote ends the link


def test_mail_page_shows_the_reply_to_address_only_when_there_is_one(app_ctx, client):
    answered = queue_test_mail(reply_to="camps@hospital.example")
    plain = queue_test_mail()

    page = client.get(f"/dev/mailbox/{answered.id}").get_data(as_text=True)
    other = client.get(f"/dev/mailbox/{plain.id}").get_data(as_text=True)

    assert re.search(r"<dt>Reply to</dt>\s*<dd>camps@hospital.example</dd>", page)
    assert "Reply to" not in other


def test_mailbox_pages_through_many_mails(app_ctx, client):
    for n in range(30):
        queue_test_mail(f"family{n}@example.org")

    first = client.get("/dev/mailbox").get_data(as_text=True)
    second = client.get("/dev/mailbox?page=2").get_data(as_text=True)

    assert len(rows(first)) == 25
    assert len(rows(second)) == 5
    assert 'href="/dev/mailbox?page=2"' in first
    assert "family0@example.org" in second and "family29@example.org" in first


def test_unknown_mail_is_not_found(app_ctx, client):
    assert client.get("/dev/mailbox/999").status_code == 404


@pytest.mark.parametrize(
    "settings",
    [{"DEV_MAILBOX": False}, {"MAIL_SERVER": "smtp.hospital.example", "DEV_MAILBOX": True}],
    ids=["mailbox off", "mail server configured"],
)
def test_mailbox_does_not_exist_unless_enabled_without_a_mail_server(app_ctx, client, settings):
    mail = queue_test_mail()
    app_ctx.config.update(settings)

    assert client.get("/dev/mailbox").status_code == 404
    assert client.get(f"/dev/mailbox/{mail.id}").status_code == 404


def test_once_without_a_mail_server_keeps_mails_in_the_outbox(app_ctx, runner):
    mail = queue_test_mail()

    result = runner.invoke(args=["mail-worker", "--once"])

    assert result.exit_code == 0, result.output
    assert "MAIL_SERVER is not set" in result.output
    assert "/dev/mailbox" in result.output
    assert "1 waiting" in result.output
    db.session.expire_all()
    stored = db.session.get(OutboxMail, mail.id)
    assert stored.status == MailStatus.PENDING
    assert stored.attempts == 0
