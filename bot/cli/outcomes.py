"""`outcomes import FILE.csv` and `outcomes currency CODE` (bot.outcomes.importing)."""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Annotated

import typer

from bot.cli.common import Team, importing_into, user_errors
from bot.cli.file_import import SkipInvalid, echo_left_out, import_file_into
from bot.core.text import plural

app = typer.Typer(help="What customers did: renewals, churn, expansion…", no_args_is_help=True)


@app.command("import")
def import_file(
    path: Annotated[Path, typer.Argument(help="CSV: customer, event, date[, amount]")],
    skip_invalid: SkipInvalid = False,
    currency: Annotated[str | None, typer.Option(
        help="The amounts' currency (ISO 4217, e.g. EUR), kept as the workspace's")] = None,
    team: Team = None,
) -> None:
    """Import customers' renewals, churn, expansions…; importing it again adds nothing."""
    from bot.outcomes.importing import import_outcomes
    from bot.workspaces.currency import parse_currency
    from bot.workspaces.grammar import SetCurrency

    with user_errors():
        chosen = None if currency is None else SetCurrency(parse_currency(currency))
    report = import_file_into(team, path, partial(import_outcomes, currency=chosen),
                              skip_invalid=skip_invalid)
    total = report.added + report.corrected + report.unchanged
    typer.echo(f"Imported {plural(total, 'event')} of "
               f"{plural(report.customers, 'customer')}: {report.added} added, {report.corrected} "
               f"corrected, {report.unchanged} already there.")
    typer.echo(f"  amounts in {report.currency}." if report.currency else
               "  amounts have no currency: set one with --currency EUR.")
    echo_left_out(report)


@app.command("currency")
def set_currency(
    code: Annotated[str, typer.Argument(help="ISO 4217 code such as EUR, or off")],
    team: Team = None,
) -> None:
    """The currency imported amounts are in (shown beside revenue figures)."""
    from bot.workspaces.currency import parse_currency, store_currency
    from storage.engine import session_scope
    from storage.workspaces import ensure_workspace

    with user_errors():
        chosen = parse_currency(code)
    here = importing_into(team)
    now = here.services.clock()
    with session_scope(here.services.engine) as session:
        ensure_workspace(session=session, team_id=here.team_id, name="", now=now)
        store_currency(session=session, team_id=here.team_id, code=chosen, user_id=None,
                       now=now)
    typer.echo(f"Imported amounts are in {chosen}." if chosen
               else "Imported amounts have no currency now.")
