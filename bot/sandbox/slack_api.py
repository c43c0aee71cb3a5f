"""A local fake of Slack's Web API, for the tests and `make demo` (real Slack is unreachable).

The bot talks to it through slack_sdk's own WebClient(base_url=api_url), so the code under test
is the code that runs against Slack. The fake keeps just enough workspace state (users,
channels, messages, views, files) to answer as Slack documents and to let tests assert effects;
faults (429, 5xx, `ok: false`) can be queued per method to test the bot's error handling, and
Slack-like rate limits (token buckets, see rate_limits.py) set per method or per channel.
"""

from __future__ import annotations

import binascii
import contextlib
import copy
import itertools
import json
import secrets
import socket
import sys
import threading
import time
from base64 import b64decode, b64encode
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from email.message import Message
from email.parser import BytesParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit
from zoneinfo import ZoneInfo

from bot.sandbox.blockkit_limits import block_problems, view_problems
from bot.sandbox.oauth import OAuthRefusal, SandboxOAuth, SandboxTeam
from bot.sandbox.rate_limits import RateLimitCounts, RateLimiter
from bot.sandbox.socket_mode import SocketModeServer

# How long the sandbox keeps an idle keep-alive connection open.
IDLE_CONNECTION_SECONDS = 30.0
JSON_FIELDS = ("blocks", "view", "attachments", "metadata", "files")
# ValueError etc. from a handler mean the caller sent malformed arguments, which Slack answers
# with invalid_arguments rather than an HTTP error.
BAD_ARGUMENTS = (KeyError, ValueError, TypeError, AttributeError)


class SlackError(Exception):
    """An `ok: false` answer, raised by a method handler and answered with HTTP 200."""

    def __init__(self, error: str, **extra: Any) -> None:
        super().__init__(error)
        self.error = error
        self.extra = extra


@dataclass(frozen=True)
class RecordedCall:
    method: str  # Web API method, or "response_url" / "upload" for those side doors
    args: dict[str, Any]
    response: dict[str, Any]
    status: int
    at: float  # time.monotonic()
    team_id: str | None = None  # the team whose token made a Web API call


@dataclass(frozen=True)
class _Answer:
    status: int
    body: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)
    raw: bytes | None = None  # answered instead of the JSON body (the upload host answers text)


@dataclass
class _Fault:
    answer: _Answer
    times: int
    user: str | None = None


@dataclass
class _Share:
    """Every `every`-th call answered `answer`; `applied`: the call takes effect first."""

    answer: _Answer
    every: int
    applied: bool
    seen: int = 0


# Not an HTTP status: the connection is closed instead of answering (drop_answers).
_DROPPED = -1


def _fail(error: str, **extra: Any) -> _Answer:
    return _Answer(200, {"ok": False, "error": error, **extra})


def _truthy(value: Any) -> bool:
    return value is True or (isinstance(value, str) and value.lower() in ("true", "1"))


def _form_parts(content_type: str, body: bytes) -> list[Message]:
    header = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode()
    message = BytesParser().parsebytes(header + body)
    parts = message.get_payload() if message.is_multipart() else []
    return [part for part in parts if isinstance(part, Message)]


def _parse_args(query: str, content_type: str, body: bytes) -> dict[str, Any]:
    """Arguments as Slack reads them: query string plus a form, multipart or JSON body."""
    args: dict[str, Any] = dict(parse_qsl(query, keep_blank_values=True))
    if content_type.startswith("application/json") and body:
        try:
            parsed = json.loads(body)
        except ValueError as exc:
            raise SlackError("invalid_json") from exc
        args.update(parsed if isinstance(parsed, dict) else {})
    elif content_type.startswith("multipart/form-data"):
        for part in _form_parts(content_type, body):
            if part.get_filename() is None:
                payload = part.get_payload(decode=True)
                args[str(part.get_param("name", header="content-disposition"))] = (
                    payload.decode() if isinstance(payload, bytes) else "")
    elif body:
        args.update(parse_qsl(body.decode(), keep_blank_values=True))
    for key in JSON_FIELDS:  # form bodies carry these as JSON strings; decode for assertions
        if isinstance(args.get(key), str):
            with contextlib.suppress(ValueError):  # left a string; the block checks report it
                args[key] = json.loads(args[key])
    return args


def _page(items: list[Any], args: dict[str, Any], default_limit: int) -> tuple[list[Any], str]:
    """One page and the next cursor, which is "" on the last page as in Slack."""
    limit = int(args.get("limit") or default_limit) or len(items)
    start = 0
    if args.get("cursor"):
        try:
            start = int(b64decode(args["cursor"]).decode().removeprefix("offset:"))
        except (ValueError, binascii.Error) as exc:
            raise SlackError("invalid_cursor") from exc
    end = start + limit
    cursor = b64encode(f"offset:{end}".encode()).decode() if end < len(items) else ""
    return items[start:end], cursor


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], sandbox: SlackSandbox) -> None:
        self.sandbox = sandbox
        self.connections = 0  # TCP connections accepted, kept alive or not
        self._open: set[socket.socket] = set()
        self._open_lock = threading.Lock()
        super().__init__(address, _Handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._open_lock:
            self.connections += 1
            self._open.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._open_lock:
            self._open.discard(request)
        super().shutdown_request(request)

    def close_connections(self) -> None:
        """End every kept-alive connection: a stopped sandbox answers nobody, as a stopped
        Slack would not (each waits in its own thread for the next request)."""
        with self._open_lock:
            doomed = list(self._open)
        for sock in doomed:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that went away before its answer (killed with SIGKILL, timed out) is what
        the fault tests do on purpose: not worth a traceback on stderr."""
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    # Keep-alive, as Slack's Web API: a client may send call after call on one connection.
    # Every answer states its Content-Length, which HTTP/1.1 needs to find its end.
    protocol_version = "HTTP/1.1"
    # An idle connection is closed after this long, as Slack's servers close theirs: a client
    # must notice, and open another, without a call failing.
    timeout = IDLE_CONNECTION_SECONDS
    # Headers and body leave in two writes: with Nagle's algorithm the body waited for the
    # client's delayed ACK (40 ms a call) on a connection kept open.
    disable_nagle_algorithm = True

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        answer, payload, delay = self.server.sandbox._serve(self.path, self.headers, body)
        if delay:
            # After the call took effect, before its answer: the window in which a client can
            # die knowing nothing of what Slack already did.
            time.sleep(delay)
        if answer.status == _DROPPED:
            self.close_connection = True  # the call took effect; its answer never comes
            return
        self.send_response(answer.status)
        kind = "text/plain" if answer.raw is not None else "application/json"
        self.send_header("Content-Type", f"{kind}; charset=utf-8")
        self.send_header("Content-Length", str(len(payload)))
        for name, value in answer.headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(payload)

    def do_GET(self) -> None:  # Slack accepts GET with a query string for read methods
        self.do_POST()

    def log_message(self, format: str, *args: Any) -> None:
        """Silent: every request is already recorded, and access logs would bury test output."""


class SlackSandbox:
    """Slack's Web API on a local port, with the workspace state tests need to look at."""

    def __init__(self, *, team_id: str = "T0SANDBOX", team_name: str = "Sandbox Co",
                 bot_user_id: str = "U0BOT",
                 bot_token: str = "xoxb-sandbox-token",  # noqa: S107 (a fake for a fake)
                 app_token: str = "xapp-1-A0SANDBOX-1-sandbox",  # noqa: S107 (Socket Mode's)
                 host: str = "127.0.0.1", port: int = 0,
                 rate_clock: Callable[[], float] = time.monotonic) -> None:
        self.team_id, self.team_name, self.bot_user_id = team_id, team_name, bot_user_id
        self.team_domain = "-".join(team_name.lower().split())
        self.bot_token, self.bot_id, self.app_id = bot_token, "B0SANDBOX", "A0SANDBOX"
        self.app_token = app_token
        self._socket_mode: SocketModeServer | None = None  # started by the first use
        self.uploads: dict[str, bytes] = {}
        self.problems: list[str] = []
        self._address = (host, port)
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        # One condition guards all state: handlers mutate under it and wait_for blocks on it.
        self._changed = threading.Condition()
        self._calls: list[RecordedCall] = []
        self._users: dict[str, dict[str, Any]] = {}
        self._channels: dict[str, dict[str, Any]] = {}
        self._usergroups: dict[str, dict[str, Any]] = {}
        self._messages: dict[str, list[dict[str, Any]]] = {}
        self._views: dict[str, dict[str, Any]] = {}
        self._homes: dict[str, str] = {}  # user id -> view id of their published Home
        self._triggers: set[str] = set()
        # key -> (channel, ts of the message acted on, the person whose action gave it)
        self._response_urls: dict[str, tuple[str | None, str | None, str | None]] = {}
        # Messages only one person sees (chat.postEphemeral, an ephemeral response_url reply):
        # not channel history, kept so a local client can show them to that person.
        self._ephemerals: list[dict[str, Any]] = []
        self._files: dict[str, dict[str, Any]] = {}
        self._faults: dict[str, list[_Fault]] = {}
        self._shares: dict[str, list[_Share]] = {}  # faults on a share of calls, for good
        self._ids = itertools.count(1)
        self._last_ts_us = 0
        self._delays: dict[str, float] = {}
        self._drops: dict[str, int] = {}
        self._rate_limits = RateLimiter(rate_clock)  # rate_clock: tests step it, not sleep
        # Teams and their bot tokens; this sandbox's own team holds the fixed bot_token.
        self.oauth = SandboxOAuth(app_id=self.app_id)
        self._home_team = SandboxTeam(team_id, team_name, bot_user_id, self.bot_id, "U0ADMIN")
        self.oauth.add_team(self._home_team, token=bot_token)
        self._caller = self._home_team  # the team whose token the call being answered carries
        self._methods: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
            "auth.test": self._auth_test,
            "chat.postMessage": self._chat_post_message,
            "chat.update": self._chat_update,
            "chat.postEphemeral": self._chat_post_ephemeral,
            "chat.delete": self._chat_delete,
            "conversations.open": self._conversations_open,
            "conversations.members": self._conversations_members,
            "conversations.info": self._conversations_info,
            "conversations.history": self._conversations_history,
            "users.info": self._users_info,
            "users.list": self._users_list,
            "users.lookupByEmail": self._users_lookup_by_email,
            "usergroups.list": self._usergroups_list,
            "usergroups.users.list": self._usergroups_users_list,
            "views.open": self._views_open,
            "views.push": self._views_open,
            "views.update": self._views_update,
            "views.publish": self._views_publish,
            "files.getUploadURLExternal": self._files_get_upload_url,
            "files.completeUploadExternal": self._files_complete_upload,
        }
        self.add_user(bot_user_id, name="sandbox-bot", real_name="Sandbox Bot", is_bot=True)

    # -- lifecycle -------------------------------------------------------------------------

    def start(self) -> SlackSandbox:
        self._server = _Server(self._address, self)
        # shutdown() only takes effect at the next poll; a short interval keeps stop() quick.
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,),
                                        name="slack-sandbox", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._socket_mode is not None:
            self._socket_mode.stop()
            self._socket_mode = None
        if self._server is not None and self._thread is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server.close_connections()
            self._thread.join()
        self._server = self._thread = None

    def __enter__(self) -> SlackSandbox:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        if self._server is None:
            raise RuntimeError("the sandbox is not started")
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def api_url(self) -> str:
        return self.base_url + "/api/"

    @property
    def socket_mode(self) -> SocketModeServer:
        """Slack's Socket Mode end (WebSocket server), started on first use."""
        with self._changed:
            if self._socket_mode is None:
                self._socket_mode = SocketModeServer(app_id=self.app_id,
                                                     host=self._address[0]).start()
            return self._socket_mode

    # -- workspace set-up ------------------------------------------------------------------

    def add_user(self, user_id: str, *, name: str, real_name: str | None = None,
                 email: str | None = None, tz: str = "Europe/London", is_bot: bool = False,
                 deleted: bool = False, team_id: str | None = None,
                 is_admin: bool = False, is_owner: bool = False, is_restricted: bool = False,
                 is_ultra_restricted: bool = False) -> dict[str, Any]:
        """Register a user; returns the object users.info answers for them. `is_restricted`:
        a multi-channel guest; `is_ultra_restricted`: a single-channel guest (Slack sets
        is_restricted on those too)."""
        now = datetime.now(ZoneInfo(tz))
        offset = now.utcoffset()
        profile = {"real_name": real_name or name, "display_name": name,
                   "team": team_id or self.team_id, **({"email": email} if email else {})}
        user = {
            "id": user_id, "team_id": team_id or self.team_id, "name": name,
            "real_name": real_name or name, "deleted": deleted, "is_bot": is_bot,
            "is_admin": is_admin, "is_owner": is_owner, "is_primary_owner": False,
            "is_restricted": is_restricted or is_ultra_restricted,
            "is_ultra_restricted": is_ultra_restricted, "is_app_user": False, "tz": tz,
            # zoneinfo knows only abbreviations ("BST"), not Slack's long names.
            "tz_label": now.tzname() or tz,
            "tz_offset": int(offset.total_seconds()) if offset else 0,
            "updated": int(time.time()), "profile": profile,
        }
        with self._changed:
            self._users[user_id] = user
            return copy.deepcopy(user)

    def add_team(self, team_id: str, *, name: str, bot_user_id: str,
                 installer: str = "U0ADMIN", enterprise_id: str | None = None) -> SandboxTeam:
        """Another workspace the app can be installed in through OAuth (register_app first);
        `enterprise_id`: the Enterprise Grid org it belongs to."""
        team = SandboxTeam(team_id, name, bot_user_id, f"B{bot_user_id[1:]}", installer,
                           enterprise_id)
        with self._changed:
            self.oauth.add_team(team)
        self.add_user(bot_user_id, name=f"{team.domain}-bot", is_bot=True, team_id=team_id)
        return team

    def register_app(self, *, client_id: str, client_secret: str, redirect_url: str) -> None:
        """The OAuth app's credentials and its redirect URL, as on its settings pages."""
        with self._changed:
            self.oauth.register_app(client_id=client_id, client_secret=client_secret,
                                    redirect_url=redirect_url)

    def rotate_tokens(self, expires_in: int | None) -> None:
        """Tokens issued from now on expire after `expires_in` seconds (None: never)."""
        with self._changed:
            self.oauth.token_expires_in = expires_in

    def refuse_tokens(self, team_id: str, error: str = "invalid_auth") -> None:
        """The team's tokens get `error` on every call from now on (its refresh tokens still
        work), until `accept_tokens_again`."""
        with self._changed:
            self.oauth.refuse(team_id, error)

    def accept_tokens_again(self, team_id: str) -> None:
        with self._changed:
            self.oauth.restore(team_id)

    def uninstall(self, team_id: str) -> None:
        """Remove the app from a team, as Slack does: its tokens stop working at once."""
        with self._changed:
            self.oauth.revoke_team(team_id)

    def add_channel(self, channel_id: str, *, name: str, members: list[str],
                    is_private: bool = False, team_id: str | None = None) -> None:
        """A channel; with `team_id`, of that workspace: the token of another workspace the app
        is installed in cannot see it. Without, every workspace can (as a shared channel)."""
        with self._changed:
            self._channels[channel_id] = {"id": channel_id, "name": name, "team_id": team_id,
                                          "is_private": is_private, "members": list(members)}

    def add_usergroup(self, group_id: str, *, handle: str, users: list[str],
                      team_id: str | None = None, disabled: bool = False) -> None:
        """A user group; `team_id` as for add_channel. A disabled one is left out of both
        usergroups methods unless they are asked to include_disabled."""
        with self._changed:
            self._usergroups[group_id] = {"id": group_id, "handle": handle, "users": list(users),
                                          "team_id": team_id, "disabled": disabled}

    def enterprise_of(self, team_id: str) -> str | None:
        """The Enterprise Grid org a team belongs to, None for a stand-alone workspace."""
        with self._changed:
            team = self.oauth.teams.get(team_id)
            return None if team is None else team.enterprise_id

    def user(self, user_id: str) -> dict[str, Any] | None:
        with self._changed:
            return copy.deepcopy(self._users.get(user_id))

    def channel_name(self, channel_id: str) -> str:
        """The name Slack puts in payloads: the channel's, or "directmessage" for a DM."""
        with self._changed:
            channel = self._channels.get(channel_id)
        return str(channel["name"]) if channel else "directmessage"

    def dm_channel(self, user_id: str) -> str:
        return "D" + user_id

    def issue_trigger_id(self) -> str:
        with self._changed:
            trigger = f"{next(self._ids)}.{int(time.time())}.{secrets.token_hex(16)}"
            self._triggers.add(trigger)
            return trigger

    def new_response_url(self, *, channel: str | None = None, ts: str | None = None,
                         user: str | None = None) -> str:
        """A response_url; `channel` and `ts` name the message replace/delete_original act on,
        `user` the person who acted, who alone sees an ephemeral reply."""
        with self._changed:
            key = secrets.token_hex(12)
            self._response_urls[key] = (channel, ts, user)
        return f"{self.base_url}/response/{key}"

    # -- faults ----------------------------------------------------------------------------

    def rate_limit(self, method: str, *, retry_after: int = 1, times: int = 1) -> None:
        answer = _Answer(429, {"ok": False, "error": "ratelimited"},
                         {"Retry-After": str(retry_after)})
        self._add_fault(method, _Fault(answer, times))

    def fail(self, method: str, *, status: int = 500, times: int = 1) -> None:
        self._add_fault(method, _Fault(_Answer(status, {"ok": False, "error": "fatal_error"}),
                                       times))

    def respond_error(self, method: str, error: str, *, times: int = 1,
                      user: str | None = None) -> None:
        self._add_fault(method, _Fault(_fail(error), times, user))

    def fail_share(self, method: str, *, every: int, status: int = 503,
                   retry_after: int | None = None, applied: bool = False) -> None:
        """Answer every `every`-th call to `method` with `status` (429 with `retry_after`), until
        cleared. `applied=True` plays a gateway that timed out after Slack did the work: the
        call takes effect, and the caller still sees the error."""
        if every < 1:
            raise ValueError("every must be at least 1")
        error = "ratelimited" if status == 429 else "fatal_error"
        headers = {} if retry_after is None else {"Retry-After": str(retry_after)}
        with self._changed:
            self._shares.setdefault(method, []).append(
                _Share(_Answer(status, {"ok": False, "error": error}, headers), every, applied))

    def clear_faults(self) -> None:
        with self._changed:
            self._faults.clear()
            self._shares.clear()
            self._drops.clear()

    def limit_rate(self, method: str, *, per_second: float, burst: int = 1,
                   per_channel: bool = False) -> None:
        """Answer `method` calls over budget 429 + Retry-After, unapplied, as Slack does. A method
        may have a method-wide and a per-channel budget; setting one again replaces it, full."""
        with self._changed:
            self._rate_limits.limit(method, per_second=per_second, burst=burst,
                                    per_channel=per_channel)

    def clear_rate_limits(self) -> None:
        with self._changed:
            self._rate_limits.clear()

    def rate_limit_counts(self, method: str) -> RateLimitCounts:
        """Calls to `method` its limits let through and refused (scripted faults not counted)."""
        with self._changed:
            return self._rate_limits.counts(method)

    def rate_limited_count(self, method: str) -> int:
        return self.rate_limit_counts(method).limited

    def _add_fault(self, method: str, fault: _Fault) -> None:
        with self._changed:
            self._faults.setdefault(method, []).append(fault)

    def _take_fault(self, method: str, args: dict[str, Any]) -> _Answer | None:
        for fault in self._faults.get(method, []):
            if fault.user is None or self._names_user(args, fault.user):
                fault.times -= 1
                if fault.times <= 0:
                    self._faults[method].remove(fault)
                return fault.answer
        return None

    def _names_user(self, args: dict[str, Any], user_id: str) -> bool:
        named = [args.get("channel"), args.get("user"), args.get("user_id"),
                 *str(args.get("users") or "").split(",")]
        return user_id in named or self.dm_channel(user_id) in named

    # -- what happened ---------------------------------------------------------------------

    def note_problems(self, where: str, found: list[str]) -> None:
        """Add Block Kit problems seen elsewhere (the client checks the bot's inline replies)."""
        with self._changed:
            self.problems.extend(f"{where}: {problem}" for problem in found)

    def calls(self, method: str | None = None) -> list[RecordedCall]:
        with self._changed:
            return [c for c in self._calls if method is None or c.method == method]

    def wait_for(self, method: str, *, count: int = 1, timeout: float = 5.0,
                 where: Callable[[RecordedCall], bool] | None = None) -> list[RecordedCall]:
        """Block until `count` matching calls are recorded (they may have failed); returns them."""
        def matching() -> list[RecordedCall]:
            return [c for c in self._calls
                    if c.method == method and (where is None or where(c))]

        with self._changed:
            if self._changed.wait_for(lambda: len(matching()) >= count, timeout=timeout):
                return matching()
            seen = Counter(c.method for c in self._calls)
            summary = ", ".join(f"{name} x{n}" for name, n in seen.items()) or "none"
            raise TimeoutError(f"waited {timeout}s for {count} {method} call(s), "
                               f"saw {len(matching())}; calls so far: {summary}")

    def clear_calls(self) -> None:
        with self._changed:
            self._calls.clear()

    def close_connections(self) -> None:
        """Close every open connection, as Slack's servers close idle ones: a client must
        notice, and open another, without a call failing."""
        if self._server is not None:
            self._server.close_connections()

    @property
    def connections_accepted(self) -> int:
        """TCP connections opened to the sandbox so far (its Web API and its side doors):
        beside len(calls()), how well a client keeps its connections alive."""
        return 0 if self._server is None else self._server.connections

    def messages(self, channel: str) -> list[dict[str, Any]]:
        """Copies of the messages in `channel` as they stand now (after updates), oldest first."""
        with self._changed:
            return copy.deepcopy(self._messages.get(channel, []))

    def message(self, channel: str, ts: str) -> dict[str, Any]:
        with self._changed:
            try:
                return copy.deepcopy(self._find_message(channel, ts))
            except SlackError:
                raise KeyError(f"no message {ts} in {channel}") from None

    def ephemeral_messages(self, user_id: str) -> list[dict[str, Any]]:
        """Copies of the messages only `user_id` sees, oldest first; each names its channel and
        carries `is_ephemeral`."""
        with self._changed:
            return copy.deepcopy([m for m in self._ephemerals if m["visible_to"] == user_id])

    def views(self) -> dict[str, dict[str, Any]]:
        """Modals opened so far, by view id, as last updated; Home tabs are in home_view()."""
        with self._changed:
            return copy.deepcopy({k: v for k, v in self._views.items() if v["type"] == "modal"})

    def home_view(self, user_id: str) -> dict[str, Any] | None:
        with self._changed:
            view_id = self._homes.get(user_id)
            return copy.deepcopy(self._views[view_id]) if view_id else None

    # -- HTTP ------------------------------------------------------------------------------

    def drop_answers(self, method: str, *, times: int = 1) -> None:
        """The next `times` calls of `method` take effect, and then their connection closes
        without an answer: a client cannot tell whether Slack did it."""
        with self._changed:
            self._drops[method] = self._drops.get(method, 0) + times

    def delay_answers(self, method: str, seconds: float) -> None:
        """Answer `method` late: the call takes effect (and is recorded) `seconds` before its
        answer is sent. 0 turns it off."""
        with self._changed:
            self._delays[method] = seconds

    def _serve(self, path: str, headers: Message, body: bytes) -> tuple[_Answer, bytes, float]:
        """Answer one HTTP request and record it, both under the lock so waiters see state."""
        url = urlsplit(path)
        route, _, key = url.path.strip("/").partition("/")
        method = {"api": key, "response": "response_url", "upload": "upload",
                  "oauth": "oauth.authorize"}.get(route, url.path)
        content_type = headers.get("Content-Type", "")
        with self._changed:
            args: dict[str, Any] = {}
            self._caller = self._home_team
            try:
                if route == "upload":
                    args, answer = self._upload(key, content_type, body)
                elif route == "oauth" and key == "v2/authorize":
                    args = dict(parse_qsl(url.query, keep_blank_values=True))
                    answer = self._authorize(args)
                else:
                    args = _parse_args(url.query, content_type, body)
                    answer = self._dispatch(route, key, headers, args)
            except SlackError as exc:
                answer = _fail(exc.error, **exc.extra)
            # Encoding here, under the lock, snapshots the answer before later calls mutate
            # the state it refers to; the record holds exactly what the caller received.
            encoded = json.dumps(answer.body).encode()
            self._calls.append(RecordedCall(method, copy.deepcopy(args), json.loads(encoded),
                                            answer.status, time.monotonic(),
                                            self._caller.team_id if route == "api" else None))
            self._changed.notify_all()
            delay = self._delays.get(method, 0.0)
            if self._drops.get(method, 0) > 0:
                self._drops[method] -= 1
                answer = _Answer(_DROPPED, answer.body)
        return answer, encoded if answer.raw is None else answer.raw, delay

    def _dispatch(self, route: str, key: str, headers: Message, args: dict[str, Any]) -> _Answer:
        if route == "response":
            return self._take_fault("response_url", args) or self._respond(key, args)
        if route != "api":
            return _Answer(404, {"ok": False, "error": "not_found"})
        authorization = headers.get("Authorization", "")
        if key == "oauth.v2.access":  # authenticated by the app's client id and secret
            try:
                granted = self.oauth.access(args, authorization)
            except OAuthRefusal as exc:
                return _fail(exc.error)
            self._caller = self.oauth.teams[granted["team"]["id"]]
            return _Answer(200, {"ok": True, **granted})
        token = authorization.removeprefix("Bearer ").strip() or args.get("token")
        if key == "apps.connections.open":  # authenticated by the app-level token alone
            return self._open_connection(str(token or ""), args)
        handler = self._methods.get(key)
        if handler is None:
            return _fail("unknown_method")
        if not token:
            return _fail("not_authed")
        try:
            self._caller = self.oauth.teams[self.oauth.team_of(str(token))]
        except OAuthRefusal as exc:
            return _fail(exc.error)
        fault = self._take_fault(key, args)
        if fault is not None:
            return fault
        share = self._take_share(key)
        if share is not None and not share.applied:
            return share.answer
        retry_after = self._rate_limits.admit(key, self._rate_channel(args))
        if retry_after is not None:
            return _Answer(429, {"ok": False, "error": "ratelimited"},
                           {"Retry-After": str(retry_after)})
        try:
            answer = _Answer(200, {"ok": True, **handler(args)})
        except BAD_ARGUMENTS as exc:
            return _fail("invalid_arguments",
                         response_metadata={"messages": [f"[ERROR] {exc!r}"]})
        return answer if share is None else share.answer

    def _open_connection(self, token: str, args: dict[str, Any]) -> _Answer:
        """apps.connections.open: a one-use WebSocket URL for Socket Mode."""
        if not token:
            return _fail("not_authed")
        if token != self.app_token:
            # A bot or user token Slack knows is the wrong kind here; anything else is unknown.
            try:
                self.oauth.team_of(token)
            except OAuthRefusal:
                return _fail("invalid_auth")
            return _fail("not_allowed_token_type")
        fault = self._take_fault("apps.connections.open", args)
        if fault is not None:
            return fault
        return _Answer(200, {"ok": True, "url": self.socket_mode.issue_url()})

    def _take_share(self, method: str) -> _Share | None:
        hit = None
        for share in self._shares.get(method, []):
            share.seen += 1
            if hit is None and share.seen % share.every == 0:
                hit = share
        return hit

    # -- state helpers; callers hold self._changed -----------------------------------------

    def _authorize(self, query: dict[str, str]) -> _Answer:
        """The installer clicked "Allow": back to the app's redirect URL with a code."""
        try:
            location = self.oauth.authorize(query)
        except OAuthRefusal as exc:
            return _Answer(400, {"ok": False, "error": exc.error})
        return _Answer(302, {"ok": True}, {"Location": location}, raw=b"")

    def _next_ts(self) -> str:
        # Slack's ts is the post time to the microsecond and unique per channel; stay strictly
        # increasing even when two posts land in the same microsecond.
        self._last_ts_us = max(time.time_ns() // 1000, self._last_ts_us + 1)
        return f"{self._last_ts_us // 1_000_000}.{self._last_ts_us % 1_000_000:06d}"

    def _new_id(self, prefix: str) -> str:
        return f"{prefix}0{next(self._ids):08d}"

    def _rate_channel(self, args: dict[str, Any]) -> str | None:
        """The channel a per-channel budget is kept for: a user id posts to their DM."""
        channel = args.get("channel")
        if not isinstance(channel, str):
            return None
        return self.dm_channel(channel) if channel in self._users else channel

    def _user(self, user_id: Any) -> dict[str, Any]:
        if not self._visible(user_id):
            raise SlackError("user_not_found")
        return self._users[user_id]

    def _visible(self, user_id: Any) -> bool:
        """A user the calling team's token can see: a member of another workspace this app is
        installed in is not (a Slack Connect partner from elsewhere still is)."""
        user = self._users.get(user_id) if isinstance(user_id, str) else None
        if user is None:
            return False
        team = user["team_id"]
        return team == self._caller.team_id or team not in self.oauth.teams

    def _of_caller(self, thing: dict[str, Any] | None) -> bool:
        """A channel or user group the calling team's token can see (as _visible for users)."""
        if thing is None:
            return False
        team = thing.get("team_id")
        return team is None or team == self._caller.team_id or team not in self.oauth.teams

    def _channel_id(self, channel: Any, *, user_ids: bool = True) -> str:
        """The conversation `channel` names; a user id names their DM where Slack allows it."""
        if not isinstance(channel, str):
            raise SlackError("channel_not_found")
        if self._of_caller(self._channels.get(channel)) or (
                channel[:1] == "D" and self._visible(channel[1:])):
            return channel
        if user_ids and self._visible(channel):
            return self.dm_channel(channel)
        raise SlackError("channel_not_found")

    def _members(self, channel_id: str) -> list[str]:
        if channel_id in self._channels:
            return list(self._channels[channel_id]["members"])
        return [channel_id[1:], self._caller.bot_user_id]

    def _find_message(self, channel: str, ts: Any) -> dict[str, Any]:
        for message in self._messages.get(channel, []):
            if message["ts"] == ts:
                return message
        raise SlackError("message_not_found")

    def _find_ephemeral(self, channel: str, ts: str, user: str | None) -> dict[str, Any] | None:
        return next((m for m in self._ephemerals if m["channel"] == channel and m["ts"] == ts
                     and m["visible_to"] == user), None)

    def _post_ephemeral(self, channel: str, user: str, fields: dict[str, Any]) -> dict[str, Any]:
        message = {"type": "message", "ts": self._next_ts(), "channel": channel,
                   "user": self._caller.bot_user_id, "bot_id": self._caller.bot_id,
                   "text": fields.get("text") or "", "blocks": fields.get("blocks") or [],
                   "is_ephemeral": True, "visible_to": user}
        self._ephemerals.append(message)
        return message

    def _refuse(self, error: str, where: str, found: list[str]) -> SlackError:
        self.note_problems(where, found)
        return SlackError(error, response_metadata={"messages": [f"[ERROR] {p}" for p in found]})

    def _message_checks(self, method: str, channel: str, args: dict[str, Any]) -> dict[str, Any]:
        """Refuse blocks Slack would refuse; warn, as Slack does, when text fallback is absent."""
        if "blocks" not in args:
            return {}
        found = block_problems(args["blocks"], "message")
        if found:
            raise self._refuse("invalid_blocks", f"{method} in {channel}", found)
        if args.get("text"):
            return {}
        self.problems.append(f"{method} in {channel}: blocks without a top-level text fallback, "
                             "so notifications and screen readers get nothing")
        return {"warning": "missing_text_in_request",
                "response_metadata": {"warnings": ["missing_text_in_request"]}}

    def _post(self, channel: str, fields: dict[str, Any]) -> dict[str, Any]:
        message = {"type": "message", "ts": self._next_ts(), "channel": channel,
                   "user": self._caller.bot_user_id, "bot_id": self._caller.bot_id,
                   "app_id": self.app_id, "team": self._caller.team_id,
                   "text": fields.get("text") or "",
                   "blocks": fields.get("blocks") or []}
        message.update({key: fields[key] for key in ("thread_ts", "metadata", "attachments",
                                                     "files") if fields.get(key)})
        self._messages.setdefault(channel, []).append(message)
        return message

    @staticmethod
    def _public(message: dict[str, Any]) -> dict[str, Any]:
        """A message as Slack returns it: the channel is beside it, not in it."""
        return {key: value for key, value in message.items() if key != "channel"}

    def _store_view(self, view: Any, method: str, view_id: str | None = None) -> dict[str, Any]:
        found = view_problems(view)
        if found:
            raise self._refuse("invalid_arguments", method, found)
        view_id = view_id or self._new_id("V")
        stored = {"callback_id": "", "private_metadata": "", "external_id": "",
                  "clear_on_close": False, "notify_on_close": False, **view,
                  "id": view_id, "team_id": self._caller.team_id, "app_id": self.app_id,
                  "bot_id": self._caller.bot_id, "app_installed_team_id": self._caller.team_id,
                  "state": {"values": {}}, "hash": f"{int(time.time())}.{secrets.token_hex(4)}",
                  "root_view_id": view_id, "previous_view_id": None}
        self._views[view_id] = stored
        return stored

    # -- side doors: response_url and the file upload host ---------------------------------

    def _respond(self, key: str, args: dict[str, Any]) -> _Answer:
        if key not in self._response_urls:
            return _Answer(404, {"ok": False, "error": "expired_url"})
        channel, ts, user = self._response_urls[key]
        if "blocks" in args and (found := block_problems(args["blocks"], "message")):
            raise self._refuse("invalid_blocks", "response_url", found)
        replace = _truthy(args.get("replace_original"))
        delete = _truthy(args.get("delete_original"))
        if channel and ts and (replace or delete):
            message = self._find_ephemeral(channel, ts, user) or self._find_message(channel, ts)
            messages = self._ephemerals if message.get("is_ephemeral") else self._messages[channel]
            if delete:
                messages.remove(message)
            else:  # Slack replaces the whole message: blocks not sent are gone
                message.update(text=args.get("text") or "", blocks=args.get("blocks") or [])
        elif channel and args.get("response_type") == "in_channel":
            self._post(channel, args)
        elif channel and user:
            self._post_ephemeral(channel, user, args)
        return _Answer(200, {"ok": True})

    def _upload(self, file_id: str, content_type: str,
                body: bytes) -> tuple[dict[str, Any], _Answer]:
        data = body  # slack_sdk posts the raw bytes; other clients send a multipart form
        if content_type.startswith("multipart/form-data"):
            files = [p for p in _form_parts(content_type, body) if p.get_filename() is not None]
            payload = files[0].get_payload(decode=True) if files else b""
            data = payload if isinstance(payload, bytes) else b""
        args: dict[str, Any] = {"file_id": file_id, "size": len(data)}
        fault = self._take_fault("upload", args)
        if fault is not None:
            return args, fault
        if file_id not in self._files:
            return args, _Answer(404, {"ok": False, "error": "file_not_found"})
        self.uploads[file_id] = data
        return args, _Answer(200, {"ok": True, "size": len(data)}, raw=f"OK - {len(data)}".encode())

    # -- Web API methods: parsed arguments in, the fields of an `ok: true` answer out -------

    def _auth_test(self, args: dict[str, Any]) -> dict[str, Any]:
        team = self._caller
        return {"url": f"https://{team.domain}.slack.com/", "team": team.name,
                "user": self._users[team.bot_user_id]["name"], "team_id": team.team_id,
                "user_id": team.bot_user_id, "bot_id": team.bot_id,
                "is_enterprise_install": False,
                **({"enterprise_id": team.enterprise_id} if team.enterprise_id else {})}

    def _chat_post_message(self, args: dict[str, Any]) -> dict[str, Any]:
        # A deactivated user's DM still accepts posts in Slack (python-slack-sdk issue #1156).
        channel = self._channel_id(args.get("channel"))
        if not (args.get("text") or args.get("blocks") or args.get("attachments")):
            raise SlackError("no_text")
        extra = self._message_checks("chat.postMessage", channel, args)
        message = self._post(channel, args)
        return {"channel": channel, "ts": message["ts"], "message": self._public(message), **extra}

    def _chat_update(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = self._channel_id(args.get("channel"), user_ids=False)  # Slack wants the D id
        message = self._find_message(channel, args.get("ts"))
        extra = self._message_checks("chat.update", channel, args)
        message.update({k: args[k] for k in ("text", "blocks", "attachments", "metadata")
                        if k in args})
        return {"channel": channel, "ts": message["ts"], "text": message["text"],
                "message": self._public(message), **extra}

    def _chat_post_ephemeral(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = self._channel_id(args.get("channel"))
        if self._user(args.get("user"))["id"] not in self._members(channel):
            raise SlackError("user_not_in_channel")
        extra = self._message_checks("chat.postEphemeral", channel, args)
        message = self._post_ephemeral(channel, str(args["user"]), args)
        return {"message_ts": message["ts"], **extra}

    def _chat_delete(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = self._channel_id(args.get("channel"), user_ids=False)
        message = self._find_message(channel, args.get("ts"))
        self._messages[channel].remove(message)
        return {"channel": channel, "ts": message["ts"]}

    def _conversations_open(self, args: dict[str, Any]) -> dict[str, Any]:
        if args.get("channel"):
            return {"channel": {"id": self._channel_id(args["channel"], user_ids=False)}}
        users = [user for user in str(args.get("users") or "").split(",") if user]
        if len(users) != 1:  # group DMs are not modelled
            raise SlackError("not_supported_by_sandbox" if users else "users_list_not_supplied")
        user = self._user(users[0])
        if user["deleted"]:
            raise SlackError("user_disabled")
        if user["is_bot"]:
            raise SlackError("cannot_dm_bot")
        return {"channel": {"id": self.dm_channel(user["id"])}}

    def _conversations_members(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = self._channel_id(args.get("channel"), user_ids=False)
        members, cursor = _page(self._members(channel), args, 100)
        return {"members": members, "response_metadata": {"next_cursor": cursor}}

    def _conversations_info(self, args: dict[str, Any]) -> dict[str, Any]:
        channel_id = self._channel_id(args.get("channel"), user_ids=False)
        channel = self._channels.get(channel_id)
        if channel is None:
            return {"channel": {"id": channel_id, "is_im": True, "is_private": True,
                                "user": channel_id[1:],
                                "is_user_deleted": self._users[channel_id[1:]]["deleted"]}}
        private = channel["is_private"]
        return {"channel": {"id": channel_id, "name": channel["name"], "is_im": False,
                            "is_channel": not private, "is_group": private,
                            "is_private": private, "is_archived": False,
                            "is_member": self._caller.bot_user_id in channel["members"],
                            "num_members": len(channel["members"])}}

    def _conversations_history(self, args: dict[str, Any]) -> dict[str, Any]:
        """Newest first, between `oldest` and `latest`; metadata only when asked, as Slack does."""
        channel = self._channel_id(args.get("channel"), user_ids=False)
        oldest = float(args.get("oldest") or 0)
        latest = float(args.get("latest") or "inf")
        with_metadata = _truthy(args.get("include_all_metadata"))
        found = [
            self._public(m) if with_metadata else
            {k: v for k, v in self._public(m).items() if k != "metadata"}
            for m in reversed(self._messages.get(channel, []))
            if oldest <= float(m["ts"]) <= latest
        ]
        page, cursor = _page(found, args, 100)
        return {"messages": page, "has_more": bool(cursor),
                "response_metadata": {"next_cursor": cursor}}

    def _users_info(self, args: dict[str, Any]) -> dict[str, Any]:
        return {"user": self._user(args.get("user"))}

    def _users_list(self, args: dict[str, Any]) -> dict[str, Any]:
        visible = [user for user in self._users.values() if self._visible(user["id"])]
        members, cursor = _page(visible, args, 0)  # Slack: 0 means all
        return {"members": members, "cache_ts": int(time.time()),
                "response_metadata": {"next_cursor": cursor}}

    def _usergroups_list(self, args: dict[str, Any]) -> dict[str, Any]:
        include_users = _truthy(args.get("include_users"))
        groups = [
            {"id": group["id"], "team_id": group["team_id"] or self._caller.team_id,
             "handle": group["handle"], "name": group["handle"], "is_usergroup": True,
             "date_delete": 1 if group["disabled"] else 0, "user_count": len(group["users"]),
             **({"users": list(group["users"])} if include_users else {})}
            for group in self._usergroups.values()
            if self._of_caller(group) and (not group["disabled"]
                                           or _truthy(args.get("include_disabled")))
        ]
        return {"usergroups": groups}

    def _usergroups_users_list(self, args: dict[str, Any]) -> dict[str, Any]:
        group = self._usergroups.get(str(args.get("usergroup") or ""))
        if group is None or not self._of_caller(group):
            raise SlackError("no_such_subteam")
        if group["disabled"] and not _truthy(args.get("include_disabled")):
            raise SlackError("no_such_subteam")
        return {"users": list(group["users"])}

    def _users_lookup_by_email(self, args: dict[str, Any]) -> dict[str, Any]:
        email = str(args.get("email") or "").lower()
        for user in self._users.values():
            known = str(user["profile"].get("email", "")).lower()
            if email and self._visible(user["id"]) and known == email:
                return {"user": user}
        raise SlackError("users_not_found")

    def _views_open(self, args: dict[str, Any]) -> dict[str, Any]:
        trigger = args.get("trigger_id")
        if trigger not in self._triggers:
            raise SlackError("invalid_trigger_id")
        view = args.get("view")
        if not isinstance(view, dict) or view.get("type") != "modal":
            raise self._refuse("invalid_arguments", "views.open", ["view type must be 'modal'"])
        stored = self._store_view(view, "views.open")
        self._triggers.discard(trigger)  # a trigger opens one view, as in Slack
        return {"view": stored}

    def _views_update(self, args: dict[str, Any]) -> dict[str, Any]:
        view_id = args.get("view_id")
        if not view_id and args.get("external_id"):
            view_id = next((key for key, view in self._views.items()
                            if view["external_id"] == args["external_id"]), None)
        current = self._views.get(view_id or "")
        if current is None:
            raise SlackError("not_found")  # Slack's documented error for an unknown view
        if args.get("hash") and args["hash"] != current["hash"]:
            raise SlackError("hash_conflict")
        return {"view": self._store_view(args.get("view"), "views.update", current["id"])}

    def _views_publish(self, args: dict[str, Any]) -> dict[str, Any]:
        user_id = self._user(args.get("user_id"))["id"]
        view = args.get("view")
        if not isinstance(view, dict) or view.get("type") != "home":
            raise self._refuse("invalid_arguments", "views.publish", ["view type must be 'home'"])
        stored = self._store_view(view, "views.publish", self._homes.get(user_id))
        self._homes[user_id] = stored["id"]
        return {"view": stored}

    def _files_get_upload_url(self, args: dict[str, Any]) -> dict[str, Any]:
        file_id = self._new_id("F")
        self._files[file_id] = {"id": file_id, "name": str(args["filename"]),
                                "title": str(args["filename"]), "size": int(args["length"])}
        return {"upload_url": f"{self.base_url}/upload/{file_id}", "file_id": file_id}

    def _files_complete_upload(self, args: dict[str, Any]) -> dict[str, Any]:
        shared = []
        for item in args["files"]:
            if item.get("id") not in self._files or item["id"] not in self.uploads:
                raise SlackError("file_not_found")
            file = self._files[item["id"]]
            file["title"] = item.get("title") or file["title"]
            shared.append(dict(file))
        target = args.get("channel_id") or str(args.get("channels") or "").split(",")[0]
        if target:
            self._post(self._channel_id(target), {"text": args.get("initial_comment"),
                                                  "files": shared,
                                                  "thread_ts": args.get("thread_ts")})
        return {"files": [{"id": file["id"], "title": file["title"]} for file in shared]}
