"""`pulse create | edit | pause | resume | delete | list | send | status`."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from bot.cli.common import (
    CliFailure,
    Team,
    in_workspace,
    services_or_fail,
    settings_or_fail,
    user_errors,
)
from storage.kinds import PulseMetric

if TYPE_CHECKING:
    from bot.core.services import Services
    from bot.pulses.audience import Audience
    from bot.pulses.status import WaveStatus
    from storage.models import PulseStatus


app = typer.Typer(help="Define and send pulses.", no_args_is_help=True)

Schedule = Annotated[
    str | None,
    typer.Option(help="weekly, monthly, quarterly or a crontab line such as '0 9 * * MON'"),
]
TimeZone = Annotated[str | None, typer.Option(help="IANA time zone of the schedule")]
MinInterval = Annotated[
    int | None, typer.Option(help="Survey nobody with this metric more often (days)")
]
RemindAfter = Annotated[int | None, typer.Option(help="Hours before one reminder; 0 for none")]
CloseAfter = Annotated[int | None, typer.Option(help="Days before the wave closes")]
LocalTime = Annotated[
    str | None, typer.Option(help="HH:MM: deliver at this time in each recipient's time zone")
]
Users = Annotated[str | None, typer.Option(help="Comma-separated Slack user IDs")]
Channel = Annotated[str | None, typer.Option(help="Survey the people in this channel (ID)")]
Usergroup = Annotated[
    str | None, typer.Option(help="Survey the members of this Slack user group (ID, S…)")
]
PostIn = Annotated[
    str | None,
    typer.Option(
        "--post-in",
        help="Instead of DMs, post once in this (shared) channel: each person who answers "
        "counts once. Needs --remind-after-hours 0.",
    ),
]
Customers = Annotated[
    bool, typer.Option("--customers", help="Survey imported customers (`customers import`)")
]
Segment = Annotated[
    list[str] | None,
    typer.Option(help="With --customers: attribute=value filters, e.g. plan=enterprise"),
]


def _audience(
    users: str | None,
    channel: str | None,
    customers: bool,
    segment: list[str] | None,
    usergroup: str | None = None,
    post_in: str | None = None,
) -> Audience | None:
    """The audience the options describe; None when none of them was given."""
    from bot.core.errors import UserFacingError
    from bot.pulses.audience import Audience, parse_segment
    from bot.pulses.definition import parse_user_ids

    if segment and not customers:
        raise UserFacingError("--segment filters imported customers: add --customers")
    if users is None and channel is None and not customers and usergroup is None \
            and post_in is None:
        return None
    return Audience(
        users=parse_user_ids(users) if users else [],
        channel=channel,
        segment=parse_segment(segment or []) if customers else None,
        usergroup=usergroup,
        post_channel=post_in,
    )


@app.command("create")
def create(
    name: Annotated[str, typer.Argument(help="A short unique name, e.g. q4-nps")],
    metric: Annotated[
        PulseMetric,
        typer.Option(help="nps (0–10), csat (1–5), or both in one message (NPS first)"),
    ],
    users: Users = None,
    channel: Channel = None,
    customers: Customers = False,
    segment: Segment = None,
    usergroup: Usergroup = None,
    post_in: PostIn = None,
    question: Annotated[str | None, typer.Option(help="Your own wording")] = None,
    csat_question: Annotated[
        str | None, typer.Option(help="With --metric both: your own CSAT question")
    ] = None,
    follow_up: Annotated[str | None, typer.Option(help="The comment modal's question")] = None,
    schedule: Schedule = None,
    timezone: TimeZone = None,
    min_interval_days: MinInterval = None,
    remind_after_hours: RemindAfter = 48,
    close_after_days: Annotated[int, typer.Option(help="Days before the wave closes")] = 7,
    anonymous: Annotated[
        bool, typer.Option("--anonymous", help="Store answers with no link to who gave them")
    ] = False,
    local_time: LocalTime = None,
    team: Team = None,
) -> None:
    """Define a pulse: who receives it (checked with Slack first), what it asks, and when."""
    from bot.pulses.audience import Audience
    from bot.pulses.definition import define_pulse, validate_policy

    here = in_workspace(team)
    client, services = here.client, here.services
    with user_errors():
        audience = (
            _audience(users, channel, customers, segment, usergroup, post_in) or Audience()
        )
        policy = validate_policy(
            metric=metric,
            schedule=schedule,
            timezone=timezone or "UTC",
            min_interval_days=min_interval_days,
            remind_after_hours=remind_after_hours,
            close_after_days=close_after_days,
            local_time=local_time,
        )
        define_pulse(
            services,
            client,
            name=name,
            metric=metric,
            audience=audience,
            question=question,
            follow_up=follow_up,
            policy=policy,
            anonymous=anonymous,
            csat_question=csat_question,
        )
    when = (
        f"; next wave {_next(policy.schedule, policy.timezone, services)}"
        if policy.schedule
        else "; send it with `pulse send`"
    )
    typer.echo(
        f"Pulse {name!r} created: {metric.value.upper()} for {audience.describe()}{when}."
    )


def _next(schedule: str | None, timezone: str, services: Services) -> str:
    from bot.pulses.schedule import next_fire_time

    fire = next_fire_time(schedule or "", timezone, now=services.clock()) if schedule else None
    return "never" if fire is None else f"{fire:%Y-%m-%d %H:%M} UTC"


@app.command("edit")
def edit(
    name: Annotated[str, typer.Argument(help="The pulse to change")],
    users: Users = None,
    channel: Channel = None,
    customers: Customers = False,
    segment: Segment = None,
    usergroup: Usergroup = None,
    post_in: PostIn = None,
    question: Annotated[str | None, typer.Option()] = None,
    follow_up: Annotated[str | None, typer.Option()] = None,
    schedule: Schedule = None,
    timezone: TimeZone = None,
    min_interval_days: MinInterval = None,
    remind_after_hours: RemindAfter = None,
    close_after_days: CloseAfter = None,
    local_time: LocalTime = None,
    team: Team = None,
) -> None:
    """Change a pulse; settings not given stay as they are. `--schedule ''` removes it.

    Any of --users, --channel, --usergroup, --customers and --post-in replaces the whole
    audience."""
    from bot.pulses.definition import PulseChanges, edit_pulse

    here = in_workspace(team)
    with user_errors():
        edit_pulse(
            here.services,
            here.client,
            team_id=here.team_id,
            name=name,
            changes=PulseChanges(
                question=question,
                follow_up=follow_up,
                audience=_audience(users, channel, customers, segment, usergroup, post_in),
                schedule=schedule,
                timezone=timezone,
                min_interval_days=min_interval_days,
                remind_after_hours=remind_after_hours,
                close_after_days=close_after_days,
                local_time=local_time,
            ),
        )
    typer.echo(f"Pulse {name!r} updated.")


def _set_status(name: str, status: PulseStatus, done: str, team: str | None) -> None:
    from bot.pulses.definition import set_pulse_status

    here = in_workspace(team)
    with user_errors():
        set_pulse_status(here.services, team_id=here.team_id, name=name, status=status)
    typer.echo(f"Pulse {name!r} {done}.")


@app.command("pause")
def pause(name: Annotated[str, typer.Argument()], team: Team = None) -> None:
    """Stop scheduling new waves (open waves still collect answers)."""
    from storage.models import PulseStatus

    _set_status(name, PulseStatus.PAUSED, "paused", team)


@app.command("resume")
def resume(name: Annotated[str, typer.Argument()], team: Team = None) -> None:
    """Schedule it again."""
    from storage.models import PulseStatus

    _set_status(name, PulseStatus.ACTIVE, "resumed", team)


@app.command("delete")
def delete(
    name: Annotated[str, typer.Argument()],
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask")] = False,
    team: Team = None,
) -> None:
    """Remove the pulse; the answers it collected stay in the reports."""
    from storage.models import PulseStatus

    if not yes and not typer.confirm(f"Delete pulse {name!r}?"):
        raise typer.Abort
    _set_status(name, PulseStatus.DELETED, "deleted (its answers stay in the reports)", team)


@app.command("send")
def send(
    name: Annotated[str, typer.Argument(help="The pulse to send")],
    wave: Annotated[
        datetime | None,
        typer.Option(help="Which wave (UTC); default today's, so a re-run resumes it"),
    ] = None,
    team: Team = None,
) -> None:
    """Send one wave now. Running it again for the same wave messages nobody twice."""
    from bot.pulses.sending import send_wave
    from bot.pulses.waves import manual_wave_time, open_pulse_wave

    here = in_workspace(team)
    services, client = here.services, here.client
    with user_errors():
        scheduled_for = manual_wave_time(services.clock()) if wave is None else _as_utc(wave)
        opened = open_pulse_wave(
            services,
            name=name,
            team_id=here.team_id,
            scheduled_for=scheduled_for,
            client=client,
        )

    def waiting(current: WaveStatus, seconds: float) -> None:
        lines = current.held_lines()
        if lines:  # nothing to say of a retry falling due this very moment
            typer.echo(f"Waiting {seconds:.0f} s for the rest of the wave:")
            for line in lines:
                typer.echo(line)

    summary, status = send_wave(services, client, wave_id=opened.wave_id, team_id=here.team_id,
                                on_wait=waiting)
    skipped = []
    if opened.opted_out:
        skipped.append(f"{opened.opted_out} opted out")
    if opened.fatigued:
        skipped.append(f"{opened.fatigued} surveyed recently")
    typer.echo(
        f"Wave {opened.wave_id} of {name!r}: sent {summary.sent} now; {status.line()}"
        + (f"; skipped {', '.join(skipped)}" if skipped else "")
    )
    for reason, count in sorted(summary.failed.items()):
        typer.echo(f"  failed: {count} x {reason}")
    for line in status.held_lines():
        typer.echo(line)


def _as_utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


@app.command("list")
def list_all() -> None:
    """List the pulses."""
    from bot.pulses.audience import audience_of
    from bot.pulses.schedule import schedule_text
    from storage.engine import session_scope
    from storage.pulses import list_pulses

    services = services_or_fail(settings_or_fail())
    with session_scope(services.engine) as session:
        pulses = list_pulses(session=session)
    if not pulses:
        raise CliFailure(
            "No pulses yet: `python -m bot pulse create NAME --metric nps --users ...`"
        )
    for pulse in pulses:
        when = (f"{schedule_text(pulse.schedule)} ({pulse.timezone})" if pulse.schedule
                else "by hand")
        people = audience_of(pulse).describe() + (" (anonymous)" if pulse.anonymous else "")
        typer.echo(f"{pulse.name}\t{pulse.metric.upper()}\t{people}\t{pulse.status}\t{when}")


@app.command("status")
def status(
    name: Annotated[str, typer.Argument()],
    watch: Annotated[bool, typer.Option(help="Show progress until nothing is pending")] = False,
) -> None:
    """The latest wave: sent, pending, failed (why), answered, response rate; who is sending
    what is pending, and when what a stopped sender held will be settled."""
    from bot.pulses.status import wave_status

    services = services_or_fail(settings_or_fail())
    with user_errors():
        current = wave_status(services, pulse_name=name)
    if watch and current.pending:
        current = _watch(services, current)
    typer.echo(current.report())


def _watch(services: Services, current: WaveStatus) -> WaveStatus:
    from bot.pulses.status import wave_status

    with Progress(
        TextColumn("Wave going out"), BarColumn(), MofNCompleteColumn(), console=Console()
    ) as progress:
        task = progress.add_task("send", total=current.total, completed=current.done)
        while current.pending:
            time.sleep(1)  # another process is sending; this only watches the table
            current = wave_status(services, wave_id=current.wave_id)
            progress.update(task, completed=current.done)
    return current
