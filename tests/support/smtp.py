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
back), refuse chosen recipients with a 4xx or 5xx answer, and slow down each DATA. It can also
misbehave as real servers do: be slow for one recipient, hang, drip its answer a byte at a
time, drop the connection in the middle of a mail, and run a hook just after it has accepted a
mail (to break the database at the worst moment).
"""

import asyncio
import email
import socket
import threading
import time
from collections.abc import Callable
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
        self.rcpt_delays: dict[str, float] = {}  # lower-cased address ("*": all) -> seconds
        self.drips: dict[str, float] = {}  # lower-cased address ("*": all) -> seconds a byte
        self.drops: set[str] = set()  # lower-cased addresses whose DATA ends the connection
        self.after_accept: Callable[[Envelope], None] | None = None
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
        delay = _for(self.rcpt_delays, address)
        if delay:
            await _linger(server, delay)  # a slow recipient check, or a server that hangs
        drip = _for(self.drips, address)
        if drip:
            await _drip(server, drip)
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
            if address.lower() in self.drops:
                server.transport.abort()  # gone before answering: the mail is not accepted
                return "451 never seen by the client"
        received = Envelope(envelope.mail_from, list(envelope.rcpt_tos), bytes(envelope.content))
        with self._lock:
            self.envelopes.append(received)
        if self.after_accept is not None:
            # Runs in the server's thread before the client hears "250": the mail is accepted.
            self.after_accept(received)
        return "250 Message accepted for delivery"


def _for(settings: dict, address: str):
    return settings.get(address.lower(), settings.get("*"))


def _gone(server) -> bool:
    return server.transport is None or server.transport.is_closing()


async def _linger(server, seconds: float) -> None:
    """Wait `seconds`, or until the client hangs up (so that a stopped test leaves no task)."""
    until = time.monotonic() + seconds
    while time.monotonic() < until and not _gone(server):
        await asyncio.sleep(0.02)


DRIP_LIMIT_SECONDS = 20  # a test that fails must still end


async def _drip(server, seconds_per_byte: float) -> None:
    """Send a never-ending reply line a byte at a time: every socket read gets its byte in
    time, so only a deadline for the whole answer stops the client waiting."""
    until = time.monotonic() + DRIP_LIMIT_SECONDS
    while time.monotonic() < until and not _gone(server):
        server._writer.write(b"2")
        await asyncio.sleep(seconds_per_byte)


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
        """Behave well for `address` again (for "*", the settings made for everyone)."""
        for settings in (
            self.handler.refusals,
            self.handler.data_refusals,
            self.handler.rcpt_delays,
            self.handler.drips,
        ):
            settings.pop(address.lower(), None)
        self.handler.drops.discard(address.lower())

    def slow_down(self, seconds: float) -> None:
        """Wait this long before answering each DATA (to make concurrent workers overlap)."""
        self.handler.data_delay = seconds

    def slow_recipient(self, address: str, seconds: float) -> None:
        """Wait this long before answering RCPT TO for `address` ("*": every recipient, a
        server that hangs after greeting)."""
        self.handler.rcpt_delays[address.lower()] = seconds

    def drip(self, address: str, seconds_per_byte: float) -> None:
        """Answer RCPT TO for `address` ("*": everyone) a byte at a time, never finishing."""
        self.handler.drips[address.lower()] = seconds_per_byte

    def drop_at_data(self, address: str) -> None:
        """Take the message's DATA for `address`, then cut the connection without answering."""
        self.handler.drops.add(address.lower())

    def after_accepting(self, hook: Callable[[Envelope], None] | None) -> None:
        """Call `hook` in the server's thread after a mail is accepted, before the "250"."""
        self.handler.after_accept = hook

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
