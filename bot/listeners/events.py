"""Events API: the App Home."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.models.views import View

from bot.admin import is_admin
from bot.engagement_answers import home_for
from bot.services import Services

logger = logging.getLogger(__name__)


def publish_home(client: WebClient, *, user_id: str, view: View) -> None:
    """Show `view` as user_id's Home; Slack refusing an unknown user is logged, not raised."""
    try:
        client.views_publish(user_id=user_id, view=view)
    except SlackApiError as refused:
        logger.warning("App Home not published for %r: %s", user_id[:20],
                       refused.response.get("error"))


def register(app: App, services: Services) -> None:
    @app.event("app_home_opened")
    def show_home(event: dict[str, Any], body: dict[str, Any], client: WebClient) -> None:
        user_id = event.get("user")
        if event.get("tab", "home") != "home" or not isinstance(user_id, str) or not user_id:
            return
        admin = is_admin(services, client, user_id=user_id)
        view = home_for(
            services, team_id=str(body.get("team_id", "")), user_id=user_id, admin=admin
        )
        publish_home(client, user_id=user_id, view=view)
