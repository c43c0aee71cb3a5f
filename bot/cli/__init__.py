"""`python -m bot` / `engagement-bot`: the command line."""

from __future__ import annotations

import os
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
from bot.cli.failures import (
    INTERRUPTED,
    USER_MISTAKE,
    OneLine,
    known_line,
    print_line,
    unexpected_line,
    usage_line,
)

app = typer.Typer(
    help="Measure customer engagement in Slack: NPS and CSAT pulses, reports, digests. "
         "Any command fails with one line; --debug (or LOG_LEVEL=DEBUG) adds the traceback.",
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


DEBUG_FLAG = "--debug"


def main() -> None:
    """Run the command; however it fails, one line on stderr (see bot.cli.failures)."""
    debug = DEBUG_FLAG in sys.argv[1:] or os.environ.get("LOG_LEVEL", "").upper() == "DEBUG"
    # --debug is taken wherever it stands, so it can be added at the end of any command.
    sys.argv[1:] = [word for word in sys.argv[1:] if word != DEBUG_FLAG]
    try:
        status = app(standalone_mode=False)
    except CliFailure as failure:
        # The message already says what to do.
        line = OneLine(str(failure), USER_MISTAKE)
    except typer.Exit as done:
        sys.exit(done.exit_code)
    except typer.TyperException as mistake:
        if type(mistake).__name__ == "NoArgsIsHelpError":
            sys.exit(USER_MISTAKE)  # the help was printed, as a bare `python -m bot` asks
        line = usage_line(mistake)
    except typer.Abort:  # a question left unanswered (no input) or refused
        line = OneLine("aborted: nothing was changed", USER_MISTAKE)
    except KeyboardInterrupt:
        line = OneLine("interrupted", INTERRUPTED)
    except Exception as error:
        if debug:
            raise
        line = known_line(error) or unexpected_line(error)
    else:
        sys.exit(status if isinstance(status, int) else 0)
    print_line(line)
    sys.exit(line.status)
