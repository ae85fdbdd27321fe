"""Writing to the families of an event: check the text, preview one copy, send through the outbox.

Sending is one transaction under the event's lock: the EventMessage, every OutboxMail copy and
the audit entry commit together, or nothing does. The lock also makes the one-time submission
token race-free, so a double click or a resubmitted form sends once. The copies (about 0.3 ms
each) are rendered before the lock is taken, so the event's registrations wait only for the
inserts (benchmarks/bench_messages.py).
"""

import uuid
from dataclasses import dataclass

from flask import current_app
from flask_babel import force_locale, ngettext
from flask_babel import gettext as _
from sqlalchemy import select

from camp_app.accounts.models import User
from camp_app.audit.services import record
from camp_app.events.locking import event_locked
from camp_app.events.models import Event
from camp_app.extensions import db
from camp_app.messages import audience as audiences
from camp_app.messages.models import EventMessage
from camp_app.notifications.models import OutboxMail
from camp_app.notifications.presentation import html_preview_document, text_as_html
from camp_app.notifications.services import queue_mail, render_mail, render_outbox_mail
from camp_app.roster.filters import RosterFilter
from camp_app.service_errors import Conflict, InvalidInput, Problem

SUBJECT_MAX = 200
BODY_MAX = 10_000
TEMPLATE = "event_message"  # also the outbox category
TEST_CATEGORY = "event_message_test"
SUBMISSION_KEY = "submission"


@dataclass(frozen=True)
class Preview:
    audience: audiences.Audience
    subject: str
    body: str
    recipient: User | None  # the copy shown is this guardian's
    text: str = ""
    html_document: str = ""
    token: str = ""

    @property
    def previewed(self) -> str:
        """The counts the coordinator saw, sent back with the form to notice a change."""
        return f"{self.audience.families},{self.audience.addresses}"


@dataclass(frozen=True)
class Sent:
    message: EventMessage
    already_sent: bool  # the token had been used: this is the earlier message


def clean_message(subject, body) -> tuple[str, str]:
    """The subject (one line) and body (plain text) as they will be sent. Raises InvalidInput."""
    subject = subject.strip() if isinstance(subject, str) else ""
    body = body.replace("\r\n", "\n").replace("\r", "\n").strip() if isinstance(body, str) else ""
    problems = []
    if not subject:
        problems.append(Problem("required", _("Please write a subject."), "subject"))
    elif "\n" in subject or "\r" in subject:
        message = _("The subject must be a single line.")
        problems.append(Problem("invalid_subject", message, "subject"))
    elif len(subject) > SUBJECT_MAX:
        message = _("Please keep the subject under %(n)s characters.", n=SUBJECT_MAX)
        problems.append(Problem("too_long", message, "subject"))
    if not body:
        problems.append(Problem("required", _("Please write the message."), "body"))
    elif len(body) > BODY_MAX:
        message = _("Please keep the message under %(n)s characters.", n=BODY_MAX)
        problems.append(Problem("too_long", message, "body"))
    if problems:
        raise InvalidInput(problems)
    return subject, body


def _context(event: Event, guardian: User, body: str) -> dict:
    return {
        "event": event,
        "guardian_name": guardian.name,
        "body": body,
        "body_html": text_as_html(body),  # escaped, paragraphs and line breaks kept
    }


def render_copy(event: Event, guardian: User, body: str) -> tuple[str, str]:
    """(text, html) of the copy `guardian` gets, in their language, as queue_mail renders it."""
    context = {**_context(event, guardian, body), "base_url": current_app.config["BASE_URL"]}
    with force_locale(guardian.locale or "en"):
        return (
            render_mail(f"mail/{TEMPLATE}.txt", context),
            render_mail(f"mail/{TEMPLATE}.html", context),
        )


def _no_recipients() -> InvalidInput:
    message = _(
        "No family in this selection has a verified email address: nothing to send. "
        "Widen the selection (for example, choose another status)."
    )
    return InvalidInput(Problem("no_recipients", message, "status"))


def preview(event: Event, f: RosterFilter, subject, body) -> Preview:
    """The audience, counted, and the copy the first recipient would get. Writes nothing.
    Raises InvalidInput for a bad subject or body, or when no one would get the mail."""
    subject, body = clean_message(subject, body)
    audience = audiences.audience_for(event, f)
    if not audience.addresses:
        raise _no_recipients()
    first = _first_recipient(event, f, audience.shown[0].household_id)
    text, html = render_copy(event, first, body)
    return Preview(
        audience,
        subject,
        body,
        first,
        text=text,
        html_document=html_preview_document(html),
        token=uuid.uuid4().hex,
    )


def _first_recipient(event: Event, f: RosterFilter, first_household: int) -> User:
    """The guardian whose copy the preview shows: the first family's first name."""
    conditions = audiences.recipient_conditions(event, f)
    query = select(User).where(*conditions, User.household_id == first_household)
    return db.session.scalars(query.order_by(User.name, User.id).limit(1)).one()


def send_test_copy(actor: User, event: Event, subject, body) -> None:
    """A copy to the coordinator's own address (greeting them), marked as a test; it is no
    copy of any EventMessage. Raises InvalidInput for a bad subject or body."""
    subject, body = clean_message(subject, body)
    mail = queue_mail(
        to=actor.email,
        template=TEMPLATE,
        subject=_("[Test] %(subject)s", subject=subject)[:255],
        context=_context(event, actor, body),
        locale=actor.locale or "en",
        user_id=actor.id,
        event_id=event.id,
        reply_to=event.contact_email,
    )
    mail.category = TEST_CATEGORY
    record(actor.id, "event_message.test_sent", mail, ("to_address", "subject", "body_text"))
    db.session.commit()


def _valid_token(token) -> str:
    try:
        return uuid.UUID(str(token or "")).hex
    except ValueError:
        message = _("This form is no longer valid. Please preview the message again.")
        raise InvalidInput(Problem("invalid_submission", message)) from None


def _message_with_token(event_id: int, token: str) -> EventMessage | None:
    query = select(EventMessage).where(
        EventMessage.event_id == event_id,
        EventMessage.audience[SUBMISSION_KEY].as_string() == token,
    )
    return db.session.scalars(query.limit(1)).first()


def audience_changed(families: int, addresses: int) -> Conflict:
    reach = {
        "families": ngettext("%(num)d family", "%(num)d families", families),
        "addresses": ngettext("%(num)d email address", "%(num)d email addresses", addresses),
    }
    message = _(
        "The selection changed since the preview: it now reaches %(families)s "
        "(%(addresses)s). Please check and send again.",
        **reach,
    )
    return Conflict(Problem("audience_changed", message))


def send(
    actor: User, event: Event, f: RosterFilter, subject, body, *, token, previewed: str
) -> Sent:
    """Write the message and one outbox mail per guardian address, in one transaction.

    `token` is the preview's one-time token: a second submission returns the first message
    (already_sent). `previewed` is Preview.previewed as the coordinator saw it: when the
    audience has changed since, Conflict audience_changed, nothing written. The copies are
    rendered before the event's lock is taken (that is most of the time at thousands of
    families), then the audience is checked again under it.
    """
    subject, body = clean_message(subject, body)
    token = _valid_token(token)
    actor_id, event_id = actor.id, event.id
    if (earlier := _message_with_token(event_id, token)) is not None:
        return Sent(earlier, already_sent=True)  # a resubmission: nothing to render
    copies = _render_copies(event, _checked_recipients(event, f, previewed), subject, body)
    with event_locked(event_id):
        earlier = _message_with_token(event_id, token)
        if earlier is not None:
            return Sent(earlier, already_sent=True)
        event = db.session.get(Event, event_id)
        guardians = _checked_recipients(event, f, previewed)
        # Someone may have joined or left with the counts unchanged: render just their copies.
        for guardian in guardians:
            if guardian.id not in copies:
                copies.update(_render_copies(event, [guardian], subject, body))
        chosen = [copies[guardian.id] for guardian in guardians]
        message = _write(actor_id, event, f, subject, body, token, chosen)
    return Sent(message, already_sent=False)


def _checked_recipients(event: Event, f: RosterFilter, previewed: str) -> list[User]:
    """The guardians to write to, as long as they are as many as the preview said."""
    guardians = audiences.recipients(event, f)
    families = len({g.household_id for g in guardians})
    if not guardians:
        raise _no_recipients()
    if previewed != f"{families},{len(guardians)}":
        raise audience_changed(families, len(guardians))
    return guardians


def _render_copies(event: Event, guardians: list[User], subject, body) -> dict[int, OutboxMail]:
    """Each guardian's copy in their language, by user id; not in the session yet."""
    return {
        guardian.id: render_outbox_mail(
            to=guardian.email,
            template=TEMPLATE,
            subject=subject,
            context=_context(event, guardian, body),
            locale=guardian.locale or "en",
            user_id=guardian.id,
            event_id=event.id,
            reply_to=event.contact_email,
        )
        for guardian in guardians
    }


def _write(actor_id, event, f, subject, body, token, copies) -> EventMessage:
    stored = {**audiences.stored_audience(f), SUBMISSION_KEY: token}
    message = EventMessage(
        event_id=event.id,
        sender_id=actor_id,
        subject=subject,
        body=body,
        audience=stored,
        recipient_count=len(copies),
    )
    db.session.add(message)
    db.session.flush()
    for mail in copies:
        mail.event_message_id = message.id
    db.session.add_all(copies)
    fields = ("event_id", "sender_id", "subject", "body", "audience", "recipient_count")
    record(actor_id, "event_message.sent", message, fields)
    return message
