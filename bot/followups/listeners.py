"""Buttons on a follow-up alert and their modals: take ownership, reply to customer, resolve."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.core import ids
from bot.core.errors import UserFacingError
from bot.core.services import Services
from bot.followups.alert_blocks import reply_modal, resolve_modal
from bot.followups.alerts import publish_alert
from bot.followups.handling import (
    UNKNOWN,
    check_resolvable,
    reply_target,
    reply_to_customer,
    resolve_follow_up,
    take_ownership,
)
from bot.slack.payload import actor_team, tell_privately, who_clicked


def _follow_up_id(value: object) -> int:
    try:
        return ids.record_id(value)
    except ValueError:
        raise UNKNOWN from None


def _submitted(view: dict[str, Any]) -> tuple[int, str]:
    try:
        block = view["state"]["values"][ids.FOLLOW_UP_TEXT_BLOCK]
        text = str(block[ids.FOLLOW_UP_TEXT_INPUT].get("value") or "")
    except (KeyError, TypeError, AttributeError):
        raise UNKNOWN from None
    return _follow_up_id(view.get("private_metadata")), text


def _team_name(target: object) -> str:
    return str(target[0]) if isinstance(target, tuple) else ""


def register(app: App, services: Services) -> None:
    def refuse(respond: Respond, body: dict[str, Any], refusal: UserFacingError) -> None:
        tell_privately(respond, body, str(refusal))

    @app.action(ids.FOLLOW_UP_OWN_ACTION)
    def own_follow_up(ack: Ack, body: dict[str, Any], action: dict[str, Any],
                      client: WebClient, respond: Respond) -> None:
        team_id, user_id = who_clicked(body)
        try:
            follow_up_id = _follow_up_id(action.get("value"))
            take_ownership(services, client, follow_up_id=follow_up_id, team_id=team_id,
                           user_id=user_id, user_team_id=actor_team(body))
        except UserFacingError as refusal:
            ack()
            refuse(respond, body, refusal)
            return
        # Stored before the ack, as every click is: an acknowledged press is never lost.
        ack()
        publish_alert(services, client, follow_up_id=follow_up_id)

    def modal_opener(check: Callable[..., object],
                     build: Callable[[int, object], Any]) -> Callable[..., None]:
        def open_modal(ack: Ack, body: dict[str, Any], action: dict[str, Any],
                       client: WebClient, respond: Respond) -> None:
            ack()
            team_id, user_id = who_clicked(body)
            try:
                follow_up_id = _follow_up_id(action.get("value"))
                checked = check(services, client, follow_up_id=follow_up_id, team_id=team_id,
                                user_id=user_id, user_team_id=actor_team(body))
            except UserFacingError as refusal:
                refuse(respond, body, refusal)
                return
            client.views_open(trigger_id=str(body.get("trigger_id", "")),
                              view=build(follow_up_id, checked))
        return open_modal

    app.action(ids.FOLLOW_UP_REPLY_ACTION)(modal_opener(
        reply_target, lambda i, target: reply_modal(follow_up_id=i, team_name=_team_name(target))))
    app.action(ids.FOLLOW_UP_RESOLVE_ACTION)(modal_opener(
        check_resolvable, lambda i, _: resolve_modal(follow_up_id=i)))

    def modal_submission(act: Callable[..., None]) -> Any:
        """A reply or resolve form: done before the ack, so a refusal is shown beside the text
        to correct or retry; the alert is brought up to date after."""
        def submit(ack: Ack, body: dict[str, Any], view: dict[str, Any],
                   client: WebClient) -> None:
            team_id, user_id = who_clicked(body)
            try:
                follow_up_id, text = _submitted(view)
                act(services, client, follow_up_id=follow_up_id, team_id=team_id,
                    user_id=user_id, text=text, user_team_id=actor_team(body))
            except UserFacingError as problem:
                ack(response_action="errors",
                    errors={ids.FOLLOW_UP_TEXT_BLOCK: str(problem)[:150]})
                return
            ack()
            publish_alert(services, client, follow_up_id=follow_up_id)
        return submit

    app.view(ids.FOLLOW_UP_REPLY_MODAL)(modal_submission(reply_to_customer))
    app.view(ids.FOLLOW_UP_RESOLVE_MODAL)(modal_submission(
        lambda *args, text, **kwargs: resolve_follow_up(*args, note=text, **kwargs)))
