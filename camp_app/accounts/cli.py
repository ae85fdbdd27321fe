"""`flask users create`: accounts for staff, coordinators and admins (and parents, for tests)."""

import click
from flask.cli import AppGroup
from flask_babel import force_locale
from flask_babel import gettext as _

from camp_app.accounts.services import create_account
from camp_app.roles import Role
from camp_app.service_errors import ServiceError

users_cli = AppGroup("users", help="Manage user accounts.")

ROLE_CHOICE = click.Choice([role.value for role in Role])


@users_cli.command("create")
@click.option("--email", required=True, help="Sign-in address (must be unique).")
@click.option("--password", required=True, help="At least the minimum password length.")
@click.option("--name", required=True, help="The person's name.")
@click.option("--role", "roles", type=ROLE_CHOICE, multiple=True, required=True, help="Repeatable.")
@click.option("--verified", is_flag=True, help="Treat the email address as confirmed.")
@click.option(
    "--otp-secret",
    default=None,
    help="Enrol an authenticator (TOTP, base32 secret), as scanning the QR code would.",
)
def create_user_command(
    email: str, password: str, name: str, roles: tuple, verified: bool, otp_secret: str | None
):
    """Create an account; a parent also gets a household."""
    # No request here, so the request's language cannot be asked: messages are in English.
    with force_locale("en"):
        try:
            user = create_account(
                email=email,
                password=password,
                name=name,
                roles=roles,
                verified=verified,
                otp_secret=otp_secret,
            )
        except ServiceError as error:
            lines = [f"{p.field}: {p.message}" if p.field else p.message for p in error.problems]
            raise click.ClickException("; ".join(lines)) from None
        state = _("verified") if user.is_verified else _("not verified")
        click.echo(
            _(
                "Created user %(id)d <%(email)s> (%(roles)s; %(state)s).",
                id=user.id,
                email=user.email,
                roles=", ".join(sorted(user.roles)),
                state=state,
            )
        )
