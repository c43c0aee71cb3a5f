"""`responses import FILE.csv`: answers from another survey tool (bot.answers.history)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from bot.cli.common import Team
from bot.cli.file_import import SkipInvalid, echo_left_out, import_file_into
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

    report = import_file_into(team, path, import_history, skip_invalid=skip_invalid)
    total = report.added + report.corrected + report.unchanged
    typer.echo(f"Imported {plural(total, 'answer')} of "
               f"{plural(report.customers, 'customer')}: {report.added} added, {report.corrected} "
               f"corrected, {report.unchanged} already there.")
    if report.comments_past_retention:
        typer.echo(f"  {plural(report.comments_past_retention, 'comment')} older than "
                   "COMMENT_RETENTION_DAYS: their sentiment is kept, not their words.")
    echo_left_out(report)
