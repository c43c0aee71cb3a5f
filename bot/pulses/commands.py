"""Admin subcommands of /engagement: `pulse list | send | pause | resume | delete NAME`."""

from __future__ import annotations

from slack_sdk import WebClient
from slack_sdk.models.blocks import MarkdownTextObject, SectionBlock

from bot.core.services import Services
from bot.core.text import escape_mrkdwn, plural
from bot.pulses.admin_blocks import PulseRow, pulse_list_message
from bot.pulses.audience import audience_of
from bot.pulses.definition import set_pulse_status
from bot.pulses.grammar import PulseAction, PulseCommand
from bot.pulses.waves import manual_wave_time, open_pulse_wave
from bot.slack.message import ReportMessage
from storage.engine import session_scope
from storage.models import PulseStatus
from storage.pulses import list_pulses

STATUS_FOR = {
    PulseAction.PAUSE: (PulseStatus.PAUSED, "paused: no new waves until it is resumed"),
    PulseAction.RESUME: (PulseStatus.ACTIVE, "resumed"),
    PulseAction.DELETE: (PulseStatus.DELETED, "deleted; the answers it collected stay"),
}


def _said(text: str) -> ReportMessage:
    return ReportMessage(text=text, blocks=[SectionBlock(text=MarkdownTextObject(text=text))])


def run_pulse_command(
    services: Services, client: WebClient, *, team_id: str, command: PulseCommand
) -> ReportMessage:
    """Everything but `new` (a modal); raises UserFacingError for an unknown pulse."""
    if command.action is PulseAction.LIST:
        with session_scope(services.engine) as session:
            pulses = list_pulses(session=session, team_id=team_id)
            rows = [
                PulseRow(p.name, str(p.metric), audience_of(p).describe(), str(p.status),
                         p.schedule, p.timezone)
                for p in pulses
            ]
        return pulse_list_message(rows)
    name = command.name or ""
    shown = f"*{escape_mrkdwn(name)}*"
    if command.action is PulseAction.SEND:
        opened = open_pulse_wave(
            services, name=name, team_id=team_id, client=client,
            scheduled_for=manual_wave_time(services.clock()),
        )
        if not opened.enqueued:
            return _said(f"Nobody new to survey in today's wave of {shown}.")
        people = plural(opened.enqueued, "person", "people")
        return _said(f"Today's wave of {shown} is going out to {people}.")
    status, done = STATUS_FOR[command.action]
    set_pulse_status(services, team_id=team_id, name=name, status=status)
    return _said(f"Pulse {shown} {done}.")
