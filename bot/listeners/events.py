"""Events API: the App Home."""

from __future__ import annotations

from typing import Any

from slack_bolt import App
from slack_sdk import WebClient

from bot.admin import is_admin
from bot.engagement_answers import home_for
from bot.services import Services


def register(app: App, services: Services) -> None:
    @app.event("app_home_opened")
    def publish_home(event: dict[str, Any], body: dict[str, Any], client: WebClient) -> None:
        if event.get("tab", "home") != "home":
            return
        user_id = str(event.get("user", ""))
        admin = is_admin(services, client, user_id=user_id)
        view = home_for(
            services, team_id=str(body.get("team_id", "")), user_id=user_id, admin=admin
        )
        client.views_publish(user_id=user_id, view=view)
