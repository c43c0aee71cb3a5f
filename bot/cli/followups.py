"""`followups import FILE.csv` (bot.followups.importing)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from bot.cli.common import Team, importing_into, user_errors
from bot.cli.file_import import SkipInvalid, echo_left_out, read_import_file
from bot.core.text import plural

app = typer.Typer(help="Closing the loop on answers brought from another tool",
                  no_args_is_help=True)


@app.command("import")
def import_file(
    path: Annotated[Path, typer.Argument(
        help="CSV: customer, submitted_at[, metric], replied_at, resolved_at[, owner]")],
    skip_invalid: SkipInvalid = False,
    team: Team = None,
) -> None:
    """Record which imported answers the team followed up; importing it again adds nothing."""
    from bot.followups.importing import import_follow_ups

    text = read_import_file(path)
    here = importing_into(team)
    with user_errors():
        report = import_follow_ups(here.services, here.client, text, team_id=here.team_id,
                                   skip_invalid=skip_invalid)
    typer.echo(f"Imported {plural(report.added + report.unchanged, 'follow-up')}: {report.added} "
               f"added, {report.unchanged} already there.")
    echo_left_out(forgotten=report.forgotten, ignored_columns=report.ignored_columns,
                  skipped=report.skipped)
