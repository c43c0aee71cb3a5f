"""Modal submissions: the optional comment."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot import ids
from bot.admin import require_admin
from bot.answers import InvalidComment, add_comment
from bot.errors import UserFacingError
from bot.followups.alerts import publish_alert
from bot.listeners.payload import who_clicked
from bot.pulses.definition import InvalidField
from bot.pulses.form import create_from_form, field_errors, read_form
from bot.services import Services
from bot.views.pulse import pulse_message

UNREADABLE = "This form could not be read. Please close it and try again."


def _submitted_comment(view: dict[str, Any]) -> tuple[int, str]:
    """(delivery id, text) from the submission; ValueError for a garbled or forged payload."""
    try:
        value = view["state"]["values"][ids.COMMENT_BLOCK][ids.COMMENT_INPUT].get("value")
        return ids.record_id(view["private_metadata"]), str(value or "")
    except (KeyError, TypeError, AttributeError, ValueError) as exc:
        raise ValueError(UNREADABLE) from exc


def register(app: App, services: Services) -> None:
    @app.view(ids.NEW_PULSE_MODAL)
    def create_pulse_from_modal(
        ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient
    ) -> None:
        _, user_id = who_clicked(body)
        state = view.get("state")
        values = (state.get("values") if isinstance(state, dict) else None) or {}
        try:
            require_admin(services, client, user_id=user_id)
            form = read_form(values if isinstance(values, dict) else {})
            create_from_form(services, client, form)
        except InvalidField as problem:
            ack(response_action="errors", errors=field_errors(problem))
            return
        except UserFacingError as problem:
            on_name = ids.PULSE_FIELD_BLOCKS["name"]
            ack(response_action="errors", errors={on_name: str(problem)[:150]})
            return
        ack()
        client.chat_postMessage(
            channel=user_id,
            text=f"Pulse “{form.name}” is ready. `/engagement pulse send {form.name}` sends it now"
            + (f"; it also goes out on schedule ({form.schedule})." if form.schedule else "."),
        )

    @app.view(ids.COMMENT_MODAL)
    def store_comment(
        ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient
    ) -> None:
        team_id, user_id = who_clicked(body)
        try:
            delivery_id, text = _submitted_comment(view)
            result = add_comment(
                services,
                team_id=team_id,
                user_id=user_id,
                delivery_id=delivery_id,
                text=text,
            )
        except (InvalidComment, UserFacingError, ValueError) as problem:
            ack(response_action="errors", errors={ids.COMMENT_BLOCK: str(problem)[:150]})
            return
        ack()
        delivery, scores = result.delivery, result.scores
        if delivery.channel_id and delivery.message_ts and scores:
            message = pulse_message(
                delivery_id=delivery.delivery_id,
                metric=delivery.metric,
                question=delivery.question,
                csat_question=delivery.csat_question,
                chosen=scores,
                commented=True,
            )
            client.chat_update(
                channel=delivery.channel_id,
                ts=delivery.message_ts,
                text=message.text,
                blocks=[block.to_dict() for block in message.blocks],
            )
        if result.follow_up_id is not None:
            publish_alert(services, client, follow_up_id=result.follow_up_id)
