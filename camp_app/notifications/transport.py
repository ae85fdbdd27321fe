"""Talking to the SMTP server: building messages, one connection per batch, and sorting
errors into "try again later" and "give up"."""

import re
import smtplib
from contextlib import suppress

from flask import current_app
from flask_mail import Attachment, BadHeaderError, Connection, Message

from camp_app.notifications.models import OutboxMail

TRANSIENT = "transient"
PERMANENT = "permanent"

ERROR_TEXT_LIMIT = 160
EMAIL_ADDRESS = re.compile(r"[^\s<>\"'(),;:]+@[^\s<>\"'(),;:]+")


def mail_server_configured() -> bool:
    return bool(current_app.config.get("MAIL_SERVER"))


class TimedConnection(Connection):
    """Flask-Mail's connection with a socket timeout: a server that hangs must not stall the
    worker beyond its lease (another worker would then send the same mail again)."""

    def configure_host(self) -> smtplib.SMTP:
        timeout = current_app.config.get("MAIL_TIMEOUT_SECONDS", 30)
        state = self.mail
        smtp_class = smtplib.SMTP_SSL if state.use_ssl else smtplib.SMTP
        host = smtp_class(state.server, state.port, timeout=timeout)
        try:
            host.set_debuglevel(int(state.debug))
            if state.use_tls:
                host.starttls()
            if state.username and state.password:
                host.login(state.username, state.password)
        except BaseException:
            host.close()  # do not leak the socket when TLS or the login fails
            raise
        return host


def open_connection() -> Connection:
    """One SMTP connection for a batch (what mail.connect() opens, plus a timeout).
    Raises when the server cannot be reached."""
    connection = TimedConnection(current_app.extensions["mail"])
    connection.__enter__()
    return connection


def close_connection(connection: Connection) -> None:
    """Never raises: by now every mail's outcome has been recorded."""
    with suppress(smtplib.SMTPException, OSError):
        connection.__exit__(None, None, None)


def build_message(mail: OutboxMail) -> Message:
    message = Message(
        sender=current_app.config["MAIL_DEFAULT_SENDER"],
        recipients=[mail.to_address],
        subject=mail.subject,
        body=mail.body_text,
        html=mail.body_html,
        attachments=[_attachment(item) for item in mail.attachments or []],
        reply_to=mail.reply_to or None,
    )
    # The row's stable Message-ID (not a fresh one per attempt), so that a receiving server
    # can drop the duplicate left by a worker that crashed between sending and recording.
    # Set on the message itself: an extra header would add a second Message-ID line.
    message.msgId = mail.message_id
    return message


def _attachment(item: dict) -> Attachment:
    data = item.get("data", "")
    content_type = item.get("content_type") or "application/octet-stream"
    if isinstance(data, str):
        # Sent as UTF-8 bytes, and said so: without a charset, text/* means US-ASCII, and a
        # name like "Señal" in an .ics would arrive garbled.
        data = data.encode("utf-8")
        if content_type.startswith("text/") and "charset=" not in content_type:
            content_type += "; charset=utf-8"
    return Attachment(filename=item.get("filename"), content_type=content_type, data=data)


def send(connection: Connection, mail: OutboxMail) -> None:
    connection.send(build_message(mail))


def breaks_connection(error: BaseException) -> bool:
    """After these the connection is unusable: the rest of the batch must wait too.
    (SMTPException is an OSError too, but a refusal leaves the connection usable.)"""
    if isinstance(error, smtplib.SMTPServerDisconnected):
        return True
    if isinstance(error, smtplib.SMTPResponseException) and error.smtp_code == 421:
        return True  # "service closing": smtplib has already closed the connection
    return isinstance(error, OSError) and not isinstance(error, smtplib.SMTPException)


def classify(error: BaseException) -> str:
    """TRANSIENT: the server is away or said "later" (4xx); PERMANENT: it said "never" (5xx)
    or the mail itself cannot be sent."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _text in error.recipients.values()]
        return PERMANENT if codes and all(code >= 500 for code in codes) else TRANSIENT
    if isinstance(error, smtplib.SMTPConnectError | smtplib.SMTPAuthenticationError):
        return TRANSIENT  # the server or our settings, not this mail: retry
    if isinstance(error, smtplib.SMTPResponseException):
        return PERMANENT if error.smtp_code >= 500 else TRANSIENT
    if isinstance(error, BadHeaderError | UnicodeError | ValueError):
        return PERMANENT
    return TRANSIENT  # network trouble and anything unforeseen, bounded by MAIL_MAX_ATTEMPTS


def describe(error: BaseException) -> str:
    """A short line for last_error and logs: the kind of error and the server's answer, with
    any address masked. Never the mail's content."""
    name = type(error).__name__
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        code, text = next(iter(error.recipients.values()), (0, b""))
        detail = f"{code} {_text(text)}"
    elif isinstance(error, smtplib.SMTPResponseException):
        detail = f"{error.smtp_code} {_text(error.smtp_error)}"
    elif isinstance(error, OSError) and error.strerror:
        detail = error.strerror
    else:
        detail = _text(str(error))
    line = f"{name}: {detail}".strip().rstrip(":")
    return line[:ERROR_TEXT_LIMIT]


def _text(value: bytes | str) -> str:
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    return EMAIL_ADDRESS.sub("[address]", " ".join(value.split()))
