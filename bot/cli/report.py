"""`report [VIEW…]`: what /engagement answers, drawn in the terminal, or the whole report as JSON.

The view and its period are read by the slash command's own grammar (bot.reporting.grammar),
and the answer is the one /engagement gives, so the terminal shows what Slack would show.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import timedelta
from typing import TYPE_CHECKING, Annotated

import typer

from bot.cli.common import CliFailure, stored_workspace
from bot.core.periods import MAX_DAYS

if TYPE_CHECKING:
    from bot.core.periods import Period
    from bot.core.services import Services
    from bot.reporting.grammar import EngagementQuery

VIEWS_HELP = (
    "What /engagement would show: overview (default), nps, csat, trend [weekly|monthly], "
    "segment ATTRIBUTE, benchmark [INDUSTRY], map [movement], plan, movement, "
    "comments [positive|negative|neutral] [THEME], themes, followups [effect], outcomes, "
    "drivers, help. A period may follow, as in Slack: 30d, quarter, year, since 2026-01-01."
)


def report(
    view: Annotated[list[str] | None, typer.Argument(help=VIEWS_HELP, show_default=False)] = None,
    as_json: Annotated[bool, typer.Option(
        "--json", help="Print the whole report as JSON (docs/REPORT-JSON.md)")] = False,
    days: Annotated[int | None, typer.Option(
        min=1, max=MAX_DAYS, help="The last N days (default 90; a year for outcomes)")] = None,
    period: Annotated[str | None, typer.Option(
        help="As in Slack: quarter, year (so far) or Nd, e.g. 30d")] = None,
    since: Annotated[str | None, typer.Option(
        help="From this day (YYYY-MM-DD, UTC) until now")] = None,
    team: Annotated[str | None, typer.Option(help="Workspace (team) ID, if several")] = None,
    compare_days: Annotated[int | None, typer.Option(
        min=1, max=MAX_DAYS,
        help="Length in days of the earlier period changes are measured against (default: "
             "the period's own length, just before); overview and --json only")] = None,
) -> None:
    """Any /engagement view for a period (default: the overview of the last 90 days); --json
    prints every figure: trend, segments, benchmarks, targets, the engagement map, movement,
    the loop effect, outcomes, drivers (docs/REPORT-JSON.md)."""
    from bot.reporting.grammar import QueryKind

    query = _query(view or [], days=days, period=period, since=since)
    if (as_json or compare_days is not None) and query.kind is not QueryKind.OVERVIEW:
        option = "--json" if as_json else "--compare-days"
        raise CliFailure(f"{option} goes with the whole report, not the {query.kind.value} "
                         "view: leave out the view")
    services, team_id = stored_workspace(team)
    if as_json:
        _print_json(services, team_id or "", query, compare_days)
    else:
        _print_view(services, team_id or "", query, compare_days)


def _query(words: list[str], *, days: int | None, period: str | None,
           since: str | None) -> EngagementQuery:
    """The view's words and the period options, read as /engagement reads its text."""
    from bot.reporting.grammar import UsageError, parse_query

    given = {"--days": days, "--period": period, "--since": since}
    chosen = [name for name, value in given.items() if value is not None]
    if len(chosen) > 1:
        raise CliFailure(f"give one period: {' or '.join(chosen)}, not both")
    period_words: list[str] = []
    if days is not None:
        period_words = [f"{days}d"]
    elif period is not None:
        period_words = [period]
    elif since is not None:
        period_words = ["since", since]
    try:
        return parse_query(" ".join([*words, *period_words]))
    except UsageError as mistake:
        raise CliFailure(mistake_line(str(mistake), mistake.mistake, mistake.suggestion)
                         ) from None


def mistake_line(problem: str, mistake: str, suggestion: str | None) -> str:
    """The slash command's one line for a word it did not understand, for the terminal."""
    said = problem if mistake in problem else f"{problem}: “{mistake[:50]}”"
    meant = f" Did you mean “{suggestion}”?" if suggestion else ""
    return f"{said}.{meant} `python -m bot report help` lists the views"


def _period(services: Services, query: EngagementQuery, compare_days: int | None) -> Period:
    """The query's period, its earlier period `compare_days` long when given (the overview and
    --json only: `report` refuses it with a view)."""
    period = query.period.resolve(services.clock())
    if compare_days is not None:
        period = replace(period, compare=timedelta(days=compare_days))
    return period


def _print_json(services: Services, team_id: str, query: EngagementQuery,
                compare_days: int | None) -> None:
    from bot.reporting.full_report import build_full_report
    from storage.engine import session_scope

    period = _period(services, query, compare_days)
    with session_scope(services.engine) as session:
        data = build_full_report(
            session=session, team_id=team_id, period=period,
            anonymity_minimum=services.settings.anonymity_minimum,
            drift_days=services.settings.drift_period_days,
        )
    typer.echo(json.dumps(data, indent=2))


def _print_view(services: Services, team_id: str, query: EngagementQuery,
                compare_days: int | None) -> None:
    from rich.console import Console

    from bot.reporting.answers import answer_engagement
    from bot.sandbox.render import print_blocks

    message = answer_engagement(services, team_id=team_id, query=query,
                                period=_period(services, query, compare_days))
    blocks = [block.to_dict() for block in message.blocks]
    if not blocks:  # a one-line answer (an empty period, a refusal) has only its text
        blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": message.text}}]
    print_blocks(Console(), blocks, title=f"/engagement (team {team_id or '-'})")

