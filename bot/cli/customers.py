"""`customers import FILE.csv`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from bot.cli.common import (
    CliFailure,
    services_or_fail,
    settings_or_fail,
    slack_client_or_fail,
    user_errors,
)
from bot.customers import import_customers

app = typer.Typer(help="Customers and their segments.", no_args_is_help=True)


@app.command("import")
def import_file(
    path: Annotated[Path, typer.Argument(help="CSV: slack_user_id or email, account, segments…")],
    skip_invalid: Annotated[
        bool, typer.Option(help="Import the valid rows and list the others")
    ] = False,
) -> None:
    """Import customers; any further columns (plan, region…) become segments."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise CliFailure(f"Cannot read {path}: {exc}") from None
    settings = settings_or_fail()
    client = slack_client_or_fail(settings)
    services = services_or_fail(settings)
    with user_errors():
        report = import_customers(services, client, text, skip_invalid=skip_invalid)
    typer.echo(f"Imported {report.imported} customer(s).")
    for problem in report.skipped:
        typer.echo(f"  skipped {problem}")
