"""`flask seed-demo`: load the demo camps, accounts and family, and print the demo logins."""

import click
from flask import current_app
from flask.cli import with_appcontext

from camp_app.demo.seed import SeedReport, seed_demo


@click.command("seed-demo")
@with_appcontext
def seed_demo_command():
    """Load the demo camps and one account per role (safe to run again)."""
    report = seed_demo()
    _print_report(report)


def _print_report(report: SeedReport) -> None:
    for name, created in report.events:
        click.echo(f"Demo event {name}: {'created' if created else 'already there, left as is'}.")
    click.echo("")
    click.echo(f"Log in at {current_app.config['BASE_URL']}/account/login")
    click.echo("DEMO ONLY: these accounts and passwords are for trying the app; never use them")
    click.echo("on a real system with real families' data.")
    for login in report.logins:
        password = login.password or "(no longer the demo password; not shown)"
        click.echo(f"  {login.role:<12} {login.email:<26} {password}")
    click.echo("Every role but parent signs in with a second factor: at the first sign-in, scan")
    click.echo("the QR code with an authenticator app on a phone (or type the key shown).")
