"""Queueing mail. A mail is a row added to the caller's transaction: it is sent only if the
change that caused it commits, and it survives a mail server that is down."""

import uuid

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import func, select

from camp_app.audit.services import record
from camp_app.extensions import db
from camp_app.notifications.models import MailStatus, OutboxMail
from camp_app.service_errors import Conflict, NotFound, Problem
from camp_app.timeutil import utcnow


def absolute_url(path: str) -> str:
    return current_app.config["BASE_URL"] + path


def render_mail(name: str, context: dict) -> str:
    """Render a mail template without the pages' context processors (signed-in user, menu):
    a mail may be written outside any request (a CLI command, a worker), and what it says
    must not depend on who happens to be looking."""
    return current_app.jinja_env.get_template(name).render(context)


def queue_mail(**fields) -> OutboxMail:
    """render_outbox_mail(**fields), added to the session. The caller commits."""
    mail = render_outbox_mail(**fields)
    db.session.add(mail)
    return mail


def render_outbox_mail(
    *,
    to: str,
    template: str,
    subject: str,
    context: dict,
    locale: str = "en",
    user_id: int | None = None,
    event_id: int | None = None,
    registration_id: int | None = None,
    attachments: list[dict] | None = None,
    reply_to: str | None = None,
) -> OutboxMail:
    """Render templates/mail/<template>.txt and .html in `locale` into a new outbox mail, not
    yet in the session: a caller may render many before it takes a lock, and add them under it.

    `subject` should be a lazy or plain string; it is rendered in `locale` too.
    `reply_to` is where an answer should go (an event's contact address); none means the
    sender, MAIL_DEFAULT_SENDER.
    """
    with force_locale(locale):
        context = {**context, "base_url": current_app.config["BASE_URL"]}
        body_text = render_mail(f"mail/{template}.txt", context)
        body_html = render_mail(f"mail/{template}.html", context)
        subject_text = str(subject)
    domain = current_app.config["MAIL_DEFAULT_SENDER"].rpartition("@")[2] or "localhost"
    mail = OutboxMail(
        message_id=f"<{uuid.uuid4().hex}@{domain}>",
        category=template,
        to_address=to,
        reply_to=reply_to or None,
        subject=subject_text,
        body_text=body_text,
        body_html=body_html,
        attachments=attachments or [],
        user_id=user_id,
        event_id=event_id,
        registration_id=registration_id,
    )
    return mail


# --- Reading and managing the outbox (development mailbox, admin outbox page) ---------------

MAILS_PER_PAGE = 25


def dev_mailbox_enabled() -> bool:
    """The development mailbox shows every mail, tokens included, to anyone: only when asked
    for (DEV_MAILBOX) and only while no real mail server is configured."""
    config = current_app.config
    return bool(config.get("DEV_MAILBOX")) and not config.get("MAIL_SERVER")


def list_mails(page: int = 1, *, status: str | None = None, per_page: int = MAILS_PER_PAGE):
    """Newest first, one page (a Flask-SQLAlchemy Pagination); `status` filters if valid."""
    query = select(OutboxMail).order_by(OutboxMail.created_at.desc(), OutboxMail.id.desc())
    if status in set(MailStatus):
        query = query.where(OutboxMail.status == status)
    return db.paginate(query, page=max(page, 1), per_page=per_page, error_out=False)


def get_mail(mail_id: int) -> OutboxMail:
    mail = db.session.get(OutboxMail, mail_id)
    if mail is None:
        raise NotFound(Problem("mail_not_found", _("We could not find that mail.")))
    return mail


def count_waiting() -> int:
    """Mails not yet sent and not given up on."""
    waiting = (MailStatus.PENDING, MailStatus.SENDING)
    query = select(func.count()).select_from(OutboxMail).where(OutboxMail.status.in_(waiting))
    return db.session.scalar(query) or 0


def count_failed(*, event_id: int | None = None) -> int:
    """Mails given up on, of one event (by event_id) or of the whole app."""
    query = (
        select(func.count()).select_from(OutboxMail).where(OutboxMail.status == MailStatus.FAILED)
    )
    if event_id is not None:
        query = query.where(OutboxMail.event_id == event_id)
    return db.session.scalar(query) or 0


def _send_again(mail: OutboxMail, now) -> None:
    """Due at once, with a fresh window of MAIL_RETRY_HOURS and a fresh count."""
    mail.status = MailStatus.PENDING
    mail.attempts = 0
    mail.interruptions = 0
    mail.next_attempt_at = now
    mail.retrying_since = now
    mail.claim_token = None
    mail.lease_expires_at = None


RETRY_FIELDS = ("status", "attempts", "next_attempt_at", "retrying_since")


def retry_mail(mail_id: int, *, actor_id: int | None) -> OutboxMail:
    """Send a failed (or waiting) mail at the next worker run, with a fresh set of attempts."""
    mail = get_mail(mail_id)
    if mail.status not in (MailStatus.FAILED, MailStatus.PENDING):
        raise Conflict(
            Problem("mail_not_retryable", _("Only failed or waiting mails can be sent again."))
        )
    _send_again(mail, utcnow())
    record(actor_id, "outbox.retry", mail, fields=RETRY_FIELDS)
    db.session.commit()
    return mail


def retry_failed(*, actor_id: int | None, event_id: int | None = None) -> int:
    """Send every failed mail again (of one event, or all of them), each audited as a retry.
    Returns how many. The rows are locked, so two people pressing at once audit each once."""
    query = select(OutboxMail).where(OutboxMail.status == MailStatus.FAILED)
    if event_id is not None:
        query = query.where(OutboxMail.event_id == event_id)
    mails = list(db.session.scalars(query.order_by(OutboxMail.id).with_for_update()))
    now = utcnow()
    for mail in mails:
        _send_again(mail, now)
        record(actor_id, "outbox.retry", mail, fields=RETRY_FIELDS)
    db.session.commit()
    return len(mails)
