"""`flask mail-worker`: deliver the outbox until stopped (SIGINT/SIGTERM), or once."""

import logging
import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy.exc import SQLAlchemyError

from camp_app.extensions import db
from camp_app.hooks import Hook
from camp_app.notifications.delivery import DeliveryReport, deliver_due
from camp_app.notifications.services import count_waiting, dev_mailbox_enabled
from camp_app.notifications.transport import mail_server_configured, send_deadline
from camp_app.notifications.unrecorded import unrecorded

log = logging.getLogger(__name__)

# The worker also purges old rows: often enough that they never pile up, rarely enough to cost
# nothing. Features above notifications connect a purge that returns how many rows went
# (accounts: its old sign-in rows, accounts.retention).
PURGE_INTERVAL_SECONDS = 3600.0
PURGE_OLD_ROWS = Hook("the mail worker purges old rows", required=False)
# ...and, as often, sends the reminders that are due (readiness: documents still missing, the
# mail a week before camp), so that no cron job is left to remember. Returns how many went.
SEND_REMINDERS = Hook("the mail worker sends the reminders due", required=False)


def no_server_message() -> str:
    if dev_mailbox_enabled():
        return _(
            "MAIL_SERVER is not set: nothing is sent. Mails stay in the outbox; "
            "read them in the development mailbox at /dev/mailbox."
        )
    return _("MAIL_SERVER is not set: nothing is sent. Mails wait in the outbox.")


def summary(report: DeliveryReport) -> str:
    return _(
        "Mail worker: %(sent)d sent, %(retried)d to retry, %(failed)d failed.",
        sent=report.sent,
        retried=report.retried,
        failed=report.failed,
    )


@click.command("mail-worker")
@click.option("--once", is_flag=True, help="Deliver what is due, then exit.")
@click.option(
    "--interval",
    type=click.FloatRange(min=0.05),
    default=5.0,
    show_default=True,
    help="Seconds to wait between polls.",
)
@click.option(
    "--batch-size", type=click.IntRange(min=1), default=50, show_default=True, hidden=True
)
@with_appcontext
def mail_worker_command(once: bool, interval: float, batch_size: int) -> None:
    """Deliver the email outbox (several workers may run at once on PostgreSQL)."""
    # No request, so no visitor's language: the operator reads the default locale.
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        if once:
            _run_once(batch_size)
        else:
            _run_until_stopped(interval, batch_size)


def _run_once(batch_size: int) -> None:
    purge_old_rows()
    send_reminders()
    if not mail_server_configured():
        click.echo(no_server_message() + " " + _("%(count)d waiting.", count=count_waiting()))
        return
    click.echo(summary(drain(batch_size)))


def _run_until_stopped(interval: float, batch_size: int) -> None:
    configured = mail_server_configured()
    click.echo(_("Mail worker started.") if configured else no_server_message())
    _warn_about_settings()
    next_purge = time.monotonic()
    with stop_on_signals() as stop:
        while not stop.is_set():
            if time.monotonic() >= next_purge:
                purge_old_rows()
                send_reminders()
                next_purge = time.monotonic() + PURGE_INTERVAL_SECONDS
            if configured:
                _poll(batch_size, stop)
            stop.wait(interval)
    _write_down_before_exit()
    click.echo(_("Mail worker stopped."))


def _warn_about_settings() -> None:
    lease = current_app.config["MAIL_LEASE_SECONDS"]
    if send_deadline() >= lease:
        # A mail still being sent when its lease runs out may be sent by a second worker.
        log.warning(
            "MAIL_SEND_DEADLINE_SECONDS (%s) should be well under MAIL_LEASE_SECONDS (%s)",
            send_deadline(),
            lease,
        )


def _write_down_before_exit() -> None:
    """Last chance to record what the database missed (see unrecorded.py)."""
    memory = unrecorded()
    if memory.empty:
        return
    try:
        memory.write_down()
    except SQLAlchemyError:
        log.exception(
            "mail worker: stopping with %s accepted mails not recorded as sent; they may be "
            "sent again when their lease runs out",
            len(memory.accepted),
        )
    finally:
        db.session.remove()


def _poll(batch_size: int, stop: threading.Event) -> None:
    try:
        report = drain(batch_size, stop)
    except SQLAlchemyError:
        # The database may be restarting: keep the worker alive and try at the next poll.
        log.exception("mail worker: database error, will retry")
        db.session.rollback()
        return
    finally:
        db.session.remove()  # no connection held while sleeping
    if report.handled:
        click.echo(summary(report))


def purge_old_rows() -> None:
    """Each purge commits, so no connection stays checked out while the worker sleeps."""
    try:
        removed = sum(PURGE_OLD_ROWS())
    except SQLAlchemyError:
        # Like a failed poll: keep the worker alive, try again at the next purge.
        log.exception("mail worker: could not purge old rows, will retry")
        db.session.rollback()
        return
    if removed:
        log.info("mail worker: purged %d old rows (retention policy)", removed)


def send_reminders() -> None:
    """The reminders due now go into the outbox (delivered by the next poll); each run
    commits. A database error is logged and tried again at the next hour."""
    try:
        sent = sum(SEND_REMINDERS())
    except SQLAlchemyError:
        log.exception("mail worker: could not send the reminders due, will retry")
        db.session.rollback()
        return
    if sent:
        log.info("mail worker: queued %d reminders", sent)


def drain(batch_size: int, stop: threading.Event | None = None) -> DeliveryReport:
    """Deliver batch after batch until nothing more is due (or we are asked to stop).
    Every claimed mail leaves the due set (sent, failed or retried later), so this ends."""
    total = DeliveryReport()
    while stop is None or not stop.is_set():
        report = deliver_due(batch_size)
        total += report
        if report.handled == 0:
            break
    return total


@contextmanager
def stop_on_signals() -> Iterator[threading.Event]:
    """SIGINT/SIGTERM finish the current batch, then the loop ends; a second signal stops at
    once (a mail cut off mid-send is sent again when its lease expires)."""
    stop = threading.Event()

    def handle(signum, frame):
        if stop.is_set():
            raise KeyboardInterrupt
        stop.set()

    previous = {}
    if threading.current_thread() is threading.main_thread():
        for signum in (signal.SIGINT, signal.SIGTERM):
            previous[signum] = signal.signal(signum, handle)
    try:
        yield stop
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
