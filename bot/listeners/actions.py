"""Buttons on a pulse: a score click, and "Add a comment"."""

from __future__ import annotations

from logging import Logger
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot import ids
from bot.admin import is_admin
from bot.answers import comment_target, record_answer
from bot.errors import UnknownSurvey, UserFacingError
from bot.followups.alerts import publish_alert
from bot.listeners.payload import tell_privately, who_clicked
from bot.services import Services
from bot.views.comment_modal import comment_modal
from bot.views.pulse import parse_score_value, pulse_message
from bot.views.pulse_admin import new_pulse_modal
from storage.responses import ScoreOutcome


def register(app: App, services: Services) -> None:
    @app.action(ids.NEW_PULSE_ACTION)
    def open_new_pulse_modal(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        ack()
        _, user_id = who_clicked(body)
        # The button is only shown to admins; a forged click from anyone else opens nothing.
        if is_admin(services, client, user_id=user_id):
            client.views_open(
                trigger_id=str(body.get("trigger_id", "")), view=new_pulse_modal(timezone="UTC")
            )

    @app.action(ids.SCORE_ACTION)
    def record_score_click(
        ack: Ack,
        body: dict[str, Any],
        action: dict[str, Any],
        client: WebClient,
        respond: Respond,
        logger: Logger,
    ) -> None:
        team_id, user_id = who_clicked(body)
        try:
            try:
                delivery_id, metric, score = parse_score_value(str(action.get("value", "")))
            except ValueError:
                raise UnknownSurvey from None
            result = record_answer(
                services,
                team_id=team_id,
                user_id=user_id,
                delivery_id=delivery_id,
                metric=metric,
                score=score,
                action_ts=str(action.get("action_ts") or ""),
            )
        except UserFacingError as refusal:
            ack()
            tell_privately(respond, body, str(refusal))
            return
        # The answer is stored before the ack: a click Slack saw acknowledged is never lost.
        ack()
        if result.outcome is ScoreOutcome.STALE:
            return
        container = body.get("container") or {}
        message = pulse_message(
            delivery_id=result.delivery.delivery_id,
            metric=result.delivery.metric,
            question=result.delivery.question,
            csat_question=result.delivery.csat_question,
            chosen=result.scores,
        )
        if result.delivery.post_delivery_id is not None:
            # A channel post is shared: the answer is shown to the person who gave it only.
            respond(
                text=message.text,
                blocks=[block.to_dict() for block in message.blocks],
                response_type="ephemeral",
                replace_original=bool(container.get("is_ephemeral")),
            )
        else:
            client.chat_update(
                channel=str(container.get("channel_id") or result.delivery.channel_id),
                ts=str(container.get("message_ts") or result.delivery.message_ts),
                text=message.text,
                blocks=[block.to_dict() for block in message.blocks],
            )
        logger.info("delivery %s answered %s %s (%s)", delivery_id, metric, score,
                    result.outcome.value)
        if result.follow_up_id is not None:
            # After the ack: the row already exists, so a failed post is left to the sweep.
            publish_alert(services, client, follow_up_id=result.follow_up_id)

    @app.action(ids.COMMENT_ACTION)
    def open_comment_modal(
        ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, respond: Respond
    ) -> None:
        ack()
        team_id, user_id = who_clicked(body)
        try:
            delivery_id = ids.record_id(action.get("value"))
            delivery, current = comment_target(
                services, team_id=team_id, user_id=user_id, delivery_id=delivery_id
            )
        except ValueError:
            tell_privately(respond, body, str(UnknownSurvey()))
            return
        except UserFacingError as refusal:
            tell_privately(respond, body, str(refusal))
            return
        client.views_open(
            trigger_id=str(body.get("trigger_id", "")),
            view=comment_modal(
                delivery_id=delivery.delivery_id, follow_up=delivery.follow_up, current=current
            ),
        )
