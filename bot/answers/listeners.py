"""A customer's clicks on a pulse: a score, "Add a comment" and its modal, "Stop these surveys"."""

from __future__ import annotations

from logging import Logger
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.answers.comment_modal import comment_modal
from bot.answers.opt_out import opt_out_from_pulse
from bot.answers.recording import InvalidComment, add_comment, comment_target, record_answer
from bot.core import ids
from bot.core.after_ack import AfterAck
from bot.core.errors import UnknownSurvey, UserFacingError
from bot.core.services import Services
from bot.followups.alerts import publish_alert
from bot.pulses.blocks import (
    RenderedMessage,
    opted_out_message,
    parse_score_value,
    render_answered_pulse,
    rendered,
)
from bot.slack.payload import tell_privately, who_clicked
from storage.responses import ScoreOutcome

UNREADABLE = "This form could not be read. Please close it and try again."


def _submitted_comment(view: dict[str, Any]) -> tuple[int, str]:
    """(delivery id, text) from the submission; ValueError for a garbled or forged payload."""
    try:
        value = view["state"]["values"][ids.COMMENT_BLOCK][ids.COMMENT_INPUT].get("value")
        return ids.record_id(view["private_metadata"]), str(value or "")
    except (KeyError, TypeError, AttributeError, ValueError) as exc:
        raise ValueError(UNREADABLE) from exc


def show_to_clicker(
    message: RenderedMessage, body: dict[str, Any], client: WebClient, respond: Respond, *,
    shared: bool, channel_id: str | None = None, ts: str | None = None,
) -> None:
    """Show the pulse's new state to the person who clicked: their DM is edited; a channel
    post is shared, so they get it privately and the post stays as it is for everyone else."""
    container = body.get("container") or {}
    if shared:
        respond(text=message.text, blocks=message.blocks, response_type="ephemeral",
                replace_original=bool(container.get("is_ephemeral")))
        return
    client.chat_update(channel=str(container.get("channel_id") or channel_id),
                       ts=str(container.get("message_ts") or ts), text=message.text,
                       blocks=message.blocks)


def register(app: App, services: Services, after_ack: AfterAck) -> None:
    """The answer is stored before the ack; showing it and alerting run after, on `after_ack`."""

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

        def show_and_alert() -> None:
            show_to_clicker(render_answered_pulse(result.delivery, result.scores), body,
                            client, respond, shared=result.delivery.post_delivery_id is not None,
                            channel_id=result.delivery.channel_id,
                            ts=result.delivery.message_ts)
            if result.delivery.anonymous:
                # Neither the delivery nor the score: together with the line's own time they
                # would say who gave which answer.
                logger.info("anonymous answer %s", result.outcome.value)
            else:
                logger.info("delivery %s answered %s %s (%s)", delivery_id, metric, score,
                            result.outcome.value)
            if result.follow_up_id is not None:
                # The row already exists, so a failed post is left to the sweep.
                publish_alert(services, client, follow_up_id=result.follow_up_id)

        after_ack.run("a score click", show_and_alert)

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

        def show_and_alert() -> None:
            if delivery.channel_id and delivery.message_ts and scores:
                message = render_answered_pulse(delivery, scores, commented=True)
                client.chat_update(channel=delivery.channel_id, ts=delivery.message_ts,
                                   text=message.text, blocks=message.blocks)
            if result.follow_up_id is not None:
                publish_alert(services, client, follow_up_id=result.follow_up_id)

        after_ack.run("a comment", show_and_alert)

    @app.action(ids.OPT_OUT_ACTION)
    def stop_surveys_from_pulse(
        ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient,
        respond: Respond,
    ) -> None:
        team_id, user_id = who_clicked(body)
        try:
            try:
                delivery_id = ids.record_id(action.get("value"))
            except ValueError:
                raise UnknownSurvey from None
            opted_out = opt_out_from_pulse(services, team_id=team_id, user_id=user_id,
                                           delivery_id=delivery_id)
        except UserFacingError as refusal:
            ack()
            tell_privately(respond, body, str(refusal))
            return
        ack()
        after_ack.run("an opt-out", lambda: show_to_clicker(
            rendered(opted_out_message()), body, client, respond, shared=opted_out.shared))
