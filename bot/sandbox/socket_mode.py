"""Slack's end of Socket Mode, for the sandbox: WebSocket connections, envelopes and their acks.

`apps.connections.open` (answered by SlackSandbox with the app-level token) hands out a one-use
ws:// URL on this server. On connecting, the app gets `hello`; then, as Slack does, each event,
interaction or slash command arrives as an envelope
`{"envelope_id", "type", "payload", "accepts_response_payload"}` that the app acknowledges by
sending `{"envelope_id", "payload"?}` back. Acks are recorded; an event nobody acknowledged within
`ack_seconds` is delivered again (retry_attempt 1 to 3, retry_reason "timeout"), as Slack retries
the Events API, while an unacknowledged interaction or command is not (Slack shows the person an
error instead). `refresh` sends `disconnect` as Slack does before it recycles a connection.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qs, urlsplit

from websockets.exceptions import ConnectionClosed
from websockets.http11 import Request, Response
from websockets.sync.server import Server, ServerConnection, serve

# Slack waits this long for an envelope's ack before it counts the delivery as failed.
ACK_SECONDS = 3.0
# Slack retries an unacknowledged event this many times (the Events API's rule).
EVENT_RETRIES = 3
# Envelope types that carry an answer the app may put in its ack: a slash command's reply, a
# modal's response_action, a select's options.
ANSWERABLE = {"slash_commands"}
ANSWERABLE_INTERACTIONS = {"view_submission", "block_suggestion"}


@dataclass(frozen=True)
class Envelope:
    """One envelope as sent; `first` is the envelope_id of the original delivery it retries."""

    envelope_id: str
    type: str  # events_api, interactive or slash_commands
    payload: dict[str, Any]
    accepts_response_payload: bool
    connection: int
    sent_at: float  # time.monotonic()
    retry_attempt: int | None = None
    retry_reason: str | None = None
    first: str = ""

    def message(self) -> dict[str, Any]:
        sent: dict[str, Any] = {"envelope_id": self.envelope_id, "payload": self.payload,
                                "type": self.type,
                                "accepts_response_payload": self.accepts_response_payload}
        if self.type == "events_api":
            sent |= {"retry_attempt": self.retry_attempt or 0,
                     "retry_reason": self.retry_reason or ""}
        return sent


@dataclass(frozen=True)
class Ack:
    """What the app sent back for an envelope; `payload` is None when it sent none."""

    envelope_id: str
    payload: dict[str, Any] | None
    connection: int
    at: float  # time.monotonic()


@dataclass
class Connection:
    """One WebSocket the app opened; `draining` once told to reconnect (nothing new is sent)."""

    number: int
    opened_at: float
    socket: ServerConnection = field(repr=False)
    closed_at: float | None = None
    close_code: int | None = None
    greeted: bool = False  # hello sent: envelopes may follow
    draining: bool = False

    @property
    def open(self) -> bool:
        return self.closed_at is None


class SocketModeServer:
    """The WebSocket half of the sandbox's Socket Mode; SlackSandbox owns and starts it."""

    def __init__(self, *, app_id: str, host: str = "127.0.0.1") -> None:
        self.app_id = app_id
        self.ack_seconds = ACK_SECONDS
        self._host = host
        self._server: Server | None = None
        self._thread: threading.Thread | None = None
        self._changed = threading.Condition()
        self._tickets: set[str] = set()
        self._connections: list[Connection] = []
        self._envelopes: list[Envelope] = []
        self._acks: list[Ack] = []
        self._lost: list[Ack] = []  # acks the app sent that lose_acks kept from Slack
        self._strays: list[str] = []  # messages from the app that are not acks
        self._acks_to_lose = 0
        self._timers: set[threading.Timer] = set()
        self._numbers = itertools.count(1)

    # -- lifecycle -------------------------------------------------------------------------

    def start(self) -> SocketModeServer:
        self._server = serve(self._serve, self._host, 0, process_request=self._admit)
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        name="slack-socket-mode", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        with self._changed:
            timers, self._timers = self._timers, set()
        for timer in timers:
            timer.cancel()
        if self._server is not None and self._thread is not None:
            self._server.shutdown()
            self._thread.join()
        self._server = self._thread = None

    @property
    def base_url(self) -> str:
        if self._server is None:
            raise RuntimeError("Socket Mode is not started")
        host, port = self._server.socket.getsockname()[:2]
        return f"ws://{host}:{port}"

    # -- what apps.connections.open hands out ------------------------------------------------

    def issue_url(self) -> str:
        """A fresh URL with a one-use ticket, as apps.connections.open answers."""
        ticket = secrets.token_hex(16)
        with self._changed:
            self._tickets.add(ticket)
        return f"{self.base_url}/link/?ticket={ticket}&app_id={self.app_id}"

    def _admit(self, connection: ServerConnection, request: Request) -> Response | None:
        """Refuse the handshake without a ticket from apps.connections.open, or a used one."""
        url = urlsplit(request.path)
        ticket = (parse_qs(url.query).get("ticket") or [""])[0]
        with self._changed:
            if url.path == "/link/" and ticket in self._tickets:
                self._tickets.discard(ticket)
                return None
        return connection.respond(HTTPStatus.UNAUTHORIZED, "invalid or used ticket\n")

    # -- a connection's life ---------------------------------------------------------------

    def _serve(self, socket: ServerConnection) -> None:
        with self._changed:
            connection = Connection(next(self._numbers), time.monotonic(), socket)
            self._connections.append(connection)
            live = sum(1 for c in self._connections if c.open)
        try:
            socket.send(json.dumps({
                "type": "hello", "num_connections": live,
                "debug_info": {"host": "sandbox-socket-mode", "build_number": 1,
                               "approximate_connection_time": 18060},
                "connection_info": {"app_id": self.app_id},
            }))
            with self._changed:
                connection.greeted = True
                self._changed.notify_all()
            for message in socket:
                self._received(connection, message)
        except ConnectionClosed:
            pass
        finally:
            with self._changed:
                connection.closed_at = time.monotonic()
                connection.close_code = socket.close_code
                self._changed.notify_all()

    def _received(self, connection: Connection, message: str | bytes) -> None:
        text = message.decode(errors="replace") if isinstance(message, bytes) else message
        try:
            sent = json.loads(text)
        except ValueError:
            sent = None
        with self._changed:
            if not isinstance(sent, dict) or not isinstance(sent.get("envelope_id"), str):
                self._strays.append(text)
            else:
                payload = sent.get("payload")
                ack = Ack(sent["envelope_id"], payload if isinstance(payload, dict) else None,
                          connection.number, time.monotonic())
                lost = self._acks_to_lose > 0  # lost on the way: Slack never sees it
                self._acks_to_lose -= lost
                (self._lost if lost else self._acks).append(ack)
            self._changed.notify_all()

    # -- sending what Slack sends ----------------------------------------------------------

    def deliver(self, kind: str, payload: dict[str, Any], *,
                accepts_response_payload: bool | None = None, retry_attempt: int | None = None,
                retry_reason: str | None = None, timeout: float = 10.0) -> Envelope:
        """Send one envelope on the newest open connection not told to reconnect, waiting up to
        `timeout` for the app to have one (it may be reconnecting). An event not acknowledged
        within `ack_seconds` is sent again, up to EVENT_RETRIES times."""
        if accepts_response_payload is None:
            accepts_response_payload = kind in ANSWERABLE or (
                kind == "interactive" and payload.get("type") in ANSWERABLE_INTERACTIONS)
        envelope = self._send(kind, payload, accepts_response_payload, retry_attempt,
                              retry_reason, first="", timeout=timeout)
        if kind == "events_api":
            self._retry_later(envelope, retry_attempt or 0)
        return envelope

    def _send(self, kind: str, payload: dict[str, Any], accepts: bool,
              retry_attempt: int | None, retry_reason: str | None, *, first: str,
              timeout: float) -> Envelope:
        with self._changed:
            if not self._changed.wait_for(lambda: self._ready() is not None, timeout=timeout):
                raise TimeoutError(f"no open Socket Mode connection within {timeout}s; "
                                   f"connections so far: {self._connections}")
            connection = self._ready()
            assert connection is not None  # the wait above returned True
            envelope_id = f"{secrets.token_hex(4)}-{secrets.token_hex(2)}-sandbox"
            envelope = Envelope(envelope_id, kind, payload, accepts, connection.number,
                                time.monotonic(), retry_attempt, retry_reason,
                                first or envelope_id)
            self._envelopes.append(envelope)
            self._changed.notify_all()
        # Closed between choosing it and sending: unacknowledged, as on Slack's side.
        with contextlib.suppress(ConnectionClosed):
            connection.socket.send(json.dumps(envelope.message()))
        return envelope

    def _ready(self) -> Connection | None:
        live = [c for c in self._connections if c.open and c.greeted and not c.draining]
        return live[-1] if live else None

    def _retry_later(self, envelope: Envelope, attempt: int) -> None:
        def retry() -> None:
            with self._changed:
                self._timers.discard(timer)
                if self._server is None or self._acked(envelope.first) is not None:
                    return
            again = self._send(envelope.type, envelope.payload,
                               envelope.accepts_response_payload, attempt + 1, "timeout",
                               first=envelope.first, timeout=self.ack_seconds * 3)
            if attempt + 1 < EVENT_RETRIES:
                self._retry_later(again, attempt + 1)

        timer = threading.Timer(self.ack_seconds, retry)
        timer.daemon = True
        with self._changed:
            self._timers.add(timer)
        timer.start()

    # -- connection faults -----------------------------------------------------------------

    def refresh(self, reason: str = "refresh_requested") -> list[int]:
        """Tell every open connection to reconnect, as Slack does before recycling one
        (reasons: warning, refresh_requested, link_disabled). The app is expected to open a
        new connection and close the old; nothing new is sent on the old one meanwhile."""
        with self._changed:
            told = [c for c in self._connections if c.open and not c.draining]
            for connection in told:
                connection.draining = True
        message = json.dumps({"type": "disconnect", "reason": reason,
                              "debug_info": {"host": "sandbox-socket-mode"}})
        for connection in told:
            with contextlib.suppress(ConnectionClosed):
                connection.socket.send(message)
        return [c.number for c in told]

    def drop(self, code: int = 1001) -> list[int]:
        """Close every open connection without warning (a close frame, no `disconnect`)."""
        with self._changed:
            dropped = [c for c in self._connections if c.open]
            for connection in dropped:
                connection.draining = True
        for connection in dropped:
            connection.socket.close(code)
        return [c.number for c in dropped]

    def lose_acks(self, count: int = 1) -> None:
        """The next `count` acks from the app are lost on the way: Slack never sees them."""
        with self._changed:
            self._acks_to_lose += count

    # -- what happened ---------------------------------------------------------------------

    def connections(self) -> list[Connection]:
        with self._changed:
            return list(self._connections)

    def envelopes(self, kind: str | None = None) -> list[Envelope]:
        with self._changed:
            return [e for e in self._envelopes if kind is None or e.type == kind]

    def acks(self) -> list[Ack]:
        with self._changed:
            return list(self._acks)

    def lost_acks(self) -> list[Ack]:
        """Acks the app sent that `lose_acks` kept from Slack."""
        with self._changed:
            return list(self._lost)

    def pending_retries(self) -> int:
        """Redeliveries still scheduled (events not yet acknowledged, retries left)."""
        with self._changed:
            return len(self._timers)

    def strays(self) -> list[str]:
        """What the app sent that was not an ack (Slack ignores it)."""
        with self._changed:
            return list(self._strays)

    def wait_for(self, ready: Callable[[], bool], *, what: str, timeout: float = 10.0) -> None:
        """Block until `ready()` (which may call this server's readers) holds."""
        self._wait(ready, timeout, what)

    def wait_for_connections(self, count: int, *, timeout: float = 10.0) -> list[Connection]:
        """Block until `count` connections have ever opened and the newest one is open."""
        self._wait(lambda: len(self._connections) >= count and self._ready() is not None,
                   timeout, f"{count} Socket Mode connection(s)")
        return self.connections()

    def wait_for_ack(self, envelope: Envelope, *, timeout: float = 10.0) -> Ack | None:
        """The ack of `envelope` or of a redelivery of it; None if none came within `timeout`."""
        with self._changed:
            self._changed.wait_for(lambda: self._acked(envelope.first) is not None,
                                   timeout=timeout)
            return self._acked(envelope.first)

    def wait_for_envelopes(self, count: int, *, timeout: float = 10.0,
                           where: Callable[[Envelope], bool] | None = None) -> list[Envelope]:
        def matching() -> list[Envelope]:
            return [e for e in self._envelopes if where is None or where(e)]

        self._wait(lambda: len(matching()) >= count, timeout, f"{count} envelope(s)")
        with self._changed:
            return matching()

    def _acked(self, first: str) -> Ack | None:
        ids = {e.envelope_id for e in self._envelopes if e.first == first}
        return next((a for a in self._acks if a.envelope_id in ids), None)

    def _wait(self, ready: Callable[[], bool], timeout: float, what: str) -> None:
        with self._changed:
            if not self._changed.wait_for(ready, timeout=timeout):
                raise TimeoutError(f"waited {timeout}s for {what}; connections: "
                               f"{self._connections}, envelopes: {len(self._envelopes)}")
