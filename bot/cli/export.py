"""`export`: the answers as CSV or JSON Lines (columns documented in bot.privacy.export)."""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, TextIO

import typer

from bot.cli.common import CliFailure, services_or_fail, settings_or_fail, team_or_fail, user_errors
from bot.core.text import plural


def export(
    fmt: Annotated[str, typer.Option("--format", help="csv or jsonl")] = "csv",
    since: Annotated[
        str | None, typer.Option(help="Only answers from this day on (YYYY-MM-DD, UTC)")
    ] = None,
    output: Annotated[
        Path | None, typer.Option(help="Write to this file instead of standard output")
    ] = None,
    team: Annotated[str | None, typer.Option(help="Workspace (team) ID, if several")] = None,
    outcomes: Annotated[bool, typer.Option(
        "--outcomes", help="The customers' outcome events (renewals, churn…) instead")] = False,
) -> None:
    """Every answer, one row each; anonymous pulses without anyone's name."""
    from bot.privacy.export import parse_format, parse_since, write_export, write_outcomes_export
    from bot.workspaces.currency import workspace_currency
    from storage.engine import read_only_session
    from storage.export import stream_answers, stream_outcomes

    with user_errors():
        export_format, start = parse_format(fmt), parse_since(since)
    services = services_or_fail(settings_or_fail())
    with read_only_session(services.engine) as session:
        team_id = team_or_fail(session, team)
        if outcomes:
            currency = workspace_currency(session=session, team_id=team_id)
            events = stream_outcomes(session=session, team_id=team_id, since=start)

            def write(out: TextIO) -> int:
                return write_outcomes_export(events, out, export_format, currency=currency)
        else:
            answers = stream_answers(session=session, team_id=team_id, since=start)

            def write(out: TextIO) -> int:
                return write_export(answers, out, export_format)
        count = write(sys.stdout) if output is None else _write_file(output, write)
    typer.echo(f"Exported {plural(count, 'outcome event' if outcomes else 'answer')}.", err=True)


def _write_file(path: Path, write: Callable[[TextIO], int]) -> int:
    """Write beside the target and rename: a failure half-way leaves no half a file behind."""
    directory = path.resolve().parent
    if not directory.is_dir():
        raise CliFailure(f"Cannot write {path}: no directory {directory}")
    try:
        handle, temporary = tempfile.mkstemp(dir=directory, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise CliFailure(f"Cannot write {path}: {exc.strerror}") from None
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            count: int = write(out)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return count
