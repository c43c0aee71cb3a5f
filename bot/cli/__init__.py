"""`python -m bot` / `engagement-bot`: the command line."""

from __future__ import annotations

import sys

import typer

from bot.cli import (
    benchmarks,
    customers,
    db,
    demo,
    digest,
    export,
    followups,
    forget,
    outcomes,
    playground,
    pulse,
    report,
    responses,
    run,
    seed,
)
from bot.cli.common import CliFailure

app = typer.Typer(
    help="Measure customer engagement in Slack: NPS and CSAT pulses, reports, digests.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
app.command("run")(run.run)
app.command("report")(report.report)
app.command("demo")(demo.demo)
app.command("seed")(seed.seed)
app.command("export")(export.export)
app.command("forget")(forget.forget)
app.command("playground")(playground.playground)
app.add_typer(db.app, name="db")
app.add_typer(pulse.app, name="pulse")
app.add_typer(customers.app, name="customers")
app.add_typer(responses.app, name="responses")
app.add_typer(outcomes.app, name="outcomes")
app.add_typer(followups.app, name="followups")
app.add_typer(digest.app, name="digest")
app.add_typer(benchmarks.app, name="benchmarks")


def main() -> None:
    try:
        app()
    except CliFailure as failure:
        # One clear line, no traceback: the message already says what to do.
        typer.secho(f"error: {failure}", fg=typer.colors.RED, err=True)
        sys.exit(2)
