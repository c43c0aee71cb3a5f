"""The App Home: publishing it when opened, and its survey on/off switch."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.core import ids
from bot.core.services import Services
from bot.home.view import home_for, publish_home
from bot.privacy.consent import set_consent
from bot.slack.payload import actor_team, who_clicked
from bot.workspaces.access import access_of


def register(app: App, services: Services) -> None:
    @app.event("app_home_opened")
    def show_home(event: dict[str, Any], body: dict[str, Any], client: WebClient) -> None:
        user_id = event.get("user")
        if event.get("tab", "home") != "home" or not isinstance(user_id, str) or not user_id:
            return
        team_id = str(body.get("team_id", ""))
        access = access_of(services, client, team_id=team_id, user_id=user_id)
        view = home_for(services, team_id=team_id, user_id=user_id, access=access)
        publish_home(client, user_id=user_id, view=view)

    def switch(opted_out: bool) -> Any:
        def switch_surveys(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
            team_id, user_id = who_clicked(body)
            if not user_id:
                ack()
                return  # a payload that names nobody: there is no one to switch
            # Stored before the ack, as a score is: a failure then reaches the error handler
            # before Slack has its answer, so the person is told (bot.app.wiring) rather than Bolt
            # racing an ack already sent against the failure that followed it.
            set_consent(services, team_id=team_id, user_id=user_id, opted_out=opted_out)
            ack()
            access = access_of(services, client, team_id=team_id, user_id=user_id,
                               user_team_id=actor_team(body))
            publish_home(client, user_id=user_id,
                         view=home_for(services, team_id=team_id, user_id=user_id,
                                       access=access))

        return switch_surveys

    app.action(ids.HOME_OPT_OUT_ACTION)(switch(True))
    app.action(ids.HOME_OPT_IN_ACTION)(switch(False))
