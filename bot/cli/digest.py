"""`digest`: which channels get the weekly or monthly digest, and what one looks like now."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Annotated

import typer

from bot.cli.common import (
    CliFailure,
    Team,
    in_workspace,
    services_or_fail,
    settings_or_fail,
    slack_client_or_fail,
    stored_workspace,
    user_errors,
)
from bot.core.periods import Period
from bot.core.text import plural

app = typer.Typer(help="The digest posted to channels: headline figures, the best, the voices.",
                  no_args_is_help=True)


@app.command("subscribe")
def subscribe_command(
    channel: Annotated[str, typer.Argument(help="Channel ID, e.g. C012AB3CD (invite the bot)")],
    cadence: Annotated[str, typer.Option(help="weekly (Mondays) or monthly (the 1st)")] = "weekly",
    at: Annotated[str, typer.Option(help="Time of day, HH:MM")] = "09:00",
    timezone: Annotated[str, typer.Option(help="IANA time zone of --at")] = "UTC",
    pulse: Annotated[str | None, typer.Option(help="Only this pulse's answers")] = None,
    segment: Annotated[
        list[str] | None,
        typer.Option(help="Only imported customers where attribute=value, e.g. plan=enterprise"),
    ] = None,
    team: Team = None,
) -> None:
    """Post the digest to a channel on a cadence, about everything, one pulse or a segment."""
    from bot.digests.subscriptions import DigestRequest, parse_cadence, subscribe

    here = in_workspace(team)
    with user_errors():
        request = DigestRequest(channel_id=channel, cadence=parse_cadence(cadence),
                                send_time=at, timezone=timezone, pulse=pulse,
                                segment=segment or None)
        number = subscribe(here.services, here.client, team_id=here.team_id, request=request,
                           created_by=None)
    typer.echo(f"Digest #{number} subscribed: {channel}, {cadence} at {at} {timezone}.")


@app.command("list")
def list_command(team: Team = None) -> None:
    """The channels that get the digest."""
    from bot.digests.subscriptions import list_subscriptions

    services, team_id = stored_workspace(team)
    lines = [] if team_id is None else list_subscriptions(services, team_id=team_id)
    typer.echo("\n".join(lines) if lines else "No digests yet: `digest subscribe CHANNEL`")


@app.command("stop")
def stop_command(
    number: Annotated[int, typer.Argument(help="The number `digest list` shows")],
    team: Team = None,
) -> None:
    """Stop posting a digest (past posts stay where they are)."""
    from bot.digests.subscriptions import unsubscribe

    here = in_workspace(team)
    with user_errors():
        unsubscribe(here.services, team_id=here.team_id, subscription_id=number)
    typer.echo(f"Digest #{number} stopped.")


@app.command("post-due")
def post_due_command() -> None:
    """Post the digests that are due now (what `run` does on its own every cycle)."""
    from bot.digests.poster import post_due_digests
    from bot.workspaces.installations import workspace_clients

    settings = settings_or_fail()
    client = slack_client_or_fail(settings)
    services = services_or_fail(settings)
    posted = sum(post_due_digests(services, workspace.client, team_id=workspace.team_id)
                 for workspace in workspace_clients(services, client))
    typer.echo(f"{plural(posted, 'digest')} posted.")


@app.command("preview")
def preview_command(
    days: Annotated[int, typer.Option(min=1, max=366, help="Days the digest covers")] = 7,
    chart: Annotated[Path | None, typer.Option(help="Save the NPS chart as this PNG")] = None,
    team: Annotated[str | None, typer.Option(help="Workspace (team) ID, if several")] = None,
) -> None:
    """Show the digest for the last N days in the terminal, without posting it."""
    from bot.digests.blocks import digest_message
    from bot.digests.content import build_digest
    from bot.reporting.charts import nps_trend_png
    from storage.engine import session_scope
    from storage.workspaces import list_workspaces

    settings = settings_or_fail()
    services = services_or_fail(settings)
    now = services.clock()
    with session_scope(services.engine) as session:
        team_ids = [w.team_id for w in list_workspaces(session=session)]
        if team is None and len(team_ids) > 1:
            raise CliFailure(f"Several workspaces: pick one with --team ({', '.join(team_ids)})")
        digest = build_digest(
            session=session, team_id=team or (team_ids[0] if team_ids else ""),
            period=Period(now - timedelta(days=days), now, f"last {plural(days, 'day')}"),
            anonymity_minimum=settings.anonymity_minimum,
        )
    from rich.console import Console

    from bot.sandbox.render import print_blocks

    blocks = [block.to_dict() for block in digest_message(digest).blocks]
    print_blocks(Console(), blocks, title="Digest preview")
    if chart is not None:
        chart.write_bytes(nps_trend_png(digest.trend, title=digest.chart_title,
                                        benchmark=digest.chart_benchmark,
                                        target=digest.chart_target,
                            window=digest.trend_window))
        typer.echo(f"Chart saved to {chart}")
