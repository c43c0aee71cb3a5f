"""/engagement: parse, answer privately; admin subcommands manage pulses."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot import ids
from bot.admin import require_admin
from bot.digests.commands import run_digest_command
from bot.engagement_answers import STAFF_ONLY, answer_engagement, is_staff
from bot.engagement_grammar import (
    DigestCommand,
    PulseAction,
    PulseCommand,
    UsageError,
    parse_engagement,
)
from bot.errors import UserFacingError
from bot.pulses.commands import run_pulse_command
from bot.services import Services
from bot.settings_commands import run_settings_command
from bot.settings_grammar import SETTINGS_COMMANDS
from bot.views.pulse_admin import new_pulse_modal
from bot.views.report import ReportMessage, help_message
from bot.views.text import escape_mrkdwn


def register(app: App, services: Services) -> None:
    @app.command(ids.SLASH_COMMAND)
    def answer_engagement_command(ack: Ack, command: dict[str, Any], client: WebClient) -> None:
        team_id, user_id = str(command.get("team_id", "")), str(command.get("user_id", ""))
        try:
            query = parse_engagement(str(command.get("text") or ""))
        except UsageError as mistake:
            query = None
            message = help_message(mistake=mistake.mistake, problem=str(mistake))
        if isinstance(query, PulseCommand):
            try:
                require_admin(services, client, user_id=user_id)
                if query.action is PulseAction.NEW:
                    ack()
                    client.views_open(
                        trigger_id=str(command.get("trigger_id", "")),
                        view=new_pulse_modal(timezone="UTC"),
                    )
                    return
                message = run_pulse_command(services, client, team_id=team_id, command=query)
            except UserFacingError as refusal:
                message = _refused(refusal)
        elif isinstance(query, DigestCommand):
            try:
                require_admin(services, client, user_id=user_id, what="manage digests")
                message = run_digest_command(
                    services, client, team_id=team_id, user_id=user_id,
                    channel_id=str(command.get("channel_id", "")), command=query,
                )
            except UserFacingError as refusal:
                message = _refused(refusal)
        elif isinstance(query, SETTINGS_COMMANDS):
            try:
                require_admin(services, client, user_id=user_id,
                              what="change benchmarks, targets and the industry")
                message = run_settings_command(
                    services, team_id=team_id, user_id=user_id, command=query
                )
            except UserFacingError as refusal:
                message = _refused(refusal)
        elif not is_staff(services, team_id=team_id, user_id=user_id):
            ack(response_type="ephemeral", text=STAFF_ONLY)
            return
        elif query is not None:
            message = answer_engagement(services, team_id=team_id, query=query)
            _answer(ack, message, shared=query.share)
            return
        _answer(ack, message)


def _refused(refusal: UserFacingError) -> ReportMessage:
    # Refusals quote what was typed ("No pulse named '<!channel>'"): escaped like any echo.
    return ReportMessage(text=escape_mrkdwn(str(refusal)), blocks=[])


def _answer(ack: Ack, message: ReportMessage, *, shared: bool = False) -> None:
    # Private unless asked to share: figures are posted to the channel only on purpose.
    response_type = "in_channel" if shared else "ephemeral"
    if not message.blocks:
        ack(response_type=response_type, text=message.text)
        return
    ack(
        response_type=response_type,
        text=message.text,
        blocks=[block.to_dict() for block in message.blocks],
    )
