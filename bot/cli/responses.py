"""`responses import FILE.csv`: answers from another survey tool (bot.answers.history)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from bot.cli.common import Team, importing_into, user_errors
from bot.cli.file_import import SkipInvalid, echo_left_out, read_import_file
from bot.core.text import plural

app = typer.Typer(help="Answers brought from other survey tools.", no_args_is_help=True)


@app.command("import")
def import_file(
    path: Annotated[Path, typer.Argument(
        help="CSV: customer, submitted_at, metric, score[, comment][, pulse]")],
    skip_invalid: SkipInvalid = False,
    team: Team = None,
) -> None:
    """Import past NPS and CSAT answers; importing the same file again adds nothing."""
    from bot.answers.history import import_history

    text = read_import_file(path)
    here = importing_into(team)
    with user_errors():
        report = import_history(here.services, here.client, text, team_id=here.team_id,
                                skip_invalid=skip_invalid)
    total = report.added + report.corrected + report.unchanged
    typer.echo(f"Imported {plural(total, 'answer')} of "
               f"{plural(report.customers, 'customer')}: {report.added} added, {report.corrected} "
               f"corrected, {report.unchanged} already there.")
    if report.comments_past_retention:
        typer.echo(f"  {plural(report.comments_past_retention, 'comment')} older than "
                   "COMMENT_RETENTION_DAYS: their sentiment is kept, not their words.")
    echo_left_out(forgotten=report.forgotten, ignored_columns=report.ignored_columns,
                  skipped=report.skipped)
