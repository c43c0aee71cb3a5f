"""Socket Mode: Slack reaching the bot over a WebSocket instead of signed HTTP requests.

The bot connects as `run` does with SLACK_APP_TOKEN (bot.app.socket_mode over slack_sdk's
built-in client) to the sandbox's Socket Mode end (bot.sandbox.socket_mode). The end-to-end
tests marked BOTH_TRANSPORTS elsewhere run over it as well; these are about the connection
itself: the envelopes and acks, reconnecting, lost acks, and `run` as a process.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy import Engine
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect as ws_connect

from bot.app import socket_mode
from bot.app.wiring import create_app
from bot.core import ids
from bot.core.services import Services
from bot.sandbox.client import NOT_ACKNOWLEDGED, SlackClient, SocketModeSlackClient
from bot.sandbox.slack_api import SlackSandbox
from bot.slack.client import create_web_client
from tests.conftest import BOTH_TRANSPORTS, CUSTOMERS, STAFF, STAFF_GROUP, SendPulse
from tests.integration.cli_runner import run_cli
from tests.integration.helpers import click_score, comment, pulse_message, responses
from tests.integration.running_bots import bot_env
from tests.settling import SettledSocketModeClient, SettlingExecutor

SOCKET_ONLY = pytest.mark.parametrize("transport", ["socket"])
HOME_OPENED = {"type": "app_home_opened", "tab": "home", "channel": "D0HOME"}


# -- the sandbox's end, as Slack's -----------------------------------------------------------

def test_apps_connections_open_answers_the_app_level_token_alone(sandbox: SlackSandbox) -> None:
    api = WebClient(base_url=sandbox.api_url)

    url = api.apps_connections_open(app_token=sandbox.app_token)["url"]
    refused = {}
    for token in (sandbox.bot_token, "xapp-1-A0OTHER-1-unknown", ""):
        with pytest.raises(SlackApiError) as raised:
            api.apps_connections_open(app_token=token)
        refused[token] = raised.value.response["error"]

    assert url.startswith(sandbox.socket_mode.base_url + "/link/?ticket=")
    assert refused == {sandbox.bot_token: "not_allowed_token_type",
                       "xapp-1-A0OTHER-1-unknown": "invalid_auth", "": "not_authed"}


def test_a_url_opens_one_connection_which_slack_greets(sandbox: SlackSandbox) -> None:
    url = WebClient(base_url=sandbox.api_url).apps_connections_open(
        app_token=sandbox.app_token)["url"]

    with ws_connect(url) as first:
        hello = json.loads(first.recv(timeout=5))
        with pytest.raises(InvalidStatus) as again:
            ws_connect(url)  # the ticket was used
    forged = url.split("?")[0] + "?ticket=0123&app_id=A0SANDBOX"
    with pytest.raises(InvalidStatus) as unknown:
        ws_connect(forged)

    assert (hello["type"], hello["num_connections"]) == ("hello", 1)
    assert hello["connection_info"] == {"app_id": sandbox.app_id}
    assert again.value.response.status_code == unknown.value.response.status_code == 401


def test_an_unacknowledged_event_comes_three_times_more_and_a_click_never_again(
    sandbox: SlackSandbox,
) -> None:
    server = sandbox.socket_mode
    server.ack_seconds = 0.2
    url = WebClient(base_url=sandbox.api_url).apps_connections_open(
        app_token=sandbox.app_token)["url"]

    with ws_connect(url) as app:  # an app that reads everything and acknowledges nothing
        app.recv(timeout=5)  # hello
        click = server.deliver("interactive", {"type": "block_actions"})
        event = server.deliver("events_api", {"type": "event_callback", "event_id": "Ev0X"})
        server.wait_for(lambda: server.pending_retries() == 0 and len(server.envelopes()) == 5,
                        what="the event's last retry")
        received = [json.loads(app.recv(timeout=5)) for _ in range(5)]

    assert [m["envelope_id"] for m in received][:2] == [click.envelope_id, event.envelope_id]
    assert [(m["type"], m.get("retry_attempt"), m.get("retry_reason")) for m in received] == [
        ("interactive", None, None), ("events_api", 0, ""), ("events_api", 1, "timeout"),
        ("events_api", 2, "timeout"), ("events_api", 3, "timeout")]
    assert {m["payload"].get("event_id") for m in received[1:]} == {"Ev0X"}
    assert server.acks() == []


# -- envelopes and acks ----------------------------------------------------------------------

@SOCKET_ONLY
def test_each_kind_of_envelope_is_acked_once_with_the_answer_the_bot_gave(
    send_pulse: SendPulse, sandbox: SlackSandbox, slack: SlackClient
) -> None:
    send_pulse()
    server = sandbox.socket_mode
    command = slack.slash_command(STAFF, "help")
    click_score(sandbox, slack, CUSTOMERS[0], 8)
    too_long = comment(sandbox, slack, CUSTOMERS[0], "x" * 10_000)
    slack.event({**HOME_OPENED, "user": STAFF})

    sent = server.envelopes()
    kinds = [(e.type, e.payload.get("type"), e.accepts_response_payload) for e in sent]
    # Slack lets a command's and a form's ack carry the answer, not a click's or an event's.
    assert kinds == [("slash_commands", None, True), ("interactive", "block_actions", False),
                     ("interactive", "block_actions", False),  # "Add a comment"
                     ("interactive", "view_submission", True),
                     ("events_api", "event_callback", False)]
    assert sent[-1].message()["retry_attempt"] == 0
    acks = {ack.envelope_id: ack.payload for ack in server.acks()}
    assert list(acks) == [e.envelope_id for e in sent]  # each once, in order
    assert "What you can ask" in str(acks[sent[0].envelope_id])
    assert acks[sent[0].envelope_id] == command.json()
    assert acks[sent[1].envelope_id] is None
    assert acks[sent[3].envelope_id] == too_long.json()
    assert too_long.json()["response_action"] == "errors"
    assert acks[sent[4].envelope_id] is None
    assert server.strays() == []
    assert [c.number for c in server.connections()] == [1]


# -- the connection coming and going ---------------------------------------------------------

@SOCKET_ONLY
def test_the_bot_reconnects_when_slack_asks_it_to_refresh(
    sandbox: SlackSandbox, slack: SlackClient
) -> None:
    server = sandbox.socket_mode
    [first] = server.connections()

    assert server.refresh("refresh_requested") == [first.number]
    # Slack sends nothing more on a connection it asked to refresh: this goes on the new one.
    reply = slack.slash_command(STAFF, "help")
    server.wait_for(lambda: not server.connections()[0].open, what="the old connection closed")

    assert reply.status == 200
    assert [(c.number, c.open) for c in server.connections()] == [(1, False), (2, True)]
    assert [e.connection for e in server.envelopes()] == [2]
    assert len(sandbox.calls("apps.connections.open")) == 2


@pytest.fixture
def patient_bot(services: Services, sandbox: SlackSandbox,
                listeners: SettlingExecutor) -> Iterator[SocketModeHandler]:
    """The bot over Socket Mode with a ping interval longer than any test: slack_sdk's monitor,
    which reconnects once a ping interval has passed, cannot be what reconnected it."""
    app = create_app(services, create_web_client(services.settings), listener_executor=listeners)
    handler = socket_mode.connect(app, sandbox.app_token, ping_interval=3600)
    sandbox.socket_mode.wait_for_connections(1)
    yield handler
    handler.client.auto_reconnect_enabled = False
    sandbox.socket_mode.drop()
    handler.close()  # type: ignore[no-untyped-call]


def test_the_bot_reconnects_at_once_when_its_connection_closes_without_warning(
    patient_bot: SocketModeHandler, sandbox: SlackSandbox, listeners: SettlingExecutor
) -> None:
    server = sandbox.socket_mode
    slack = SettledSocketModeClient(sandbox=sandbox, listeners=listeners)
    sandbox.fail("apps.connections.open", status=500)  # the first new URL asked for: a 5xx

    server.drop(code=1011)  # a close frame, no `disconnect` first
    reply = slack.slash_command(STAFF, "help")

    assert reply.status == 200
    assert [(c.number, c.open) for c in server.connections()] == [(1, False), (2, True)]
    assert [call.status for call in sandbox.calls("apps.connections.open")] == [200, 500, 200]


# -- acks that never reach Slack -------------------------------------------------------------

@SOCKET_ONLY
def test_an_event_whose_ack_was_lost_comes_again_and_is_handled_once(
    sandbox: SlackSandbox, slack: SlackClient, listeners: SettlingExecutor
) -> None:
    server = sandbox.socket_mode
    server.ack_seconds = 0.5
    server.lose_acks(1)

    reply = slack.event({**HOME_OPENED, "user": STAFF}, event_id="Ev0LOSTACK")
    # Both deliveries were dispatched before their acks left: their listeners are started.
    server.wait_for(lambda: len(server.lost_acks()) == 1, what="the lost ack")
    listeners.settle()

    first, again = server.envelopes("events_api")
    assert reply.status == 200
    assert first.payload["event_id"] == again.payload["event_id"] == "Ev0LOSTACK"
    assert (again.retry_attempt, again.retry_reason) == (1, "timeout")
    assert [a.envelope_id for a in server.lost_acks()] == [first.envelope_id]
    assert [a.envelope_id for a in server.acks()] == [again.envelope_id]
    assert len(sandbox.calls("views.publish")) == 1  # the retry was recognised and skipped


@SOCKET_ONLY
def test_a_click_whose_ack_was_lost_counted_and_pressing_again_changes_nothing(
    send_pulse: SendPulse, sandbox: SlackSandbox, slack: SlackClient, engine: Engine,
    listeners: SettlingExecutor
) -> None:
    send_pulse()
    server = sandbox.socket_mode
    user_id = CUSTOMERS[1]
    server.lose_acks(1)
    slack.timeout = 2.0  # how long this client waits for the ack that will not come

    lost = slack.click(user_id, pulse_message(sandbox, user_id), ids.score_action_id("nps", 7))
    server.wait_for(lambda: len(server.lost_acks()) == 1, what="the lost ack")
    listeners.settle()
    # Slack shows the person an error and does not send a click again; they press again.
    slack.timeout = 10.0
    again = click_score(sandbox, slack, user_id, 7)

    assert lost.status == NOT_ACKNOWLEDGED
    assert again == 200
    assert [(r.score, r.changed_at) for r in responses(engine)] == [(7, None)]
    assert len(server.envelopes("interactive")) == 2


# -- `run` with SLACK_APP_TOKEN --------------------------------------------------------------

def test_run_with_an_app_token_serves_over_socket_mode_until_sigterm(
    sandbox: SlackSandbox, database_url: str, engine: Engine, tmp_path: Path
) -> None:
    env = bot_env(sandbox, database_url, SLACK_APP_TOKEN=sandbox.app_token,
                  STAFF_USERGROUP_ID=STAFF_GROUP)
    log = tmp_path / "run.log"
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [sys.executable, "-m", "bot", "run", "--no-worker"], env=env, cwd=tmp_path,
            stdout=sink, stderr=subprocess.STDOUT)
    try:
        sandbox.socket_mode.wait_for_connections(1, timeout=60)
        reply = SocketModeSlackClient(sandbox=sandbox).slash_command(STAFF, "help")
        process.send_signal(signal.SIGTERM)
        code = process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    output = log.read_text()

    assert reply.status == 200
    assert "What you can ask" in str(reply.json()["blocks"])
    assert code == 0, output
    assert not sandbox.socket_mode.connections()[0].open
    assert "connected to Slack in Socket Mode" in output
    assert "Traceback" not in output
    for secret in (sandbox.app_token, sandbox.bot_token):
        assert secret not in output


def test_run_with_an_app_token_slack_refuses_stops_with_one_line(
    sandbox: SlackSandbox, database_url: str, engine: Engine, tmp_path: Path
) -> None:
    wrong = "xapp-1-A0SANDBOX-1-revoked"
    env = bot_env(sandbox, database_url, SLACK_APP_TOKEN=wrong)

    result = run_cli(env, tmp_path, "run")

    assert result.returncode == 2
    # The lines before it are the log of a starting process (slack_sdk logs the refusal too).
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("error: Slack refused Socket Mode (invalid_auth)")
    assert "SLACK_APP_TOKEN" in last
    assert "Traceback" not in result.stderr
    assert wrong not in result.stderr + result.stdout
    assert sandbox.socket_mode.connections() == []


# -- what differs between the two ways in -----------------------------------------------------

@BOTH_TRANSPORTS
def test_a_nul_in_a_comment_is_dropped_whichever_way_it_came(
    send_pulse: SendPulse, sandbox: SlackSandbox, slack: SlackClient, engine: Engine
) -> None:
    send_pulse()
    click_score(sandbox, slack, CUSTOMERS[0], 3)

    reply = comment(sandbox, slack, CUSTOMERS[0], "nul\x00inside")

    assert reply.status == 200
    assert [r.comment for r in responses(engine)] == ["nulinside"]
