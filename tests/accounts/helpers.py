"""Reading the outbox the way a person reads their mail: find the mail, follow its link."""

import re
import time
import types

import itsdangerous.timed

from camp_app.extensions import db
from camp_app.notifications.models import OutboxMail

SIGNUP = {
    "name": "Rosa Diaz",
    "email": "rosa@example.org",
    "phone": "(305) 555-0123",
    "password": "a long enough password",
    "password_confirm": "a long enough password",
    "locale": "en",
}


def mails_to(address: str) -> list[OutboxMail]:
    query = db.select(OutboxMail).where(OutboxMail.to_address == address).order_by(OutboxMail.id)
    return list(db.session.scalars(query))


def only_mail_to(address: str) -> OutboxMail:
    mails = mails_to(address)
    assert len(mails) == 1, [m.category for m in mails]
    return mails[0]


def link_path(mail: OutboxMail, kind: str) -> str:
    """The path of the /account/<kind>/<token> link in the mail, checked in both parts."""
    pattern = rf"http://camp\.test(/account/{kind}/[A-Za-z0-9_\-\.]+)"
    in_text = re.search(pattern, mail.body_text)
    assert in_text, mail.body_text
    assert in_text.group(1) in mail.body_html
    return in_text.group(1)


def sign_up(client, **changes):
    return client.post("/account/signup", data={**SIGNUP, **changes})


def travel_forward(monkeypatch, seconds: int) -> None:
    """Make signed tokens look `seconds` older (only the token clock moves)."""
    start = time.time()
    fake = types.SimpleNamespace(time=lambda: start + seconds)
    monkeypatch.setattr(itsdangerous.timed, "time", fake)
