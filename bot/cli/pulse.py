"""`pulse create | send | list`."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import typer

from bot.cli.common import (
    CliFailure,
    services_or_fail,
    settings_or_fail,
    slack_client_or_fail,
    user_errors,
)
from bot.pulses.definition import define_pulse, identify_workspace, parse_user_ids
from bot.pulses.dispatch import deliver_due
from bot.pulses.waves import manual_wave_time, open_pulse_wave
from storage.deliveries import status_counts
from storage.engine import session_scope
from storage.models import Metric
from storage.pulses import list_pulses

app = typer.Typer(help="Define and send pulses.", no_args_is_help=True)


@app.command("create")
def create(
    name: Annotated[str, typer.Argument(help="A short unique name, e.g. q4-nps")],
    metric: Annotated[Metric, typer.Option(help="nps (0–10) or csat (1–5)")],
    users: Annotated[str, typer.Option(help="Comma-separated Slack user IDs")],
    question: Annotated[str | None, typer.Option(help="Your own wording")] = None,
    follow_up: Annotated[str | None, typer.Option(help="The comment modal's question")] = None,
) -> None:
    """Define a pulse for a list of Slack users (checked with Slack first)."""
    settings = settings_or_fail()
    client = slack_client_or_fail(settings)
    services = services_or_fail(settings)
    with user_errors():
        user_ids = parse_user_ids(users)
        define_pulse(
            services,
            client,
            name=name,
            metric=metric,
            user_ids=user_ids,
            question=question,
            follow_up=follow_up,
        )
    typer.echo(f"Pulse {name!r} created: {metric.value.upper()} for {len(user_ids)} people.")


@app.command("send")
def send(
    name: Annotated[str, typer.Argument(help="The pulse to send")],
    wave: Annotated[
        datetime | None,
        typer.Option(help="Which wave (UTC); default today's, so a re-run resumes it"),
    ] = None,
) -> None:
    """Send one wave now. Running it again for the same wave messages nobody twice."""
    settings = settings_or_fail()
    client = slack_client_or_fail(settings)
    services = services_or_fail(settings)
    with user_errors():
        workspace = identify_workspace(client)
        scheduled_for = manual_wave_time(services.clock()) if wave is None else _as_utc(wave)
        opened = open_pulse_wave(
            services, name=name, team_id=workspace.team_id, scheduled_for=scheduled_for
        )
    summary = deliver_due(services, client, wave_id=opened.wave_id)
    with session_scope(services.engine) as session:
        counts = status_counts(session=session, wave_id=opened.wave_id)
    typer.echo(
        f"Wave {opened.wave_id} of {name!r}: sent {summary.sent} now; "
        + ", ".join(f"{status.value} {count}" for status, count in counts.items())
        + (f"; skipped {opened.skipped} opted out" if opened.skipped else "")
    )
    for reason, count in sorted(summary.failed.items()):
        typer.echo(f"  failed: {count} × {reason}")


def _as_utc(value: datetime) -> datetime:
    from datetime import UTC

    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


@app.command("list")
def list_all() -> None:
    """List the pulses."""
    services = services_or_fail(settings_or_fail())
    with session_scope(services.engine) as session:
        pulses = list_pulses(session=session)
    if not pulses:
        raise CliFailure(
            "No pulses yet: `python -m bot pulse create NAME --metric nps --users ...`"
        )
    for pulse in pulses:
        typer.echo(f"{pulse.name}\t{pulse.metric.upper()}\t{len(pulse.audience)} people")
