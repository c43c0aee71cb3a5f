"""The Bolt app, composed once from Services: no module-level app, client or engine."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import App, BoltResponse
from slack_sdk import WebClient

from bot.installations import oauth_settings
from bot.listeners import register_listeners
from bot.services import Services
from storage.engine import session_scope
from storage.events import first_delivery_of_event

logger = logging.getLogger(__name__)

NOT_INSTALLED = (
    "The Engagement app is not installed in this workspace any more: ask an admin to reinstall "
    "it (Add to Slack), and your pulses and figures pick up where they were."
)


def create_app(services: Services, client: WebClient) -> App:
    """In OAuth mode (SLACK_CLIENT_ID set) `client` carries no token: Bolt authorizes each
    request from the installation store and hands listeners a client with that workspace's
    token. Otherwise `client` holds the one bot token, exactly as before."""
    signing_secret = services.settings.require_signing_secret()
    app = App(
        client=client,
        signing_secret=signing_secret,
        logger=logging.getLogger("bot.slack"),
        # A request no listener claims is answered 404 quietly instead of raising.
        raise_error_for_unhandled_request=False,
        oauth_settings=(oauth_settings(services, client) if services.settings.oauth_enabled
                        else None),
        # OAuth mode: a request from a workspace whose installation is gone (uninstalled).
        user_facing_authorize_error_message=NOT_INSTALLED,
    )
    app.middleware(_skip_repeated_events(services))

    @app.error
    def log_listener_error(error: Exception, body: dict[str, Any]) -> None:
        logger.exception(
            "listener failed for a %s request from team %s",
            body.get("type") or "slash command",
            body.get("team_id") or (body.get("team") or {}).get("id"),
            exc_info=error,
        )

    register_listeners(app, services)
    return app


def _skip_repeated_events(services: Services) -> Callable[..., BoltResponse | None]:
    """Events API retries carry the same event_id: answer them 200 and do nothing more."""

    def skip_repeated_events(
        body: dict[str, Any], next: Callable[[], BoltResponse]
    ) -> BoltResponse | None:
        event_id = body.get("event_id")
        if body.get("type") != "event_callback" or not event_id:
            return next()
        with session_scope(services.engine) as session:
            first = first_delivery_of_event(
                session=session,
                event_id=str(event_id),
                team_id=body.get("team_id"),
                now=services.clock(),
            )
        if not first:
            logger.info("event %s already handled; Slack retry ignored", event_id)
            return BoltResponse(status=200, body="")
        return next()

    return skip_repeated_events
