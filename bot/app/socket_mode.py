"""Socket Mode: the same Bolt app, reached over a WebSocket that Slack hands out (no public URL).

slack_sdk's built-in client asks `apps.connections.open` (with the app-level token) for a URL,
acknowledges each envelope with the ack the listener gave, and opens a new connection when
Slack says `disconnect` or the socket closes. Everything the HTTP server does after reading a
request (Bolt, the listeners, the outage answers) is the same; what the ASGI wrapper adds (the
in-flight limit, /healthz, body limits) has no counterpart here.
"""

from __future__ import annotations

import logging
import signal
import threading
from types import FrameType

from slack_bolt import App
from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_sdk.errors import SlackApiError

from bot.core.errors import UserFacingError

logger = logging.getLogger(__name__)

# How often the client pings Slack (Bolt's default). A connection lost without a close frame
# is only noticed by these pings failing, five in a row.
PING_SECONDS = 10.0


class SocketModeRefused(UserFacingError):
    """Slack would not open a Socket Mode connection with the app-level token."""


def connect(app: App, app_token: str, *, ping_interval: float = PING_SECONDS) -> SocketModeHandler:
    """A connected handler; Slack refusing the token is one clear line, not a traceback."""
    handler = SocketModeHandler(app, app_token, ping_interval=ping_interval)
    client = handler.client

    def reconnect_at_once(code: int, _reason: str | None) -> None:
        # The client's own reconnect on a close frame does nothing while the closing socket
        # still counts as connected, which it does until after these listeners: left to its
        # monitor, the bot stayed deaf for a whole ping interval.
        if client.auto_reconnect_enabled and not client.closed:
            logger.info("Slack closed the Socket Mode connection (code %s): reconnecting", code)
            client.connect_to_new_endpoint(force=True)

    client.on_close_listeners.append(reconnect_at_once)
    try:
        handler.connect()  # type: ignore[no-untyped-call]
    except SlackApiError as exc:
        handler.close()  # type: ignore[no-untyped-call]
        error = exc.response.get("error") if isinstance(exc.response.data, dict) else None
        raise SocketModeRefused(
            f"Slack refused Socket Mode ({error or 'no reason given'}): SLACK_APP_TOKEN must "
            "be an app-level token (xapp-…) with connections:write, and Socket Mode must be "
            "on in the app's settings"
        ) from None
    return handler


def serve_until_stopped(handler: SocketModeHandler) -> None:
    """Serve until SIGTERM or SIGINT, then close the connection and return, so the caller
    stops its worker as it does after the HTTP server. Main thread only (signal handlers)."""
    stopping = threading.Event()

    def stop(signum: int, _frame: FrameType | None) -> None:
        logger.info("%s: closing the Socket Mode connection", signal.Signals(signum).name)
        stopping.set()

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    logger.info("connected to Slack in Socket Mode")
    try:
        stopping.wait()
    finally:
        for sig, before in previous.items():
            signal.signal(sig, before)
        handler.close()  # type: ignore[no-untyped-call]
