"""The Bolt app, composed once from Services: no module-level app, client or engine."""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Executor, ThreadPoolExecutor
from typing import Any

from slack_bolt import App, BoltResponse
from slack_sdk import WebClient

from bot.listeners import register_listeners
from bot.listeners.payload import who_clicked
from bot.services import Services
from storage.engine import session_scope
from storage.events import first_delivery_of_event

logger = logging.getLogger(__name__)

# Bolt runs every listener on its executor and makes the request wait there for ack(); its
# default has 5 threads, shared with what listeners do after the ack (chat.update, alerts). With
# 5, a click waits for its ack behind other clicks' Slack calls. One thread per request the
# server dispatches at once (Starlette's thread pool: 40) lets every listener start at once.
LISTENER_THREADS = 40


def create_app(
    services: Services, client: WebClient, *, listener_executor: Executor | None = None
) -> App:
    """`listener_executor` runs each listener (LISTENER_THREADS threads when None); tests
    pass one they can wait on, to check what a request changed once it has finished."""
    _, signing_secret = services.settings.require_slack()
    app = App(
        client=client,
        signing_secret=signing_secret,
        logger=logging.getLogger("bot.slack"),
        # A request no listener claims is answered 404 quietly instead of raising.
        raise_error_for_unhandled_request=False,
        listener_executor=listener_executor
        or ThreadPoolExecutor(max_workers=LISTENER_THREADS, thread_name_prefix="bolt-listener"),
    )
    app.middleware(_drop_nul_characters)
    app.middleware(_skip_repeated_events(services))

    @app.error
    def log_listener_error(error: Exception, body: dict[str, Any]) -> None:
        logger.exception(
            "listener failed for a %s request from team %s",
            body.get("type") or "slash command",
            body.get("team_id") or who_clicked(body)[0],
            exc_info=error,
        )

    register_listeners(app, services)
    return app


def _without_nul(value: Any) -> Any:
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, list):
        return [_without_nul(item) for item in value]
    if isinstance(value, dict):
        return {key: _without_nul(item) for key, item in value.items()}
    return value


def _drop_nul_characters(
    body: dict[str, Any], next: Callable[[], BoltResponse]
) -> BoltResponse | None:
    """PostgreSQL text cannot hold NUL: a "\x00" in a team id or a comment was a 500 there.

    Slack never sends one in anything that matters, so it is dropped from the whole payload,
    in place, before a listener reads it.
    """
    cleaned = _without_nul(body)
    body.clear()
    body.update(cleaned)
    return next()


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
