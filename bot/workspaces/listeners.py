"""Events API, OAuth mode: app_uninstalled and tokens_revoked end a workspace's installation."""

from __future__ import annotations

from typing import Any

from slack_bolt import App, BoltContext

from bot.core.services import Services
from bot.workspaces.uninstalls import forget_installation, forget_user_tokens


def register(app: App, services: Services) -> None:
    if not services.settings.oauth_enabled:
        return  # one bot token: nothing stored to forget, as before

    @app.event("app_uninstalled")
    def forget_uninstalled_workspace(context: BoltContext) -> None:
        if context.team_id:
            forget_installation(services, team_id=context.team_id,
                                enterprise_id=context.enterprise_id)

    @app.event("tokens_revoked")
    def forget_revoked_tokens(event: dict[str, Any], context: BoltContext) -> None:
        if not context.team_id:
            return
        tokens = event.get("tokens") or {}
        if tokens.get("bot"):
            # The bot token is the only one the app acts with: without it, it is uninstalled.
            forget_installation(services, team_id=context.team_id,
                                enterprise_id=context.enterprise_id)
        elif tokens.get("oauth"):
            forget_user_tokens(services, team_id=context.team_id,
                               user_ids=[str(u) for u in tokens["oauth"]],
                               enterprise_id=context.enterprise_id)
