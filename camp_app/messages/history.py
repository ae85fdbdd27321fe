"""Sent messages and the delivery state of their copies: fixed, small numbers of queries.

The recipients' list reads the outbox rows' delivery columns only, never a mail's body.
"""

from dataclasses import dataclass
from datetime import datetime
from math import ceil

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from camp_app.accounts.models import User
from camp_app.events.models import Event
from camp_app.extensions import db
from camp_app.families.models import PatientVerification
from camp_app.messages.models import EventMessage
from camp_app.notifications.models import MailStatus, OutboxMail
from camp_app.registrations.labels import status_label
from camp_app.roster.models import CampGroup
from camp_app.service_errors import NotFound, Problem

MESSAGES_PER_PAGE = 20
RECIPIENTS_PER_PAGE = 50


@dataclass(frozen=True)
class Page:
    """One page of rows, with what templates/notifications/_pagination.html's pager reads."""

    items: list
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(ceil(self.total / self.per_page), 1)

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1


@dataclass(frozen=True)
class RecipientRow:
    name: str
    address: str
    status: str
    attempts: int
    sent_at: datetime | None
    last_error: str | None


def sent_messages(event: Event, page: int = 1):
    """This event's messages, newest first, with their senders (a Flask-SQLAlchemy page)."""
    query = (
        select(EventMessage)
        .where(EventMessage.event_id == event.id)
        .options(joinedload(EventMessage.sender))
        .order_by(EventMessage.created_at.desc(), EventMessage.id.desc())
    )
    return db.paginate(query, page=max(page, 1), per_page=MESSAGES_PER_PAGE, error_out=False)


def delivery_counts(message_ids) -> dict[int, dict[str, int]]:
    """{message id: {status: number of copies}} for all the messages, in one GROUP BY."""
    counts: dict[int, dict[str, int]] = {i: dict.fromkeys(MailStatus, 0) for i in message_ids}
    if not counts:
        return counts
    query = (
        select(OutboxMail.event_message_id, OutboxMail.status, func.count())
        .where(OutboxMail.event_message_id.in_(list(counts)))
        .group_by(OutboxMail.event_message_id, OutboxMail.status)
    )
    for message_id, status, number in db.session.execute(query):
        counts[message_id][status] = number
    return counts


def get_message(event: Event, message_id: int) -> EventMessage:
    """The message if it belongs to `event`; NotFound otherwise (another event's too)."""
    query = (
        select(EventMessage)
        .where(EventMessage.id == message_id, EventMessage.event_id == event.id)
        .options(joinedload(EventMessage.sender))
    )
    message = db.session.scalar(query)
    if message is None:
        raise NotFound(Problem("message_not_found", _("We could not find that message.")))
    return message


WAITING = "waiting"  # the recipients filter's word for pending and sending
STATUS_FILTERS = {
    MailStatus.SENT.value: (MailStatus.SENT,),
    WAITING: (MailStatus.PENDING, MailStatus.SENDING),
    MailStatus.FAILED.value: (MailStatus.FAILED,),
}


def recipients_page(message: EventMessage, page: int = 1, status: str = "") -> Page:
    """Who the copies went to and how each one fared, by name: two queries. `status`: one of
    STATUS_FILTERS, or anything else for all."""
    conditions = [OutboxMail.event_message_id == message.id]
    if status in STATUS_FILTERS:
        conditions.append(OutboxMail.status.in_(STATUS_FILTERS[status]))
    total = db.session.scalar(select(func.count(OutboxMail.id)).where(*conditions)) or 0
    page = min(max(page, 1), max(ceil(total / RECIPIENTS_PER_PAGE), 1))
    query = (
        select(
            User.name,
            OutboxMail.to_address,
            OutboxMail.status,
            OutboxMail.attempts,
            OutboxMail.sent_at,
            OutboxMail.last_error,
        )
        .outerjoin(User, User.id == OutboxMail.user_id)
        .where(*conditions)
        .order_by(User.name, OutboxMail.to_address, OutboxMail.id)
        .limit(RECIPIENTS_PER_PAGE)
        .offset((page - 1) * RECIPIENTS_PER_PAGE)
    )
    rows = [
        RecipientRow(name or "", address, status, attempts, sent_at, error)
        for name, address, status, attempts, sent_at, error in db.session.execute(query)
    ]
    return Page(rows, page, RECIPIENTS_PER_PAGE, total)


def follow_up_args(stored: dict) -> dict[str, str]:
    """The compose page's query for a new message to the same selection."""
    args = {k: v for k, v in (stored or {}).items() if k in FOLLOW_UP_KEYS and v}
    args.setdefault("status", "any")
    return args


FOLLOW_UP_KEYS = ("status", "group", "min_age", "max_age", "verification", "q")


def _status_words(status: str) -> str:
    if status in ("", "any"):
        return _("every status")
    if status == "active":
        return _("pending review, confirmed or on the waitlist")
    return status_label(status)


def _verification_words(value: str) -> str:
    labels = {
        PatientVerification.UNVERIFIED: _("not verified yet"),
        PatientVerification.VERIFIED: _("verified"),
        PatientVerification.REJECTED: _("could not be verified"),
    }
    return labels.get(value, value)


def describe_audience(event: Event, stored: dict) -> list[str]:
    """The stored filter as sentences for the coordinator ("Registrations: confirmed", ...)."""
    stored = stored or {}
    lines = [_("Registrations: %(status)s", status=_status_words(stored.get("status", "")))]
    group = stored.get("group", "")
    if group == "none":
        lines.append(_("Cabin or group: not assigned"))
    elif group:
        name = db.session.scalar(
            select(CampGroup.name).where(CampGroup.id == int(group), CampGroup.event_id == event.id)
        )
        lines.append(_("Cabin or group: %(name)s", name=name or _("(deleted)")))
    low, high = stored.get("min_age"), stored.get("max_age")
    if low and high:
        lines.append(_("Ages %(low)s to %(high)s", low=low, high=high))
    elif low:
        lines.append(_("Ages %(low)s and up", low=low))
    elif high:
        lines.append(_("Ages up to %(high)s", high=high))
    if stored.get("verification"):
        words = _verification_words(stored["verification"])
        lines.append(_("Patient verification: %(state)s", state=words))
    if stored.get("q"):
        lines.append(_("Name contains “%(q)s”", q=stored["q"]))
    return lines
