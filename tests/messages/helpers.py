"""Families registered for an event; compose, preview and send as a coordinator does."""

import re

from sqlalchemy import func, select

from camp_app.extensions import db
from camp_app.messages.models import EventMessage
from camp_app.notifications.models import OutboxMail
from camp_app.registrations import lifecycle
from camp_app.roles import Role
from tests.factories import login, make_group, make_user
from tests.registrations.helpers import make_family, make_parent, register

CATEGORY = "event_message"


def family(
    event, *, children=1, guardians=1, verified=True, locale="en", name=None, **child_fields
):
    """A household with `guardians` guardians (the first signs) and `children` registered."""
    parent, kids = make_family(
        children=children, name=name, first_names=("Maya", "Leo", "Ana"), **child_fields
    )
    parent.locale = locale
    if not verified:
        parent.email_verified_at = None
    db.session.commit()
    extra = [make_parent(household=parent.household) for _ in range(guardians - 1)]
    registrations = register(parent, event, kids)
    return [parent, *extra], registrations


def coordinator(client=None, *, role=Role.COORDINATOR):
    user = make_user((role,), household=False, name="Cora Coordinator")
    if client is not None:
        assert login(client, user).status_code == 302
    return user


def cabin(event, name="Pines", capacity=10):
    return make_group(event, name, capacity)


def assign(registration, group):
    """Put a registration in a cabin (a plain column: not a status change)."""
    registration.group_id = group.id
    db.session.commit()


def decline(registration):
    lifecycle.decide(coordinator(), registration, "decline")


def message_mails(message_id=None) -> list[OutboxMail]:
    query = select(OutboxMail).where(OutboxMail.category == CATEGORY)
    if message_id is not None:
        query = query.where(OutboxMail.event_message_id == message_id)
    return list(db.session.scalars(query.order_by(OutboxMail.to_address)))


def message_count() -> int:
    return db.session.scalar(select(func.count(EventMessage.id)))


def csrf(html: str) -> str:
    """The page's CSRF token (the tests' config turns CSRF off: then there is none)."""
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    return match.group(1) if match else ""


def hidden(html: str, name: str) -> str:
    """The value of a hidden input of the send form."""
    match = re.search(rf'id="{name}" name="{name}" type="hidden" value="([^"]*)"', html)
    if match is None:
        match = re.search(rf'name="{name}" type="hidden" value="([^"]*)"', html)
    return match.group(1)


def compose_data(
    html: str, subject="Packing list", body="Please bring a sleeping bag.", **audience
):
    data = {"csrf_token": csrf(html), "subject": subject, "body": body, "status": "active"}
    data.update(audience)
    return data


def preview(client, event, **data):
    page = client.get(f"/manage/events/{event.slug}/messages")
    assert page.status_code == 200
    form = compose_data(page.get_data(as_text=True), **data)
    return client.post(f"/manage/events/{event.slug}/messages/preview", data=form)


def send_form_values(preview_html: str, form_class: str = "send-form") -> dict:
    """What the preview's send (or test-copy) form posts: its hidden fields, unescaped."""
    import html as html_lib

    form = preview_html.split(f'class="{form_class}"', 1)[1].split("</form>", 1)[0]
    values = dict(re.findall(r'<input[^>]*?name="([^"]+)"[^>]*?value="([^"]*)"', form))
    return {k: html_lib.unescape(v) for k, v in values.items()}


def send(client, event, preview_response):
    assert preview_response.status_code == 200, preview_response.get_data(as_text=True)[:2000]
    values = send_form_values(preview_response.get_data(as_text=True))
    return client.post(f"/manage/events/{event.slug}/messages/send", data=values)
