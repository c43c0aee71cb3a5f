"""`benchmarks industry | add | list | remove | target`: what our figures are compared with."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from bot.benchmarks.custom import CustomFigure
    from bot.core.services import Services

from bot.cli.common import (
    CliFailure,
    Team,
    installed_team_or_fail,
    services_or_fail,
    settings_or_fail,
    slack_client_or_fail,
    stored_workspace,
    user_errors,
)

app = typer.Typer(help="Industry, your own benchmarks and targets.", no_args_is_help=True)

def _services_and_team(team: str | None) -> tuple[Services, str]:
    from bot.workspaces.installations import identify_workspace

    config = settings_or_fail()
    services = services_or_fail(config)
    if team is not None:
        return services, team
    if config.oauth_enabled:
        return services, installed_team_or_fail(services, None)
    with user_errors():
        return services, identify_workspace(slack_client_or_fail(config)).team_id


def _figure_line(figure: CustomFigure) -> str:
    from storage.models import Metric

    value = f"{figure.value:+g}" if figure.metric is Metric.NPS else f"{figure.value:g}%"
    who = f"added by {figure.added_by}" if figure.added_by else "added from the CLI"
    details = [str(figure.year)] if figure.year else []
    details += [who, *([figure.source] if figure.source else [])]
    return f"#{figure.id}\t{figure.metric.value.upper()}\t{value}\t{figure.name}\t" + ", ".join(
        details
    )


@app.command("industry")
def industry(
    key: Annotated[str | None, typer.Argument(help="An industry key (run without one to list)")]
    = None,
    clear: Annotated[bool, typer.Option("--clear", help="Compare with cross-industry figures")]
    = False,
    team: Team = None,
) -> None:
    """Set (or --clear) the industry the benchmarks compare with."""
    from bot.benchmarks import custom as settings

    if key is not None and clear:
        raise CliFailure("Give an industry key or --clear, not both")
    if key is None and not clear:
        for known, name in settings.shipped_industries():
            typer.echo(f"{known}\t{name}")
        return
    services, team_id = _services_and_team(team)
    with user_errors():
        chosen = settings.set_industry(services, team_id=team_id, user_id=None, raw=key)
    if chosen is None:
        typer.echo("Industry cleared: comparisons use cross-industry figures.")
    else:
        typer.echo(f"Industry set to {chosen[1]} ({chosen[0]}).")


@app.command("add")
def add(
    metric: Annotated[str, typer.Option(help="nps or csat (a percent satisfied)")],
    value: Annotated[str, typer.Option(help="NPS −100..100 or CSAT % 0..100")],
    name: Annotated[str, typer.Option(help="Whose figure: 'Acme (competitor)'")],
    year: Annotated[int | None, typer.Option(help="The year the figure is from")] = None,
    source: Annotated[str | None, typer.Option(help="Where it comes from")] = None,
    team: Team = None,
) -> None:
    """Add a competitor's or best-in-class peer's figure (replaces one of the same name)."""
    from bot.benchmarks import custom as settings

    services, team_id = _services_and_team(team)
    with user_errors():
        figure = settings.add_benchmark(
            services, team_id=team_id, user_id=None, metric=metric, value=value, name=name,
            year=year, source=source,
        )
    typer.echo("Saved:\t" + _figure_line(figure))


@app.command("list")
def list_figures(team: Team = None) -> None:
    """The industry, custom benchmarks and targets of the workspace."""
    from bot.benchmarks import custom as settings
    from bot.benchmarks.published import industry_label
    from storage.engine import session_scope

    services, team_id = stored_workspace(team)
    with session_scope(services.engine) as session:
        mine = settings.load_workspace_benchmarks(session=session, team_id=team_id or "")
    named = industry_label(mine.industry) or mine.industry
    typer.echo(f"Industry: {named or 'not set (cross-industry figures)'}")
    for metric, value in sorted(mine.targets.items()):
        typer.echo(f"Target {metric.upper()}: {value:g}" + ("%" if metric == "csat" else ""))
    if not mine.custom:
        typer.echo("No custom benchmarks yet.", err=True)
    for figure in mine.custom:
        typer.echo(_figure_line(figure))


@app.command("remove")
def remove(
    benchmark_id: Annotated[str, typer.Argument(metavar="ID", help="From `benchmarks list`")],
    team: Team = None,
) -> None:
    """Remove one custom benchmark."""
    from bot.benchmarks import custom as settings

    services, team_id = _services_and_team(team)
    with user_errors():
        removed = settings.remove_benchmark(services, team_id=team_id, raw_id=benchmark_id)
    typer.echo(f"Removed custom benchmark #{removed}.")


@app.command("target")
def target(
    first: Annotated[str, typer.Argument(metavar="METRIC|clear", help="nps, csat or clear")],
    second: Annotated[str, typer.Argument(metavar="VALUE|METRIC", help="target, or metric")],
    team: Team = None,
) -> None:
    """`target nps 50`, `target csat 85`, or `target clear nps`."""
    from bot.benchmarks import custom as settings
    from storage.models import Metric

    services, team_id = _services_and_team(team)
    with user_errors():
        if first.lower() == "clear":
            metric = settings.clear_target(services, team_id=team_id, metric=second)
            typer.echo(f"Target for {metric.value.upper()} cleared.")
            return
        metric, value = settings.set_target(
            services, team_id=team_id, user_id=None, metric=first, value=second
        )
    shown = f"{value:+g}" if metric is Metric.NPS else f"{value:g}%"
    typer.echo(f"Target {metric.value.upper()} set to {shown}.")
