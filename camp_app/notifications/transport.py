"""Talking to the SMTP server: building messages, one connection per batch, a deadline for
every exchange, and sorting errors into "try again later" and "give up"."""

import errno
import re
import smtplib
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress

from flask import current_app
from flask_mail import Attachment, BadHeaderError, Connection, Message

from camp_app.notifications.models import OutboxMail

TRANSIENT = "transient"
PERMANENT = "permanent"

ERROR_TEXT_LIMIT = 160
EMAIL_ADDRESS = re.compile(r"[^\s<>\"'(),;:]+@[^\s<>\"'(),;:]+")
QUIT_SECONDS = 5.0  # saying goodbye is a courtesy: never wait long for it


def mail_server_configured() -> bool:
    return bool(current_app.config.get("MAIL_SERVER"))


def read_timeout() -> float:
    """Seconds one socket operation may wait (the socket's own timeout)."""
    return float(current_app.config.get("MAIL_TIMEOUT_SECONDS", 30))


def send_deadline() -> float:
    """Seconds one whole exchange may take: connecting and greeting, or one mail from MAIL FROM
    to the server's answer to its DATA. The socket timeout alone does not bound that: it
    restarts with every byte, so a server that drips a byte at a time would never time out."""
    return float(current_app.config.get("MAIL_SEND_DEADLINE_SECONDS", 60))


class DeadlineExceeded(TimeoutError):
    """The exchange took longer than its deadline and the connection was cut."""

    def __init__(self, seconds: float):
        super().__init__(errno.ETIMEDOUT, f"no complete answer within {seconds:g} s")


class Watchdog:
    """Cuts an SMTP connection when a deadline passes: shutting the socket down wakes the read
    or write that waits on it, which then fails at once.

    Only the plain socket is shut down (socket.socket.shutdown, also under TLS), never closed:
    closing belongs to the thread that uses the connection.
    """

    def __init__(self):
        self.smtp: smtplib.SMTP | None = None
        self.fired = False
        self._lock = threading.Lock()
        self._generation = 0

    @contextmanager
    def deadline(self, seconds: float) -> Iterator[None]:
        with self._lock:
            self._generation += 1
            generation = self._generation
        timer = threading.Timer(seconds, self._cut, args=(generation,))
        timer.daemon = True
        timer.start()
        try:
            yield
        finally:
            with self._lock:
                self._generation += 1  # a timer that fires from now on finds itself stale
            timer.cancel()

    def _cut(self, generation: int) -> None:
        with self._lock:
            if generation != self._generation:
                return
            self.fired = True
            sock = getattr(self.smtp, "sock", None)
            if sock is not None:
                with suppress(OSError):
                    socket.socket.shutdown(sock, socket.SHUT_RDWR)


class _WatchedSMTP(smtplib.SMTP):
    """smtplib.SMTP whose socket the watchdog can reach while connecting (inside __init__)."""

    def __init__(self, *args, watchdog: Watchdog, **kwargs):
        watchdog.smtp = self
        super().__init__(*args, **kwargs)


class _WatchedSMTPSSL(smtplib.SMTP_SSL):
    def __init__(self, *args, watchdog: Watchdog, **kwargs):
        watchdog.smtp = self
        super().__init__(*args, **kwargs)


class TimedConnection(Connection):
    """Flask-Mail's connection with a socket timeout and a watchdog for whole-exchange
    deadlines: a server that hangs or drips must not stall the worker beyond its lease
    (another worker would then send the same mail again)."""

    def __init__(self, mail):
        super().__init__(mail)
        self.watchdog = Watchdog()

    @property
    def usable(self) -> bool:
        """Still connected and never cut: smtplib closes the socket itself after a 421 or a
        dropped connection, and the next mail would fail with "please run connect() first"."""
        if self.watchdog.fired:
            return False
        if self.mail.suppress:  # Flask-Mail's test mode: no server, nothing to lose
            return True
        return self.host is not None and getattr(self.host, "sock", None) is not None

    def configure_host(self) -> smtplib.SMTP:
        state = self.mail
        smtp_class = _WatchedSMTPSSL if state.use_ssl else _WatchedSMTP
        host = smtp_class(state.server, state.port, timeout=read_timeout(), watchdog=self.watchdog)
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


def open_connection() -> TimedConnection:
    """One SMTP connection (what mail.connect() opens, plus a timeout and a deadline for the
    greeting, TLS and login). Raises when the server cannot be reached or answers too slowly."""
    connection = TimedConnection(current_app.extensions["mail"])
    seconds = send_deadline()
    try:
        with connection.watchdog.deadline(seconds):
            connection.__enter__()
    except Exception as error:
        if connection.watchdog.fired:
            raise DeadlineExceeded(seconds) from error
        raise
    if connection.watchdog.fired:  # cut just as the login finished: unusable
        close_connection(connection)
        raise DeadlineExceeded(seconds)
    return connection


def close_connection(connection: TimedConnection) -> None:
    """Never raises and never waits long: by now every mail's outcome has been recorded."""
    host = connection.host
    if host is None:
        return
    if connection.usable:
        with suppress(smtplib.SMTPException, OSError), connection.watchdog.deadline(QUIT_SECONDS):
            host.quit()
    with suppress(OSError):
        host.close()
    connection.host = None


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


def send(connection: TimedConnection, mail: OutboxMail) -> None:
    """Hand one mail to the server within the deadline (DeadlineExceeded when cut off)."""
    message = build_message(mail)
    seconds = send_deadline()
    try:
        with connection.watchdog.deadline(seconds):
            connection.send(message)
    except Exception as error:
        if connection.watchdog.fired:
            raise DeadlineExceeded(seconds) from error
        raise


def breaks_connection(error: BaseException) -> bool:
    """After these the connection is unusable: the rest of the batch must wait too.
    (SMTPException is an OSError too, but a refusal leaves the connection usable.)"""
    if isinstance(error, smtplib.SMTPServerDisconnected):
        return True
    if isinstance(error, smtplib.SMTPResponseException) and error.smtp_code == 421:
        return True  # "service closing": smtplib has already closed the connection
    if isinstance(error, smtplib.SMTPRecipientsRefused) and any(
        code == 421 for code, _text in error.recipients.values()
    ):
        return True  # a 421 to RCPT closes the connection too
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
    return TRANSIENT  # network trouble and anything unforeseen, bounded by MAIL_RETRY_HOURS


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
