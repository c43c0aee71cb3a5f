"""/engagement: parse, answer privately."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App

from bot import ids
from bot.engagement_answers import STAFF_ONLY, answer_engagement, is_staff
from bot.engagement_grammar import UsageError, parse_engagement
from bot.services import Services
from bot.views.report import help_message


def register(app: App, services: Services) -> None:
    @app.command(ids.SLASH_COMMAND)
    def answer_engagement_command(ack: Ack, command: dict[str, Any]) -> None:
        team_id, user_id = str(command.get("team_id", "")), str(command.get("user_id", ""))
        if not is_staff(services, team_id=team_id, user_id=user_id):
            ack(response_type="ephemeral", text=STAFF_ONLY)
            return
        try:
            query = parse_engagement(str(command.get("text") or ""))
        except UsageError as mistake:
            message = help_message(mistake=mistake.mistake, problem=str(mistake))
        else:
            message = answer_engagement(services, team_id=team_id, query=query)
        ack(
            response_type="ephemeral",
            text=message.text,
            blocks=[block.to_dict() for block in message.blocks],
        )
