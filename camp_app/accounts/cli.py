import click
from flask.cli import AppGroup

users_cli = AppGroup("users", help="Manage user accounts.")


@users_cli.command("create")
def create_user():
    click.echo("todo")
