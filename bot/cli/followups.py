"""`followups import FILE.csv` (bot.followups.importing)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from bot.cli.common import Team
from bot.cli.file_import import SkipInvalid, echo_left_out, import_file_into
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

    report = import_file_into(team, path, import_follow_ups, skip_invalid=skip_invalid)
    typer.echo(f"Imported {plural(report.added + report.unchanged, 'follow-up')}: {report.added} "
               f"added, {report.unchanged} already there.")
    echo_left_out(report)
