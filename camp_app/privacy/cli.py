"""`flask privacy …`: the retention policy from the command line (privacy.retention)."""

import click
from flask import current_app
from flask.cli import AppGroup
from flask_babel import force_locale
from flask_babel import gettext as _

from camp_app.privacy import retention

privacy_cli = AppGroup("privacy", help="Privacy: the retention policy.")


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
