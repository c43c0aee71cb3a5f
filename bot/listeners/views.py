"""Modal submissions: the optional comment."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot import ids
from bot.answers import InvalidComment, add_comment
from bot.errors import UserFacingError
from bot.services import Services
from bot.views.pulse import pulse_message

UNREADABLE = "This form could not be read. Please close it and try again."


def _submitted_comment(view: dict[str, Any]) -> tuple[int, str]:
    """(delivery id, text) from the submission; ValueError for a garbled or forged payload."""
    try:
        value = view["state"]["values"][ids.COMMENT_BLOCK][ids.COMMENT_INPUT].get("value")
        return int(str(view["private_metadata"])), str(value or "")
    except (KeyError, TypeError, AttributeError) as exc:
        raise ValueError(UNREADABLE) from exc


def register(app: App, services: Services) -> None:
    @app.view(ids.COMMENT_MODAL)
    def store_comment(
        ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient
    ) -> None:
        user = body.get("user") or {}
        team_id = str((body.get("team") or {}).get("id") or user.get("team_id") or "")
        try:
            delivery_id, text = _submitted_comment(view)
            delivery, scores = add_comment(
                services,
                team_id=team_id,
                user_id=str(user.get("id") or ""),
                delivery_id=delivery_id,
                text=text,
            )
        except (InvalidComment, UserFacingError, ValueError) as problem:
            ack(response_action="errors", errors={ids.COMMENT_BLOCK: str(problem)[:150]})
            return
        ack()
        if delivery.channel_id and delivery.message_ts and delivery.metric in scores:
            message = pulse_message(
                delivery_id=delivery.delivery_id,
                metric=delivery.metric,
                question=delivery.question,
                chosen=scores[delivery.metric],
                commented=True,
            )
            client.chat_update(
                channel=delivery.channel_id,
                ts=delivery.message_ts,
                text=message.text,
                blocks=[block.to_dict() for block in message.blocks],
            )
