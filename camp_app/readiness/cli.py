"""`flask reminders --once`: send the reminders due now, then exit. The mail worker also sends
them every hour (hooks.py), so no cron job is needed; without --once this command keeps
running and sends them every --interval seconds until stopped."""

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_babel import force_locale
from flask_babel import gettext as _

from camp_app.notifications.cli import stop_on_signals
from camp_app.readiness.reminders import ReminderReport, send_due_reminders


def summary(report: ReminderReport) -> str:
    return _(
        "Reminders: %(documents)d about missing documents, %(practical)d practical mails "
        "before camp.",
        documents=report.documents,
        practical=report.practical,
    )


@click.command("reminders")
@click.option("--once", is_flag=True, help="Send what is due now, then exit.")
@click.option(
    "--interval",
    type=click.FloatRange(min=1),
    default=3600.0,
    show_default=True,
    help="Seconds between runs (without --once).",
)
@with_appcontext
def reminders_command(once: bool, interval: float) -> None:
    """Send the reminders that are due (documents still missing, the mail a week before
    camp) through the outbox."""
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        if once:
            click.echo(summary(send_due_reminders()))
            return
        with stop_on_signals() as stop:
            while not stop.is_set():
                click.echo(summary(send_due_reminders()))
                stop.wait(interval)
