"""Test helpers for the outbox: a mail template only the tests use, and queueing it."""

from camp_app.extensions import db
from camp_app.notifications.services import queue_mail

TEST_TEMPLATE = "outbox_test"
VERIFY_PATH = "/account/verify/test-token"

# Built on the real mail/base.txt and mail/base.html.
TEST_TEMPLATES = {
    f"mail/{TEST_TEMPLATE}.txt": (
        '{% extends "mail/base.txt" %}{% block body %}Hello {{ name }},\n\n'
        "Please confirm your address: {{ base_url }}{{ link }}\n{% endblock %}"
    ),
    f"mail/{TEST_TEMPLATE}.html": (
        '{% extends "mail/base.html" %}{% block body %}<p>Hello {{ name }},</p>'
        '<p><a href="{{ base_url }}{{ link }}">Confirm your address</a></p>{% endblock %}'
    ),
}

CALENDAR = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//camp//test//EN\r\nBEGIN:VEVENT\r\n"
    "UID:camp-1@camp.test\r\nSUMMARY:Camp Señal\r\nDTSTART;VALUE=DATE:20270614\r\n"
    "END:VEVENT\r\nEND:VCALENDAR\r\n"
)


def queue_test_mail(to="parent@example.org", *, subject="Please confirm your address", **extra):
    """Queue one mail through the real queue_mail and commit, as a service would."""
    mail = queue_mail(
        to=to,
        template=TEST_TEMPLATE,
        subject=subject,
        context={"name": "Maya", "link": VERIFY_PATH},
        **extra,
    )
    db.session.commit()
    return mail
