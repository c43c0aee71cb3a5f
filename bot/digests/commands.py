"""Admin subcommands of /engagement: `digest subscribe | list | stop N` in the current channel."""

from __future__ import annotations

from slack_sdk import WebClient
from slack_sdk.models.blocks import MarkdownTextObject, SectionBlock

from bot.core.services import Services
from bot.core.text import escape_mrkdwn
from bot.digests.grammar import DigestAction, DigestCommand
from bot.digests.subscriptions import (
    DigestRequest,
    list_subscriptions,
    parse_cadence,
    subscribe,
    unsubscribe,
)
from bot.slack.message import ReportMessage


def _said(text: str) -> ReportMessage:
    return ReportMessage(text=text, blocks=[SectionBlock(text=MarkdownTextObject(text=text))])


def run_digest_command(
    services: Services, client: WebClient, *, team_id: str, channel_id: str, user_id: str,
    command: DigestCommand,
) -> ReportMessage:
    """Raises UserFacingError for anything wrong; nothing is stored then."""
    if command.action is DigestAction.LIST:
        lines = list_subscriptions(services, team_id=team_id)
        return _said("\n".join(lines) if lines else
                     "No digests yet: `/engagement digest subscribe` in a channel starts one.")
    if command.action is DigestAction.STOP:
        number = command.number or 0
        unsubscribe(services, team_id=team_id, subscription_id=number)
        return _said(f"Digest #{number} stopped.")
    request = DigestRequest(channel_id=channel_id, cadence=parse_cadence(command.cadence),
                            send_time=command.send_time, timezone=command.timezone,
                            pulse=command.pulse, segment=list(command.segment) or None)
    number = subscribe(services, client, team_id=team_id, request=request, created_by=user_id)
    about = (f", about pulse {request.pulse}" if request.pulse
             else f", about customers where {', '.join(request.segment)}" if request.segment
             else "")
    return _said(
        f"Digest #{number}: this channel gets the {request.cadence} digest at "
        f"{escape_mrkdwn(request.send_time)} {escape_mrkdwn(request.timezone)}"
        f"{escape_mrkdwn(about)}."
    )
