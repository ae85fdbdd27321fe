"""Mails about a registration, queued in the caller's transaction to every verified guardian.

The context names the child and the event only: no diagnosis, medication or other medical
detail ever goes into a mail.
"""

from datetime import timedelta

import icalendar
from flask import current_app
from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import lazyload

from camp_app.accounts.models import User
from camp_app.extensions import db
from camp_app.notifications.models import OutboxMail
from camp_app.notifications.services import absolute_url, render_outbox_mail
from camp_app.registrations.models import Registration
from camp_app.timeutil import utcnow

MY_REGISTRATIONS_PATH = "/registrations"


def _subject(kind: str, **names):
    """Lazy, so that queue_mail renders it in each recipient's locale."""
    subjects = {
        "received": _l("We received the registration of %(child)s for %(event)s", **names),
        "confirmed": _l("%(child)s is confirmed for %(event)s", **names),
        "waitlisted": _l("%(child)s is on the waitlist for %(event)s", **names),
        "promoted": _l("A seat opened up for %(child)s at %(event)s", **names),
        "declined": _l("About the registration of %(child)s for %(event)s", **names),
        "cancelled": _l("The registration of %(child)s for %(event)s is cancelled", **names),
    }
    return subjects[kind]


def _mail_domain() -> str:
    return current_app.config["MAIL_DEFAULT_SENDER"].rpartition("@")[2] or "localhost"


def calendar_file(registration: Registration) -> str:
    """An all-day iCalendar event for the camp; the UID stays the same for the registration."""
    return event_calendar(
        registration.event,
        registration.child.first_name,
        f"registration-{registration.id}@{_mail_domain()}",
    )


def event_calendar(event, who: str, uid: str) -> str:
    """An all-day iCalendar event for `event` ("Camp: Maya"), with the camp's contact."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", f"-//{current_app.config['BRAND_NAME']}//camp-app//EN")
    calendar.add("version", "2.0")
    entry = icalendar.Event()
    entry.add("uid", uid)
    entry.add("dtstamp", utcnow())
    entry.add("dtstart", event.starts_on)
    entry.add("dtend", event.ends_on + timedelta(days=1))  # DTEND of all-day events is exclusive
    entry.add("summary", f"{event.text('name')}: {who}")
    if event.location:
        entry.add("location", event.location)
    contact = " · ".join(x for x in (event.contact_email, event.contact_phone) if x)
    if contact:
        entry.add("description", contact)
    entry.add("transp", "TRANSPARENT")
    calendar.add_component(entry)
    return calendar.to_ical().decode("utf-8")


def signing_calendar_uid(signing_id: int) -> str:
    return f"signing-{signing_id}@{_mail_domain()}"


# A waitlist position stands in for the real one in mails rendered before the event's lock is
# taken (the position is only known under it); set_position puts the real one in.
POSITION_PLACEHOLDER = 9_090_909_091


def guardians(household_id: int) -> list[User]:
    """Who gets the mails about a household's registrations (recipients_among), in one
    statement."""
    # Their roles are not needed to write to them (User loads roles eagerly otherwise).
    query = select(User).where(User.household_id == household_id)
    return recipients_among(db.session.scalars(query.options(lazyload(User.role_rows))))


def recipients_among(household_guardians) -> list[User]:
    """Those of a household's guardians who get its mails: verified and active, by id. For
    guardians already loaded (registering has them for the signature), no statement."""
    chosen = [u for u in household_guardians if u.email_verified_at is not None and u.active]
    return sorted(chosen, key=lambda u: u.id)


def render(
    kind: str,
    child,
    event,
    status: str,
    recipients: list[User],
    *,
    position: int | None = None,
    note: str = "",
    reference: str = "",
) -> list[OutboxMail]:
    """The `kind` mail about `child` at `event` for each recipient, rendered but not queued
    (no registration id, no calendar yet): see queue_rendered."""
    context = {
        "child_first_name": child.first_name,
        "child_name": child.full_name,
        "event": event,
        "status": status,
        "position": position,
        "note": note,
        "reference": reference,
        "registrations_url": absolute_url(MY_REGISTRATIONS_PATH),
    }
    return [
        render_outbox_mail(
            to=guardian.email,
            template=f"registration_{kind}",
            subject=_subject(kind, child=child.first_name, event=LazyString(event.text, "name")),
            context={**context, "guardian_name": guardian.name},
            locale=guardian.locale or "en",
            user_id=guardian.id,
            event_id=event.id,
            reply_to=event.contact_email,
        )
        for guardian in recipients
    ]


def set_position(rendered: list[OutboxMail], position: int) -> bool:
    """Put the real waitlist position into mails rendered with POSITION_PLACEHOLDER. False
    (nothing changed) unless every mail names the placeholder exactly once in each body."""
    placeholder = str(POSITION_PLACEHOLDER)
    if any(
        mail.body_text.count(placeholder) != 1 or mail.body_html.count(placeholder) != 1
        for mail in rendered
    ):
        return False
    for mail in rendered:
        mail.body_text = mail.body_text.replace(placeholder, str(position))
        mail.body_html = mail.body_html.replace(placeholder, str(position))
    return True


def queue_rendered(rendered: list[OutboxMail], registration: Registration, kind: str) -> None:
    """Queue mails from `render` about `registration`, with its calendar when it is confirmed.
    The caller commits."""
    attachments = []
    if registration.status == "confirmed" and kind in ("confirmed", "promoted"):
        attachments = [
            {
                "filename": "camp.ics",
                "content_type": "text/calendar",
                "data": calendar_file(registration),
            }
        ]
    for mail in rendered:
        mail.registration_id = registration.id
        mail.attachments = attachments
        db.session.add(mail)


def notify(
    registration: Registration, kind: str, *, position: int | None = None, note: str = ""
) -> None:
    """Queue the `kind` mail (received, confirmed, waitlisted, promoted, declined or
    cancelled) about `registration`. The caller commits."""
    rendered = render(
        kind,
        registration.child,
        registration.event,
        registration.status,
        guardians(registration.household_id),
        position=position,
        note=note,
        reference=registration.reference,
    )
    queue_rendered(rendered, registration, kind)
