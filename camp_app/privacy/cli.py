"""`flask privacy ...`: the retention policy (retention) and key rotation (key_rotation)."""

import click
from flask import current_app
from flask.cli import AppGroup
from flask_babel import force_locale
from flask_babel import gettext as _

from camp_app.privacy import retention
from camp_app.privacy.key_rotation import DEFAULT_BATCH, ColumnReport, rotate_all
from camp_app.sealing import SealingKeyError

privacy_cli = AppGroup("privacy", help="Privacy: the retention policy, key rotation.")


@privacy_cli.command("purge")
@click.option("--dry-run", is_flag=True, help="Only list what would be erased.")
def purge_command(dry_run: bool) -> None:
    """Erase what is past its retention period (see the README), printing each category."""
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        for rule, outcome in retention.purge(dry_run=dry_run):
            click.echo(_line(rule, outcome, dry_run))


def _line(rule: retention.Rule, outcome, dry_run: bool) -> str:
    if not dry_run:
        return _(
            "%(what)s (%(name)s): %(n)d erased", what=rule.description, name=rule.name, n=outcome
        )
    line = _(
        "%(what)s (%(name)s): %(n)d would be erased",
        what=rule.description,
        name=rule.name,
        n=outcome.count,
    )
    if outcome.ids:
        line += " [" + ", ".join(str(i) for i in outcome.ids) + "]"
    return line


def _echo_report(report: ColumnReport) -> None:
    click.echo(
        _(
            "%(column)s: %(resealed)d re-sealed, %(current)d already under the newest key, "
            "%(empty)d empty, %(changed)d changed meanwhile (left as written).",
            column=report.column.label,
            resealed=report.resealed,
            current=report.current,
            empty=report.empty,
            changed=report.changed,
        )
    )


@privacy_cli.command("rotate-keys")
@click.option(
    "--batch-size",
    default=DEFAULT_BATCH,
    show_default=True,
    type=click.IntRange(1, 100_000),
    help="Rows per transaction.",
)
def rotate_keys_command(batch_size: int) -> None:
    """Re-seal every sealed value under the newest key of ENCRYPTION_KEYS (the first).

    Run it after putting a new key first and restarting the servers; once it has finished,
    the old keys can be dropped. Stopped halfway, it resumes when run again."""
    with force_locale("en"):  # no request: no language to ask for
        try:
            reports = rotate_all(batch_size, progress=_echo_report)
        except SealingKeyError as error:
            raise click.ClickException(str(error)) from None
        total = sum(report.resealed for report in reports)
        click.echo(_("Done: %(n)d values re-sealed under the newest key.", n=total))
