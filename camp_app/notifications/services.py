"""Queueing mail. A mail is a row added to the caller's transaction: it is sent only if the
change that caused it commits, and it survives a mail server that is down."""

import uuid

from flask import current_app, render_template
from flask_babel import force_locale

from camp_app.extensions import db
from camp_app.notifications.models import OutboxMail


def absolute_url(path: str) -> str:
    return current_app.config["BASE_URL"] + path


def queue_mail(
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
) -> OutboxMail:
    """Render templates/mail/<template>.txt and .html in `locale` and add the mail to the outbox.

    `subject` should be a lazy or plain string; it is rendered in `locale` too.
    The caller commits.
    """
    with force_locale(locale):
        context = {**context, "base_url": current_app.config["BASE_URL"]}
        body_text = render_template(f"mail/{template}.txt", **context)
        body_html = render_template(f"mail/{template}.html", **context)
        subject_text = str(subject)
    domain = current_app.config["MAIL_DEFAULT_SENDER"].rpartition("@")[2] or "localhost"
    mail = OutboxMail(
        message_id=f"<{uuid.uuid4().hex}@{domain}>",
        category=template,
        to_address=to,
        subject=subject_text,
        body_text=body_text,
        body_html=body_html,
        attachments=attachments or [],
        user_id=user_id,
        event_id=event_id,
        registration_id=registration_id,
    )
    db.session.add(mail)
    return mail
