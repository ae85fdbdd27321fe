"""A real SMTP server (aiosmtpd) in the test process, recording what it receives.

Use it from any test module:

    from tests.support.smtp import smtp_app_config, smtp_server  # noqa: F401

    @pytest.fixture
    def app_config(smtp_app_config):
        return smtp_app_config  # MAIL_SERVER/MAIL_PORT point at smtp_server

    def test_something(app_ctx, smtp_server):
        ...  # queue a mail and commit
        deliver_due()
        [message] = smtp_server.messages  # email.message.EmailMessage

The server can be stopped and started again on the same port (a server that is down and comes
back), refuse chosen recipients with a 4xx or 5xx answer, and slow down each DATA.
"""

import asyncio
import email
import socket
import threading
from dataclasses import dataclass
from email.message import EmailMessage
from email.policy import default as default_policy

import pytest
from aiosmtpd.controller import Controller

HOST = "127.0.0.1"


@dataclass(frozen=True)
class Envelope:
    mail_from: str
    rcpt_tos: list[str]
    content: bytes

    @property
    def message(self) -> EmailMessage:
        return email.message_from_bytes(self.content, policy=default_policy)


class RecordingHandler:
    """aiosmtpd handler: accepts everything except the recipients it was told to refuse."""

    def __init__(self):
        self.envelopes: list[Envelope] = []
        self.refusals: dict[str, int] = {}  # lower-cased address -> SMTP code at RCPT
        self.data_refusals: dict[str, int] = {}  # lower-cased address -> SMTP code at DATA
        self.data_delay = 0.0
        self.greetings = 0  # EHLO/HELO seen: one per SMTP connection a client uses
        self._lock = threading.Lock()

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        session.host_name = hostname
        self.greetings += 1
        return responses

    async def handle_HELO(self, server, session, envelope, hostname):
        session.host_name = hostname
        self.greetings += 1
        return f"250 {server.hostname}"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        code = self.refusals.get(address.lower())
        if code:
            # Worded like real servers, which repeat the address in their answer.
            text = "Try again later" if code < 500 else "Recipient address rejected"
            return f"{code} <{address}>: {text}"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.data_delay:
            await asyncio.sleep(self.data_delay)
        for address in envelope.rcpt_tos:
            code = self.data_refusals.get(address.lower())
            if code:
                return f"{code} {'Closing connection' if code == 421 else 'Refused'}"
        received = Envelope(envelope.mail_from, list(envelope.rcpt_tos), bytes(envelope.content))
        with self._lock:
            self.envelopes.append(received)
        return "250 Message accepted for delivery"


class SmtpServer:
    """One aiosmtpd server on 127.0.0.1 with a port that stays the same across restarts."""

    def __init__(self, port: int | None = None):
        self.host = HOST
        self.port = port or free_port()
        self.handler = RecordingHandler()
        self._controller: Controller | None = None

    # --- running ---------------------------------------------------------------------------
    def start(self) -> "SmtpServer":
        if self._controller is None:
            self._controller = Controller(self.handler, hostname=self.host, port=self.port)
            self._controller.start()
        return self

    def stop(self) -> None:
        """Take the server down: connections to the port are refused until start()."""
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    @property
    def running(self) -> bool:
        return self._controller is not None

    # --- behaviour -------------------------------------------------------------------------
    def refuse(self, address: str, code: int = 550) -> None:
        """Answer RCPT TO for `address` with `code` (4xx: try later; 5xx: never)."""
        self.handler.refusals[address.lower()] = code

    def refuse_data(self, address: str, code: int = 554) -> None:
        """Accept `address` at RCPT TO but answer the message's DATA with `code`
        (421 makes the client drop the connection)."""
        self.handler.data_refusals[address.lower()] = code

    def accept(self, address: str) -> None:
        self.handler.refusals.pop(address.lower(), None)
        self.handler.data_refusals.pop(address.lower(), None)

    def slow_down(self, seconds: float) -> None:
        """Wait this long before answering each DATA (to make concurrent workers overlap)."""
        self.handler.data_delay = seconds

    # --- what arrived ----------------------------------------------------------------------
    @property
    def envelopes(self) -> list[Envelope]:
        with self.handler._lock:
            return list(self.handler.envelopes)

    @property
    def messages(self) -> list[EmailMessage]:
        return [envelope.message for envelope in self.envelopes]

    def message_ids(self) -> list[str]:
        return [message["Message-ID"] for message in self.messages]

    def messages_to(self, address: str) -> list[EmailMessage]:
        return [
            envelope.message
            for envelope in self.envelopes
            if address.lower() in (rcpt.lower() for rcpt in envelope.rcpt_tos)
        ]

    def clear(self) -> None:
        with self.handler._lock:
            self.handler.envelopes.clear()

    def app_config(self) -> dict:
        """App settings that send to this server."""
        return {
            "MAIL_SERVER": self.host,
            "MAIL_PORT": self.port,
            "MAIL_USE_TLS": False,
            "MAIL_USE_SSL": False,
            "MAIL_USERNAME": None,
            "MAIL_PASSWORD": None,
            # Flask-Mail suppresses sending when TESTING is on; these tests want real sending.
            "MAIL_SUPPRESS_SEND": False,
            "MAIL_TIMEOUT_SECONDS": 5,
            "DEV_MAILBOX": False,
        }


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server():
    """A running SMTP server for one test; stopped afterwards."""
    server = SmtpServer().start()
    yield server
    server.stop()


@pytest.fixture
def smtp_app_config(smtp_server) -> dict:
    """The app configuration that delivers to `smtp_server` (return it from `app_config`)."""
    return smtp_server.app_config()
