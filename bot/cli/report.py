"""`report`: the figures /engagement shows, in the terminal or as JSON."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import timedelta
from typing import Annotated

import typer

from bot.cli.common import CliFailure, services_or_fail, settings_or_fail
from bot.core.periods import DEFAULT_DAYS, MAX_DAYS, PeriodSpec


def report(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON")] = False,
    days: Annotated[int, typer.Option(min=1, max=MAX_DAYS, help="Period in days")] = DEFAULT_DAYS,
    team: Annotated[str | None, typer.Option(help="Workspace (team) ID, if several")] = None,
    compare_days: Annotated[int | None, typer.Option(
        min=1, max=MAX_DAYS,
        help="Length in days of the earlier period changes are measured against (default: "
             "the same as --days, just before)")] = None,
) -> None:
    """NPS, CSAT and response rate for the last N days; --json adds trend, segments,
    benchmarks, targets, the engagement map, movement and the loop effect
    (docs/REPORT-JSON.md)."""
    from bot.benchmarks.custom import load_workspace_benchmarks
    from bot.benchmarks.targets import target_gaps
    from bot.reporting.figures import build_overview
    from bot.reporting.full_report import build_full_report
    from storage.engine import session_scope
    from storage.workspaces import list_workspaces

    services = services_or_fail(settings_or_fail())
    with session_scope(services.engine) as session:
        team_ids = [w.team_id for w in list_workspaces(session=session)]
        if team is None and len(team_ids) > 1:
            raise CliFailure(f"Several workspaces: pick one with --team ({', '.join(team_ids)})")
        team_id = team or (team_ids[0] if team_ids else "")
        period = PeriodSpec(days=days).resolve(services.clock())
        if compare_days is not None:
            period = replace(period, compare=timedelta(days=compare_days))
        if as_json:
            data = build_full_report(
                session=session, team_id=team_id, period=period,
                anonymity_minimum=services.settings.anonymity_minimum,
                drift_days=services.settings.drift_period_days,
            )
            typer.echo(json.dumps(data, indent=2))
            return
        overview = build_overview(session=session, team_id=team_id, period=period)
        targets = target_gaps(
            overview, load_workspace_benchmarks(session=session, team_id=team_id).targets
        )
    from rich.console import Console

    from bot.reporting.blocks import overview_message
    from bot.sandbox.render import print_blocks

    blocks = [block.to_dict() for block in overview_message(overview, targets).blocks]
    print_blocks(Console(), blocks, title=f"/engagement (team {team_id or '-'})")
