"""`customers import FILE.csv`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from bot.cli.common import CliFailure, Team, importing_into, user_errors
from bot.core.text import plural

app = typer.Typer(help="Customers and their segments.", no_args_is_help=True)


@app.command("import")
def import_file(
    path: Annotated[Path, typer.Argument(help="CSV: slack_user_id or email, account, segments…")],
    skip_invalid: Annotated[
        bool, typer.Option(help="Import the valid rows and list the others")
    ] = False,
    team: Team = None,
) -> None:
    """Import customers; any further columns (plan, region…) become segments."""
    from bot.workspaces.customers import import_customers

    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise CliFailure(f"Cannot read {path}: {exc}") from None
    here = importing_into(team)
    with user_errors():
        # With Slack, the workspace is named as Slack names it (stored with its name).
        report = import_customers(here.services, here.client, text,
                                  team_id=None if here.client else here.team_id,
                                  skip_invalid=skip_invalid)
    typer.echo(f"Imported {plural(report.imported, 'customer')}.")
    for problem in report.skipped:
        typer.echo(f"  skipped {problem}")
