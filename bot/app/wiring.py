"""The Bolt app, composed once from Services: no module-level app, client or engine."""

from __future__ import annotations

import json
import logging
import os
import traceback
from collections.abc import Callable
from concurrent.futures import Executor, ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path
from typing import Any

import slack_bolt
from slack_bolt import App, BoltRequest, BoltResponse, Respond
from slack_bolt.middleware import Middleware
from slack_sdk import WebClient

from bot.app.listeners import register_listeners
from bot.app.outage import (
    CLICK_NOT_SAVED,
    COMMAND_NOT_ANSWERED,
    form_outage_errors,
    home_with_outage_notice,
)
from bot.core.after_ack import AfterAck
from bot.core.services import Services
from bot.slack.client import PooledWebClient, token_client
from bot.slack.payload import who_clicked
from bot.slack.respond import PooledRespond
from bot.workspaces.installations import oauth_settings
from storage.engine import (
    database_unavailable,
    interactive_engine,
    outage_reason,
    session_scope,
)
from storage.events import first_delivery_of_event

logger = logging.getLogger(__name__)

# Bolt runs every listener on its executor and makes the request wait there for ack(); its
# default has 5 threads. More threads than the server admits requests
# (bot.app.server.MAX_IN_FLIGHT): every admitted request's listener starts at once, while the
# listeners that still call Slack after their ack (a slash command's answer) finish. A click's
# after-ack work has threads of its own (bot.core.after_ack).
LISTENER_THREADS = 40

NOT_INSTALLED = (
    "The Engagement app is not installed in this workspace any more: ask an admin to reinstall "
    "it (Add to Slack), and your pulses and figures pick up where they were."
)


def create_app(
    services: Services, client: WebClient, *, listener_executor: Executor | None = None
) -> App:
    """In OAuth mode (SLACK_CLIENT_ID set) `client` carries no token: Bolt authorizes each
    request from the installation store and hands listeners a client with that workspace's
    token. Otherwise `client` holds the one bot token, exactly as before. Either way listeners
    get a client on `client`'s kept-alive connections (bot.slack.client), one per token.

    `listener_executor` runs each listener (LISTENER_THREADS threads when None), and then what
    listeners leave for after the ack too (else AFTER_ACK_THREADS threads of its own); tests
    pass one they can wait on, to check what a request changed once it has finished."""
    signing_secret = services.settings.require_signing_secret()
    # Someone is waiting on every request: a locked SQLite file fails fast (and they are told
    # to try again) rather than holding the answer past Slack's 3 s.
    services = replace(services, engine=interactive_engine(services.engine))
    app = App(
        client=client,
        signing_secret=signing_secret,
        logger=logging.getLogger("bot.slack"),
        # A request no listener claims is answered 404 quietly instead of raising.
        raise_error_for_unhandled_request=False,
        # bot.app.server checks every HTTP request's signature over its raw bytes before Bolt
        # sees it, and hands Bolt an interaction's payload already decoded (its raw body no
        # longer the signed one); Socket Mode requests carry no signature.
        request_verification_enabled=False,
        listener_executor=listener_executor
        or ThreadPoolExecutor(max_workers=LISTENER_THREADS, thread_name_prefix="bolt-listener"),
        oauth_settings=(oauth_settings(services, client) if services.settings.oauth_enabled
                        else None),
        # OAuth mode: a request from a workspace whose installation is gone (uninstalled).
        user_facing_authorize_error_message=NOT_INSTALLED,
    )
    if ignored := services.settings.ignored_in_oauth_mode():
        logger.warning(
            "%s ignored: they name people or a channel of one workspace, and with OAuth each "
            "workspace sets its own from Slack (/engagement admin add, set staff, set alerts)",
            ", ".join(ignored),
        )
    app.middleware(_ClientOnKeptConnections(client))
    app.middleware(_drop_nul_characters)
    app.middleware(_skip_repeated_events(services))

    @app.error
    def log_listener_error(
        error: Exception, body: dict[str, Any], respond: Respond | None,
        response: BoltResponse | None, client: WebClient,
    ) -> BoltResponse | None:
        if database_unavailable(error):
            return _answer_during_outage(error, body, respond, response, client)
        if _bolt_could_not_read(error):
            # A signed payload Bolt choked on before any listener of ours ran ("view" without
            # its "type", "actions" empty): the payload's fault, not the bot's. One line naming
            # the fault's kind; neither the body nor the message (it may quote a value) is
            # logged, and no traceback.
            logger.warning("refused a signed %s request whose payload is not shaped like "
                           "Slack's (%s in Bolt)", _payload_kind(body), type(error).__name__)
            return BoltResponse(status=400, body="malformed Slack payload")
        logger.exception(
            "listener failed for a %s request from team %s",
            body.get("type") or "slash command",
            body.get("team_id") or who_clicked(body)[0],
            exc_info=error,
        )
        return None

    register_listeners(app, services, AfterAck(listener_executor))
    return app


class _ClientOnKeptConnections(Middleware):
    """Bolt builds a new slack_sdk WebClient for every request (App._init_context), which
    opens a new connection for every call; this hands the listener, once the request is
    authorized, the client kept for its token on `root`'s pooled connections instead, and a
    `respond()` that answers the response_url on those connections too.

    A Middleware subclass rather than a function: Bolt calls it without working out which
    arguments it wants, on every request."""

    def __init__(self, root: WebClient) -> None:
        self._root = root

    def process(self, *, req: BoltRequest, resp: BoltResponse,
                next: Callable[[], BoltResponse]) -> BoltResponse | None:
        token = req.context.client.token if req.context.client is not None else None
        if token:
            req.context["client"] = token_client(self._root, token)
        if isinstance(self._root, PooledWebClient) and self._root.proxy is None:
            # Set before anything asks the context for Bolt's own (it is made on first use).
            req.context["respond"] = PooledRespond(response_url=req.context.response_url,
                                                   connections=self._root.connections)
        return next()


# Where Bolt reads a payload: its request parsing and payload helpers, its listener matchers,
# its built-in middleware and its log messages (which quote parts of it). Its ack, say and
# respond (slack_bolt/context) are left out: an error there is ours to see with its traceback.
_BOLT_PAYLOAD_READERS = tuple(
    str(Path(slack_bolt.__file__).parent / part) + os.sep
    for part in ("request", "listener_matcher", "middleware", "logger")
)


def _bolt_could_not_read(error: Exception) -> bool:
    """A lookup or type error raised inside Bolt's own reading of the payload."""
    if not isinstance(error, (KeyError, IndexError, TypeError, AttributeError)):
        return False
    frames = traceback.extract_tb(error.__traceback__)
    return bool(frames) and frames[-1].filename.startswith(_BOLT_PAYLOAD_READERS)


def _payload_kind(body: Any) -> str:
    kind = body.get("type") if isinstance(body, dict) else None
    return kind[:40] if isinstance(kind, str) else "untyped"


def _without_nul(value: Any) -> Any:
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, list):
        return [_without_nul(item) for item in value]
    if isinstance(value, dict):
        return {key: _without_nul(item) for key, item in value.items()}
    return value


# How a NUL can arrive in a raw body: itself, form-encoded, or JSON-escaped (form-encoded too).
_NUL_SPELLINGS = ("\x00", "%00", "\\u0000", "%5Cu0000", "%5cu0000")


def _drop_nul_characters(
    req: BoltRequest, body: dict[str, Any], next: Callable[[], BoltResponse]
) -> BoltResponse | None:
    """PostgreSQL text cannot hold NUL: a "\x00" in a team id or a comment was a 500 there.

    Slack never sends one in anything that matters, so it is dropped from the whole payload,
    in place, before a listener reads it. Only when the raw body could hold one: copying every
    payload cost each click its share of the CPU, for a character Slack never sends.
    """
    # Over Socket Mode Bolt is handed the payload already parsed, with no raw body to look in.
    raw = req.raw_body if req.mode == "http" else json.dumps(body)
    if any(spelling in raw for spelling in _NUL_SPELLINGS):
        cleaned = _without_nul(body)
        body.clear()
        body.update(cleaned)
    return next()


def _answer_during_outage(
    error: Exception, body: dict[str, Any], respond: Respond | None,
    response: BoltResponse | None, client: WebClient,
) -> BoltResponse | None:
    """The database is unreachable: nothing was stored, so say so plainly instead of letting
    Slack show its generic failure. Answered within the 3 s, as every request is."""
    kind = body.get("type") or ("slash_command" if body.get("command") else "unknown")
    logger.warning("database unavailable while handling a %s request: %s", kind,
                   outage_reason(error))
    if kind == "event_callback":
        # A non-2xx answer makes Slack deliver the event again later, by when we may be back.
        return None
    if kind == "view_submission":
        errors = form_outage_errors(body.get("view") or {})
        if errors is None or response is None:
            return None
        return BoltResponse(status=200, body=json.dumps({"response_action": "errors",
                                                         "errors": errors}),
                            headers={"content-type": "application/json;charset=utf-8"})
    if kind == "slash_command":
        return None if response is None else BoltResponse(status=200, body=COMMAND_NOT_ANSWERED)
    view = body.get("view")
    if kind == "block_actions" and isinstance(view, dict) and view.get("type") == "home":
        _notice_on_home(client, body, view)
    elif respond is not None:
        try:
            respond(text=CLICK_NOT_SAVED, response_type="ephemeral", replace_original=False)
        except Exception:  # Slack unreachable too: the click still gets its 200 below
            logger.warning("could not tell the person their click was not saved")
    # The ack (when not sent yet): a 200 keeps Slack from adding its own warning to the message.
    return None if response is None else BoltResponse(status=200, body="")


def _notice_on_home(client: WebClient, body: dict[str, Any], view: dict[str, Any]) -> None:
    _, user_id = who_clicked(body)
    try:
        client.views_publish(user_id=user_id, view=home_with_outage_notice(view))
    except Exception:  # Slack unreachable too: the click still gets its 200
        logger.warning("could not tell the person their button press was not saved")


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
