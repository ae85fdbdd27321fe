"""Sorting SMTP errors into "try again later" and "give up", and describing them safely."""

import smtplib

import pytest
from flask_mail import BadHeaderError

from camp_app.notifications.transport import (
    PERMANENT,
    TRANSIENT,
    breaks_connection,
    classify,
    describe,
)


def refused(*codes: int) -> smtplib.SMTPRecipientsRefused:
    return smtplib.SMTPRecipientsRefused(
        {f"r{n}@example.org": (code, b"refused") for n, code in enumerate(codes)}
    )


@pytest.mark.parametrize(
    ("error", "kind"),
    [
        (ConnectionRefusedError(111, "Connection refused"), TRANSIENT),
        (TimeoutError("timed out"), TRANSIENT),
        (smtplib.SMTPServerDisconnected("Connection unexpectedly closed"), TRANSIENT),
        (smtplib.SMTPConnectError(554, b"go away"), TRANSIENT),
        (smtplib.SMTPAuthenticationError(535, b"bad credentials"), TRANSIENT),
        (smtplib.SMTPDataError(451, b"local error"), TRANSIENT),
        (smtplib.SMTPDataError(554, b"spam"), PERMANENT),
        (smtplib.SMTPSenderRefused(553, b"not allowed", "camps@hospital.example"), PERMANENT),
        (refused(450), TRANSIENT),
        (refused(550), PERMANENT),
        (refused(550, 450), TRANSIENT),  # one of them may still get through later
        (BadHeaderError(), PERMANENT),
    ],
)
def test_classify(error, kind):
    assert classify(error) == kind


def test_only_a_lost_connection_stops_the_batch():
    assert breaks_connection(smtplib.SMTPServerDisconnected("gone"))
    assert breaks_connection(ConnectionResetError(104, "Connection reset by peer"))
    assert breaks_connection(smtplib.SMTPDataError(421, b"closing"))
    assert not breaks_connection(refused(550))
    assert not breaks_connection(smtplib.SMTPDataError(554, b"spam"))


def test_describe_masks_addresses_and_stays_short():
    error = smtplib.SMTPRecipientsRefused(
        {"maya.lopez@example.org": (550, b"5.1.1 <maya.lopez@example.org>:\r\n  unknown user")}
    )
    assert describe(error) == "SMTPRecipientsRefused: 550 5.1.1 <[address]>: unknown user"
    long_answer = smtplib.SMTPDataError(554, b"x" * 1000)
    assert len(describe(long_answer)) == 160
    assert describe(ConnectionRefusedError(111, "Connection refused")) == (
        "ConnectionRefusedError: Connection refused"
    )
