"""SignedSlackClient against a stand-in bot that verifies signatures the way Bolt does."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

import pytest
from slack_sdk import WebClient
from slack_sdk.signature import SignatureVerifier
from slack_sdk.webhook import WebhookClient

from bot.sandbox.client import SignedSlackClient
from bot.sandbox.slack_api import SlackSandbox

SECRET = "client-test-signing-secret"
ANN = "U0ANN"


@dataclass(frozen=True)
class Received:
    headers: dict[str, str]
    body: bytes
    valid: bool  # what SignatureVerifier said

    def form(self) -> dict[str, str]:
        return {key: values[0] for key, values in parse_qs(self.body.decode()).items()}

    def payload(self) -> dict[str, Any]:
        parsed: dict[str, Any] = json.loads(self.form()["payload"])
        return parsed


@dataclass
class FakeBot:
    """Records each request before answering, so a returned call is already recorded."""

    received: list[Received] = field(default_factory=list)
    reply: bytes = b""
    reply_type: str = "text/plain"


class _BotServer(ThreadingHTTPServer):
    daemon_threads = True
    bot: FakeBot


class _BotHandler(BaseHTTPRequestHandler):
    server: _BotServer

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        headers = {name.lower(): value for name, value in self.headers.items()}
        valid = SignatureVerifier(SECRET).is_valid_request(body, headers)
        bot = self.server.bot
        bot.received.append(Received(headers, body, valid))
        answer = bot.reply if valid else b"invalid request"
        self.send_response(200 if valid else 401)
        self.send_header("Content-Type", bot.reply_type)
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the test asserts on what was received instead."""


@pytest.fixture
def bot() -> Iterator[tuple[FakeBot, str]]:
    server = _BotServer(("127.0.0.1", 0), _BotHandler)
    server.bot = FakeBot()
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield server.bot, f"http://127.0.0.1:{server.server_address[1]}/slack/events"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture
def sandbox() -> Iterator[SlackSandbox]:
    with SlackSandbox() as sandbox:
        sandbox.add_user(ANN, name="ann", real_name="Ann Archer")
        sandbox.add_channel("C0GENERAL", name="general", members=[ANN])
        yield sandbox


@pytest.fixture
def slack(bot: tuple[FakeBot, str], sandbox: SlackSandbox) -> SignedSlackClient:
    return SignedSlackClient(bot_url=bot[1], signing_secret=SECRET, sandbox=sandbox)


@pytest.fixture
def web(sandbox: SlackSandbox) -> WebClient:
    return WebClient(token=sandbox.bot_token, base_url=sandbox.api_url)


MODAL = {
    "type": "modal", "callback_id": "comment_modal", "private_metadata": "delivery:7",
    "title": {"type": "plain_text", "text": "Add a comment"},
    "submit": {"type": "plain_text", "text": "Send"},
    "blocks": [
        {"type": "input", "block_id": "comment", "label": {"type": "plain_text", "text": "Why?"},
         "element": {"type": "plain_text_input", "action_id": "comment_input"}},
        {"type": "input", "block_id": "mood", "label": {"type": "plain_text", "text": "Mood"},
         "optional": True,
         "element": {"type": "static_select", "action_id": "pick", "options": [
             {"text": {"type": "plain_text", "text": "Happy"}, "value": "happy"}]}},
    ],
}


def test_slash_command_sends_slacks_form_fields(
    bot: tuple[FakeBot, str], slack: SignedSlackClient, sandbox: SlackSandbox, web: WebClient
) -> None:
    reply = slack.slash_command(ANN, "report nps")

    [request] = bot[0].received
    form = request.form()
    assert request.valid
    assert reply.status == 200
    assert request.headers["content-type"] == "application/x-www-form-urlencoded"
    assert {key: form[key] for key in ("command", "text", "user_id", "user_name", "team_id",
                                       "team_domain", "channel_id", "channel_name",
                                       "api_app_id", "is_enterprise_install")} == {
        "command": "/engagement", "text": "report nps", "user_id": ANN, "user_name": "ann",
        "team_id": sandbox.team_id, "team_domain": sandbox.team_domain,
        "channel_id": "C0GENERAL", "channel_name": "general", "api_app_id": "A0SANDBOX",
        "is_enterprise_install": "false"}
    assert form["response_url"].startswith(sandbox.base_url + "/response/")
    # The trigger id is one the sandbox issued: it opens a modal exactly once.
    assert web.views_open(trigger_id=form["trigger_id"], view=MODAL)["ok"]
    # An in_channel answer on the response_url becomes a message in the command's channel.
    WebhookClient(form["response_url"]).send(text="Shared", response_type="in_channel")
    assert [m["text"] for m in sandbox.messages("C0GENERAL")] == ["Shared"]


def test_click_sends_block_actions_built_from_the_posted_message(
    bot: tuple[FakeBot, str], slack: SignedSlackClient, sandbox: SlackSandbox, web: WebClient
) -> None:
    buttons = [{"type": "button", "action_id": f"score_{n}", "value": f"7:nps:{n}",
                "text": {"type": "plain_text", "text": str(n)}} for n in range(3)]
    buttons[2]["style"] = "primary"
    web.chat_postMessage(channel=ANN, text="How likely?", blocks=[
        {"type": "actions", "block_id": "scores", "elements": buttons}])
    message = sandbox.messages(sandbox.dm_channel(ANN))[-1]

    slack.click(ANN, message, "score_2")

    payload = bot[0].received[0].payload()
    assert bot[0].received[0].valid
    assert payload["type"] == "block_actions"
    assert payload["user"] == {"id": ANN, "username": "ann", "name": "ann",
                               "team_id": sandbox.team_id}
    assert payload["container"] == {"type": "message", "message_ts": message["ts"],
                                    "channel_id": message["channel"], "is_ephemeral": False}
    assert payload["channel"] == {"id": message["channel"], "name": "directmessage"}
    assert payload["team"] == {"id": sandbox.team_id, "domain": sandbox.team_domain}
    assert payload["message"] == {k: v for k, v in message.items() if k != "channel"}
    assert payload["enterprise"] is None
    assert payload["is_enterprise_install"] is False
    [action] = payload["actions"]
    assert {k: action[k] for k in ("action_id", "block_id", "value", "type", "style")} == {
        "action_id": "score_2", "block_id": "scores", "value": "7:nps:2", "type": "button",
        "style": "primary"}
    assert action["text"] == {"type": "plain_text", "text": "2"}
    # The response_url is tied to the clicked message: replace_original rewrites it.
    WebhookClient(payload["response_url"]).send(text="Thanks", replace_original=True)
    assert sandbox.message(message["channel"], message["ts"])["text"] == "Thanks"
    with pytest.raises(LookupError, match=r"score_0', 'score_1', 'score_2'"):
        slack.click(ANN, message, "score_9")


def test_choosing_in_a_menu_sends_the_option_and_a_click_on_an_ephemeral_message_no_message(
    bot: tuple[FakeBot, str], slack: SignedSlackClient, sandbox: SlackSandbox,
) -> None:
    options = [{"text": {"type": "plain_text", "text": label}, "value": value}
               for label, value in (("This quarter", "quarter"), ("This year", "year"))]
    WebhookClient(sandbox.new_response_url(channel="C0GENERAL", user=ANN)).send(
        text="Figures", blocks=[{"type": "actions", "block_id": "period", "elements": [
            {"type": "overflow", "action_id": "more", "options": options},
            {"type": "static_select", "action_id": "pick", "options": options}]}])
    [shown] = sandbox.ephemeral_messages(ANN)

    slack.click(ANN, shown, "more", option="year")
    slack.click(ANN, shown, "pick", option="quarter")

    overflow, select = (r.payload() for r in bot[0].received)
    assert overflow["container"]["is_ephemeral"] is True
    assert "message" not in overflow  # Slack sends none for an ephemeral message
    assert {k: overflow["actions"][0][k] for k in ("action_id", "block_id", "type")} == {
        "action_id": "more", "block_id": "period", "type": "overflow"}
    assert overflow["actions"][0]["selected_option"] == options[1]
    assert select["actions"][0]["selected_option"] == options[0]
    with pytest.raises(LookupError, match="no option 'decade'"):
        slack.click(ANN, shown, "more", option="decade")
    with pytest.raises(LookupError, match="choose one of its options"):
        slack.click(ANN, shown, "pick")


def test_click_home_sends_a_view_container(
    bot: tuple[FakeBot, str], slack: SignedSlackClient, sandbox: SlackSandbox, web: WebClient
) -> None:
    web.views_publish(user_id=ANN, view={"type": "home", "blocks": [
        {"type": "actions", "block_id": "home", "elements": [
            {"type": "button", "action_id": "refresh", "text": {"type": "plain_text",
                                                                 "text": "Refresh"}}]}]})
    home = sandbox.home_view(ANN)
    assert home is not None

    slack.click_home(ANN, home, "refresh")

    payload = bot[0].received[0].payload()
    assert payload["container"] == {"type": "view", "view_id": home["id"]}
    assert payload["view"] == home
    assert payload["actions"][0]["action_id"] == "refresh"
    assert "response_url" not in payload


def test_submit_view_fills_state_values_by_element_type(
    bot: tuple[FakeBot, str], slack: SignedSlackClient, sandbox: SlackSandbox, web: WebClient
) -> None:
    view = web.views_open(trigger_id=sandbox.issue_trigger_id(), view=MODAL)["view"]

    slack.submit_view(ANN, view, {"comment": {"comment_input": "Invoices <b>"}})
    slack.submit_view(ANN, view, {"comment": {"comment_input": "ok"}, "mood": {"pick": "happy"}})

    first, second = (r.payload() for r in bot[0].received)
    assert first["type"] == "view_submission"
    assert first["user"]["id"] == ANN
    assert {k: first["view"][k] for k in ("id", "callback_id", "private_metadata", "hash",
                                          "team_id")} == {
        "id": view["id"], "callback_id": "comment_modal", "private_metadata": "delivery:7",
        "hash": view["hash"], "team_id": sandbox.team_id}
    assert first["view"]["state"]["values"] == {
        "comment": {"comment_input": {"type": "plain_text_input", "value": "Invoices <b>"}},
        "mood": {"pick": {"type": "static_select", "selected_option": None}}}
    assert second["view"]["state"]["values"]["mood"]["pick"]["selected_option"] == (
        MODAL["blocks"][1]["element"]["options"][0])  # type: ignore[index]
    with pytest.raises(LookupError, match="comment_input"):
        slack.submit_view(ANN, view, {"comment": {"typo": "x"}})


def test_event_envelope_and_retry_headers(
    bot: tuple[FakeBot, str], slack: SignedSlackClient, sandbox: SlackSandbox
) -> None:
    event = {"type": "app_home_opened", "user": ANN, "tab": "home", "channel": "D0HOME"}

    slack.event(event)
    slack.event(event, event_id="Ev0RETRY", retry_num=2)

    first, retry = bot[0].received
    envelope = json.loads(first.body)
    assert first.headers["content-type"] == "application/json"
    assert envelope["type"] == "event_callback"
    assert envelope["event_id"].startswith("Ev")
    assert envelope["team_id"] == sandbox.team_id
    assert envelope["api_app_id"] == "A0SANDBOX"
    assert envelope["event"] == {**event, "event_ts": envelope["event"]["event_ts"]}
    assert abs(envelope["event_time"] - time.time()) < 60
    assert envelope["authorizations"][0]["user_id"] == sandbox.bot_user_id
    assert "x-slack-retry-num" not in first.headers
    assert json.loads(retry.body)["event_id"] == "Ev0RETRY"
    assert (retry.headers["x-slack-retry-num"], retry.headers["x-slack-retry-reason"]) == (
        "2", "http_timeout")
    assert first.valid
    assert retry.valid


def test_post_raw_can_send_unsigned_stale_and_forged_requests(
    bot: tuple[FakeBot, str], slack: SignedSlackClient
) -> None:
    body = b"command=%2Fengagement&text="
    stale_at = int(time.time()) - 6 * 60

    replies = [slack.post_raw(body, sign=False), slack.post_raw(body, timestamp=stale_at),
               slack.post_raw(body, signature="v0=" + "0" * 64)]

    unsigned, stale, forged = bot[0].received
    assert [r.status for r in replies] == [401, 401, 401]
    assert not any(name.startswith("x-slack-") for name in unsigned.headers)
    assert stale.headers["x-slack-request-timestamp"] == str(stale_at)
    expected = SignatureVerifier(SECRET).generate_signature(timestamp=str(stale_at), body=body)
    assert stale.headers["x-slack-signature"] == expected  # right signature, too old
    assert forged.headers["x-slack-signature"] == "v0=" + "0" * 64
    assert abs(int(forged.headers["x-slack-request-timestamp"]) - time.time()) < 60
    assert replies[0].text == "invalid request"


def test_replies_are_parsed_and_held_to_block_kit_limits(
    bot: tuple[FakeBot, str], slack: SignedSlackClient, sandbox: SlackSandbox
) -> None:
    empty = slack.slash_command(ANN, "help")
    bot[0].reply_type = "application/json"
    bot[0].reply = json.dumps({"response_type": "ephemeral", "text": "t", "blocks": [
        {"type": "header", "text": {"type": "plain_text", "text": "h" * 151}}]}).encode()

    answered = slack.slash_command(ANN, "help")

    assert (empty.json(), empty.text) == ({}, "")
    assert answered.json()["text"] == "t"
    assert answered.headers["content-type"] == "application/json"
    assert sandbox.problems == [
        "reply from the bot: blocks[0]: header text is 151 characters; Slack's limit is 150"]
