"""`db upgrade`: bring the schema to this version."""

from __future__ import annotations

import typer

from bot.cli.common import services_or_fail, settings_or_fail

app = typer.Typer(help="Database schema.", no_args_is_help=True)


@app.command("upgrade")
def upgrade_schema() -> None:
    """Apply every migration this version has (safe to run again)."""
    from storage.migrate import current_revision, upgrade

    services = services_or_fail(settings_or_fail(), check_schema=False)
    before = current_revision(services.engine)
    upgrade(services.engine)
    after = current_revision(services.engine)
    if before == after:
        typer.echo(f"Database schema already at {after}.")
    else:
        typer.echo(f"Database schema upgraded from {before or 'empty'} to {after}.")


@app.command("current")
def show_revision() -> None:
    """Show the schema revision of the database and the one this version needs."""
    from storage.migrate import current_revision, head_revision

    services = services_or_fail(settings_or_fail(), check_schema=False)
    typer.echo(f"database: {current_revision(services.engine) or 'empty'}; code: {head_revision()}")
