"""Consent buttons: "Stop these surveys" on a pulse, and the switch in App Home."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot import ids
from bot.consent import opt_out_from_pulse, set_consent
from bot.engagement_answers import home_for
from bot.errors import UnknownSurvey, UserFacingError
from bot.listeners.events import publish_home
from bot.listeners.payload import tell_privately, who_clicked
from bot.services import Services
from bot.views.pulse import opted_out_message


def register(app: App, services: Services) -> None:
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
            opt_out_from_pulse(services, team_id=team_id, user_id=user_id, delivery_id=delivery_id)
        except UserFacingError as refusal:
            ack()
            tell_privately(respond, body, str(refusal))
            return
        ack()
        container = body.get("container") or {}
        message = opted_out_message()
        client.chat_update(
            channel=str(container.get("channel_id")),
            ts=str(container.get("message_ts")),
            text=message.text,
            blocks=[block.to_dict() for block in message.blocks],
        )

    def switch(opted_out: bool) -> Any:
        def switch_surveys(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
            team_id, user_id = who_clicked(body)
            if not user_id:
                ack()
                return  # a payload that names nobody: there is no one to switch
            # Stored before the ack, as a score is: a failure then reaches the error handler
            # before Slack has its answer, so the person is told (bot.app) rather than Bolt
            # racing an ack already sent against the failure that followed it.
            set_consent(services, team_id=team_id, user_id=user_id, opted_out=opted_out)
            ack()
            publish_home(client, user_id=user_id,
                         view=home_for(services, team_id=team_id, user_id=user_id))

        return switch_surveys

    app.action(ids.HOME_OPT_OUT_ACTION)(switch(True))
    app.action(ids.HOME_OPT_IN_ACTION)(switch(False))
