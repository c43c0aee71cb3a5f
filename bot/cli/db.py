"""`db upgrade`: bring the schema to this version; `db new-token-key` and `db encrypt-tokens`:
the key the stored Slack tokens are encrypted with (OAuth mode)."""

from __future__ import annotations

import typer

from bot.cli.common import CliFailure, services_or_fail, settings_or_fail
from bot.core.text import plural

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


@app.command("new-token-key")
def new_token_key() -> None:
    """Print a new random key for TOKEN_ENCRYPTION_KEYS (reads no settings)."""
    from cryptography.fernet import Fernet

    typer.echo(Fernet.generate_key().decode())


@app.command("encrypt-tokens")
def encrypt_tokens() -> None:
    """Encrypt every stored Slack token with the first TOKEN_ENCRYPTION_KEYS key (`run` does
    it at start-up); after it, keys that are not first may be removed."""
    from bot.workspaces.token_encryption import encrypt_stored_tokens

    settings = settings_or_fail()
    if not settings.oauth_enabled:
        raise CliFailure("Only OAuth installs store Slack tokens: set SLACK_CLIENT_ID and "
                         "SLACK_CLIENT_SECRET")
    services = services_or_fail(settings)
    moved = encrypt_stored_tokens(services)
    typer.echo(f"{plural(moved, 'stored token')} re-encrypted with the first key; the others may "
               "now be removed.")
