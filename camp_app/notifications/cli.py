import click


@click.command("mail-worker")
@click.option("--once", is_flag=True)
def mail_worker_command(once):
    click.echo("todo")
