"""Mails about a registration, queued in the caller's transaction to every verified guardian.

The context names the child and the event only: no diagnosis, medication or other medical
detail ever goes into a mail.
"""

from datetime import timedelta

import icalendar
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from camp_app.accounts.models import User
from camp_app.extensions import db
from camp_app.notifications.services import absolute_url, queue_mail
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


def _guardians(household_id: int) -> list[User]:
    query = select(User).where(
        User.household_id == household_id,
        User.email_verified_at.is_not(None),
        User.active.is_(True),
    )
    return list(db.session.scalars(query.order_by(User.id)))


def _mail_domain() -> str:
    return current_app.config["MAIL_DEFAULT_SENDER"].rpartition("@")[2] or "localhost"


def calendar_file(registration: Registration) -> str:
    """An all-day iCalendar event for the camp; the UID stays the same for the registration."""
    event = registration.event
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Children's Hospital Camps//camp-app//EN")
    calendar.add("version", "2.0")
    entry = icalendar.Event()
    entry.add("uid", f"registration-{registration.id}@{_mail_domain()}")
    entry.add("dtstamp", utcnow())
    entry.add("dtstart", event.starts_on)
    entry.add("dtend", event.ends_on + timedelta(days=1))  # DTEND of all-day events is exclusive
    entry.add("summary", f"{event.name}: {registration.child.first_name}")
    if event.location:
        entry.add("location", event.location)
    contact = " · ".join(x for x in (event.contact_email, event.contact_phone) if x)
    if contact:
        entry.add("description", contact)
    entry.add("transp", "TRANSPARENT")
    calendar.add_component(entry)
    return calendar.to_ical().decode("utf-8")


def notify(
    registration: Registration, kind: str, *, position: int | None = None, note: str = ""
) -> None:
    """Queue the `kind` mail (received, confirmed, waitlisted, promoted, declined or
    cancelled) about `registration`. The caller commits."""
    child, event = registration.child, registration.event
    attachments = None
    if registration.status == "confirmed" and kind in ("confirmed", "promoted"):
        attachments = [
            {
                "filename": "camp.ics",
                "content_type": "text/calendar",
                "data": calendar_file(registration),
            }
        ]
    context = {
        "child_first_name": child.first_name,
        "child_name": child.full_name,
        "event": event,
        "status": registration.status,
        "position": position,
        "note": note,
        "registrations_url": absolute_url(MY_REGISTRATIONS_PATH),
    }
    for guardian in _guardians(registration.household_id):
        queue_mail(
            to=guardian.email,
            template=f"registration_{kind}",
            subject=_subject(kind, child=child.first_name, event=event.name),
            context={**context, "guardian_name": guardian.name},
            locale=guardian.locale or "en",
            user_id=guardian.id,
            event_id=event.id,
            registration_id=registration.id,
            attachments=attachments,
            reply_to=event.contact_email,
        )
