"""Sends the bot what Slack sends it: slash commands, interactions and events.

Payloads follow the shapes Slack documents (and Bolt parses), built from the sandbox's own
messages and views, so a test clicks the button the bot really posted rather than a hand-made
copy. Trigger ids and response_urls come from the sandbox, which then checks their use. They
travel as Slack sends them to an app: signed HTTP requests (SignedSlackClient), or envelopes
over Socket Mode (SocketModeSlackClient), so one test can run over either.
"""

from __future__ import annotations

import json
import secrets
import time
from dataclasses import dataclass
from typing import Any
from urllib.error import HTTPError
from urllib.parse import parse_qsl, urlencode, urlsplit
from urllib.request import Request, urlopen

from slack_sdk.signature import SignatureVerifier

from bot.sandbox.blockkit_limits import block_problems, view_problems
from bot.sandbox.browser import BrowserReply, approve, get, start_install
from bot.sandbox.slack_api import SlackSandbox

# Slack's deprecated verification token; Bolt ignores it when a signing secret is set.
VERIFICATION_TOKEN = "sandbox-verification-token"  # noqa: S105 (not a secret)
# The status SocketModeSlackClient reports when the bot sent no ack in time; Slack then shows the
# person an error, and delivers an event again (bot.sandbox.socket_mode).
NOT_ACKNOWLEDGED = 0
# Where each input element type keeps its answer in view.state.values.
STATE_KEYS = {
    "plain_text_input": "value", "email_text_input": "value", "url_text_input": "value",
    "number_input": "value", "static_select": "selected_option",
    "radio_buttons": "selected_option", "datepicker": "selected_date",
    "timepicker": "selected_time", "users_select": "selected_user",
    "conversations_select": "selected_conversation", "channels_select": "selected_channel",
    "multi_users_select": "selected_users", "checkboxes": "selected_options",
}
# Menus a person chooses from in a message or view (rather than in a modal's input).
MENUS = ("overflow", "static_select")
# What an untouched input reports: Slack sends the initial value back as the answer.
INITIAL_KEYS = {"value": "initial_value", "selected_option": "initial_option",
                "selected_options": "initial_options", "selected_time": "initial_time",
                "selected_date": "initial_date", "selected_user": "initial_user",
                "selected_users": "initial_users",
                "selected_conversation": "initial_conversation",
                "selected_channel": "initial_channel"}


def _option(element: dict[str, Any], block_id: str, value: Any) -> dict[str, Any]:
    """The option object Slack reports for a chosen value of a select or checkboxes."""
    found = next((o for o in element.get("options", []) if o.get("value") == value), None)
    if found is None:
        raise LookupError(f"{block_id}/{element['action_id']} has no option {value!r}")
    return dict(found)


@dataclass(frozen=True)
class SlackReply:
    """The bot's HTTP answer; header names are lower-cased."""

    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body) if self.body.strip() else {}

    @property
    def text(self) -> str:
        return self.body.decode()


def _blocks_elements(blocks: list[dict[str, Any]]) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """(block, element) for every element that carries an action_id."""
    found = []
    for block in blocks:
        candidates = [*block.get("elements", []), block.get("accessory"), block.get("element")]
        found += [(block, element) for element in candidates
                  if isinstance(element, dict) and "action_id" in element]
    return found


class SlackClient:
    """What Slack sends the bot when people act; `post_raw` is the wire it travels on (signed
    HTTP in SignedSlackClient, Socket Mode envelopes in SocketModeSlackClient)."""

    def __init__(self, *, sandbox: SlackSandbox, team_id: str | None = None,
                 api_app_id: str = "A0SANDBOX", timeout: float = 10.0) -> None:
        self.sandbox = sandbox
        self.team_id = team_id or sandbox.team_id
        self.api_app_id = api_app_id
        self.timeout = timeout
        self._last: tuple[bytes, str] | None = None  # the last body sent, for redeliver()

    # -- what people do --------------------------------------------------------------------

    def slash_command(self, user_id: str, text: str = "", *, command: str = "/engagement",
                      channel_id: str = "C0GENERAL", team_id: str | None = None) -> SlackReply:
        form = {
            "token": VERIFICATION_TOKEN, "team_id": team_id or self.team_id,
            "team_domain": self.sandbox.team_domain, "channel_id": channel_id,
            "channel_name": self.sandbox.channel_name(channel_id), "user_id": user_id,
            "user_name": self._user(user_id)["username"], "command": command, "text": text,
            "api_app_id": self.api_app_id, "is_enterprise_install": "false",
            "response_url": self.sandbox.new_response_url(channel=channel_id, user=user_id),
            "trigger_id": self.sandbox.issue_trigger_id(),
        }
        enterprise = self.sandbox.enterprise_of(form["team_id"])
        if enterprise is not None:  # a Grid workspace: Slack names its org
            form |= {"enterprise_id": enterprise, "enterprise_name": f"{enterprise} Org"}
        body = urlencode(form).encode()
        self._last = (body, "application/x-www-form-urlencoded")
        return self._checked(self.post_raw(body))

    def click(self, user_id: str, message: dict[str, Any], action_id: str, *,
              team_id: str | None = None, option: str | None = None) -> SlackReply:
        """Click the button `action_id` in a message the sandbox holds; with `option`, choose
        that option's value in the overflow menu or select menu `action_id`."""
        return self._send_payload(self.click_payload(user_id, message, action_id,
                                                     team_id=team_id, option=option))

    def click_payload(self, user_id: str, message: dict[str, Any], action_id: str, *,
                      team_id: str | None = None, option: str | None = None) -> dict[str, Any]:
        """The block_actions payload `click` sends, for a caller that sends it later itself.
        On an ephemeral message (sandbox.ephemeral_messages) Slack sends no `message`."""
        channel, ts = message["channel"], message["ts"]
        ephemeral = bool(message.get("is_ephemeral"))
        shown = {key: value for key, value in message.items()
                 if key not in ("channel", "is_ephemeral", "visible_to")}
        return {
            **self._interaction("block_actions", user_id, team_id),
            "container": {"type": "message", "message_ts": ts, "channel_id": channel,
                          "is_ephemeral": ephemeral},
            "channel": {"id": channel, "name": self.sandbox.channel_name(channel)},
            **({} if ephemeral else {"message": shown}),
            "state": {"values": {}},
            "response_url": self.sandbox.new_response_url(channel=channel, ts=ts, user=user_id),
            "actions": [self._action(message.get("blocks", []), action_id, option)],
        }

    def click_home(self, user_id: str, view: dict[str, Any], action_id: str, *,
                   team_id: str | None = None, option: str | None = None) -> SlackReply:
        """Click a button (or choose `option` in a menu) in a Home tab or modal; Slack gives no
        response_url for views."""
        payload = {
            **self._interaction("block_actions", user_id, team_id),
            "container": {"type": "view", "view_id": view["id"]},
            "view": view,
            "actions": [self._action(view.get("blocks", []), action_id, option)],
        }
        return self._send_payload(payload)

    def submit_view(self, user_id: str, view: dict[str, Any],
                    values: dict[str, dict[str, Any]], *,
                    team_id: str | None = None) -> SlackReply:
        """Submit a modal with `values` ({block_id: {action_id: text}}) typed into its inputs."""
        payload = {
            **self._interaction("view_submission", user_id, team_id),
            "view": {**view, "state": {"values": self._state(view, values)}},
            "response_urls": [],
        }
        return self._send_payload(payload)

    def event(self, event: dict[str, Any], *, event_id: str | None = None,
              retry_num: int | None = None, team_id: str | None = None) -> SlackReply:
        """Deliver an Events API callback; retry_num marks it as Slack's retry of a timeout."""
        now = time.time()
        team = team_id or self.team_id
        enterprise = self.sandbox.enterprise_of(team)
        envelope = {
            "token": VERIFICATION_TOKEN, "team_id": team, "api_app_id": self.api_app_id,
            **({"enterprise_id": enterprise} if enterprise is not None else {}),
            "event": {"event_ts": f"{now:.6f}", **event}, "type": "event_callback",
            "event_id": event_id or f"Ev{secrets.token_hex(5).upper()}",
            "event_time": int(now), "is_ext_shared_channel": False,
            "authorizations": [{"enterprise_id": enterprise, "team_id": team,
                                "user_id": self.sandbox.bot_user_id, "is_bot": True,
                                "is_enterprise_install": False}],
        }
        headers = {} if retry_num is None else {"X-Slack-Retry-Num": str(retry_num),
                                                "X-Slack-Retry-Reason": "http_timeout"}
        return self.post_raw(json.dumps(envelope).encode(), content_type="application/json",
                             headers=headers)

    # -- the wire --------------------------------------------------------------------------

    def post_raw(self, body: bytes, *, content_type: str = "application/x-www-form-urlencoded",
                 headers: dict[str, str] | None = None) -> SlackReply:
        """Deliver `body` (a form or JSON, as Slack posts it) and return the bot's answer."""
        raise NotImplementedError

    # -- payload parts ---------------------------------------------------------------------

    def _user(self, user_id: str, team_id: str | None = None) -> dict[str, Any]:
        known = self.sandbox.user(user_id)
        name = known["name"] if known else user_id.lower()
        return {"id": user_id, "username": name, "name": name,
                "team_id": team_id or (known["team_id"] if known else self.team_id)}

    def _interaction(self, kind: str, user_id: str, team_id: str | None) -> dict[str, Any]:
        team = team_id or self.team_id
        enterprise = self.sandbox.enterprise_of(team)
        return {
            "type": kind, "user": self._user(user_id, team_id), "api_app_id": self.api_app_id,
            "token": VERIFICATION_TOKEN, "trigger_id": self.sandbox.issue_trigger_id(),
            "team": {"id": team, "domain": self.sandbox.team_domain,
                     **({"enterprise_id": enterprise} if enterprise is not None else {})},
            "enterprise": (None if enterprise is None
                           else {"id": enterprise, "name": f"{enterprise} Org"}),
            "is_enterprise_install": False,
        }

    @staticmethod
    def _action(blocks: list[dict[str, Any]], action_id: str,
                option: str | None = None) -> dict[str, Any]:
        elements = _blocks_elements(blocks)
        for block, element in elements:
            if element["action_id"] != action_id:
                continue
            kind, block_id = element.get("type"), block.get("block_id", "")
            stamp = f"{time.time():.6f}"
            if kind in MENUS and option is not None:
                return {"action_id": action_id, "block_id": block_id, "type": kind,
                        "selected_option": _option(element, block_id, option),
                        "action_ts": stamp}
            if kind != "button" or option is not None:
                raise LookupError(f"{action_id!r} is a {kind}: "
                                  + ("choose one of its options" if kind in MENUS
                                     else "not a button or menu"))
            action = {"action_id": action_id, "block_id": block_id,
                      "text": element.get("text"), "value": element.get("value"),
                      "type": "button", "action_ts": stamp}
            return action | ({"style": element["style"]} if "style" in element else {})
        available = [element["action_id"] for _, element in elements]
        raise LookupError(f"no button {action_id!r}; action_ids here: {available}")

    @staticmethod
    def _state(view: dict[str, Any],
               values: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
        """view.state.values as Slack sends it: every input, null where nothing was entered."""
        state: dict[str, dict[str, Any]] = {}
        unused = {(block, action) for block, actions in values.items() for action in actions}
        for block in view.get("blocks", []):
            element = block.get("element")
            if block.get("type") != "input" or not isinstance(element, dict):
                continue
            block_id, action_id, kind = block["block_id"], element["action_id"], element["type"]
            key = STATE_KEYS.get(kind, "value")
            given = values.get(block_id, {})
            unused.discard((block_id, action_id))
            if action_id not in given:
                state[block_id] = {action_id: {"type": kind,
                                               key: element.get(INITIAL_KEYS[key])}}
                continue
            text = given[action_id]
            answer: Any = text
            if key == "selected_option" and text is not None:
                answer = _option(element, block_id, text)
            elif key == "selected_options":
                answer = [_option(element, block_id, value) for value in text or []]
            state[block_id] = {action_id: {"type": kind, key: answer}}
        if unused:
            inputs = [(block_id, action) for block_id, actions in state.items()
                      for action in actions]
            raise LookupError(f"no input {sorted(unused)} in view {view.get('id')}; "
                              f"its inputs: {inputs}")
        return state

    def _send_payload(self, payload: dict[str, Any]) -> SlackReply:
        body = urlencode({"payload": json.dumps(payload)}).encode()
        self._last = (body, "application/x-www-form-urlencoded")
        return self._checked(self.post_raw(body))

    def redeliver(self) -> SlackReply:
        """Send the last interaction or slash command again, byte for byte (same action_ts and
        trigger_id), freshly signed: Slack delivering one click twice, or a signed request
        replayed within the 5 minutes its signature is accepted."""
        if self._last is None:
            raise LookupError("nothing sent yet to deliver again")
        body, content_type = self._last
        return self._checked(self.post_raw(body, content_type=content_type))

    def _checked(self, reply: SlackReply) -> SlackReply:
        """Hold the bot's inline answers (messages, pushed views) to the limits Slack applies."""
        if reply.status != 200 or "json" not in reply.headers.get("content-type", ""):
            return reply
        body = reply.json()
        if not isinstance(body, dict):
            return reply
        found = block_problems(body["blocks"], "message") if "blocks" in body else []
        found += view_problems(body["view"]) if "view" in body else []
        self.sandbox.note_problems("reply from the bot", found)
        return reply


class SignedSlackClient(SlackClient):
    """Posts Slack-shaped, correctly signed requests to the bot's request URL."""

    def __init__(self, *, bot_url: str, signing_secret: str, sandbox: SlackSandbox,
                 team_id: str | None = None, api_app_id: str = "A0SANDBOX",
                 timeout: float = 10.0) -> None:
        super().__init__(sandbox=sandbox, team_id=team_id, api_app_id=api_app_id,
                         timeout=timeout)
        self.bot_url = bot_url
        self._verifier = SignatureVerifier(signing_secret)

    def install(self, team_id: str, *, install_path: str = "/slack/install") -> BrowserReply:
        """Install the app in `team_id` through OAuth, as its installer's browser would: the
        bot's install page, Slack's authorize page, and back to the bot with code and state.
        Its answer is the bot's page at the end (bot.sandbox.browser has the single steps)."""
        start = start_install(self.bot_base + install_path, team_id)
        return get(approve(start.authorize_url), cookie=start.cookie)

    @property
    def bot_base(self) -> str:
        """The bot's server, without the request path: where its browser pages are."""
        parts = urlsplit(self.bot_url)
        return f"{parts.scheme}://{parts.netloc}"

    def post_raw(self, body: bytes, *, content_type: str = "application/x-www-form-urlencoded",
                 timestamp: int | None = None, signature: str | None = None, sign: bool = True,
                 headers: dict[str, str] | None = None) -> SlackReply:
        """POST `body` as Slack would; `signature`, an old `timestamp` or sign=False forge it."""
        sent = {"Content-Type": content_type,
                "User-Agent": "Slackbot 1.0 (+https://api.slack.com/robots)"}
        if sign:
            sent.update(signature_headers(self._verifier, body, timestamp=timestamp))
            if signature is not None:
                sent["X-Slack-Signature"] = signature
        sent.update(headers or {})
        request = Request(self.bot_url, data=body, headers=sent, method="POST")  # noqa: S310
        try:
            with urlopen(request, timeout=self.timeout) as answer:  # noqa: S310 (local bot)
                return SlackReply(answer.status, _lower(answer.headers.items()), answer.read())
        except HTTPError as error:  # a non-2xx answer is a result to assert on, not a failure
            with error:
                return SlackReply(error.code, _lower(error.headers.items()), error.read())


class SocketModeSlackClient(SlackClient):
    """Sends the same payloads as Socket Mode envelopes, through the sandbox's WebSocket server
    to the bot connected there. The reply is the bot's ack: 200 with the ack's payload as JSON
    (empty when it sent none), or NOT_ACKNOWLEDGED when no ack came within `timeout`."""

    def post_raw(self, body: bytes, *, content_type: str = "application/x-www-form-urlencoded",
                 headers: dict[str, str] | None = None) -> SlackReply:
        kind, payload = envelope_of(body, content_type)
        sent = {name.lower(): value for name, value in (headers or {}).items()}
        retry = sent.get("x-slack-retry-num")
        server = self.sandbox.socket_mode
        envelope = server.deliver(kind, payload,
                                  retry_attempt=None if retry is None else int(retry),
                                  retry_reason=sent.get("x-slack-retry-reason"),
                                  timeout=self.timeout)
        ack = server.wait_for_ack(envelope, timeout=self.timeout)
        if ack is None:
            return SlackReply(NOT_ACKNOWLEDGED, {}, b"")
        if ack.payload is None:
            return SlackReply(200, {}, b"")
        return SlackReply(200, {"content-type": "application/json"},
                          json.dumps(ack.payload).encode())


def envelope_of(body: bytes, content_type: str) -> tuple[str, dict[str, Any]]:
    """The Socket Mode envelope type and payload of what Slack would POST as `body`: an event
    (JSON), an interaction (a form holding `payload`) or a slash command (the form itself)."""
    if content_type.startswith("application/json"):
        return "events_api", json.loads(body)
    form = dict(parse_qsl(body.decode(), keep_blank_values=True))
    if "payload" in form and "command" not in form:
        return "interactive", json.loads(form["payload"])
    return "slash_commands", form


def signature_headers(verifier: SignatureVerifier, body: bytes, *,
                      timestamp: int | None = None) -> dict[str, str]:
    """The two headers Slack signs a request with (now, unless `timestamp` says otherwise)."""
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    # generate_signature is typed Optional but only returns None for a missing input.
    return {"X-Slack-Request-Timestamp": stamp,
            "X-Slack-Signature": str(verifier.generate_signature(timestamp=stamp, body=body))}


def _lower(items: Any) -> dict[str, str]:
    return {str(name).lower(): str(value) for name, value in items}
