"""Web API calls share kept-alive connections, safely across threads, and fail as before.

The sandbox counts the TCP connections it accepts, so every figure here is Slack's side of it.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from slack_sdk.errors import SlackApiError

from bot.core.config import Settings
from bot.sandbox.client import SignedSlackClient
from bot.sandbox.slack_api import SlackSandbox
from bot.slack.client import create_web_client, posting_client, token_client
from tests.conftest import CUSTOMERS, SendPulse, sandbox_settings
from tests.integration.helpers import click_score


@pytest.fixture
def slack_settings(sandbox: SlackSandbox) -> Settings:
    """The sandbox's workspace; these tests talk to Slack only, so no database is opened."""
    return sandbox_settings(sandbox, "sqlite://")


def test_calls_one_after_another_share_one_connection(
    sandbox: SlackSandbox, slack_settings: Settings,
) -> None:
    root = create_web_client(slack_settings)
    clients = [root, posting_client(root), token_client(root, sandbox.bot_token)]

    for n in range(30):
        clients[n % 3].auth_test()

    # 30 calls by three clients made from one root: one connection, kept alive throughout.
    assert len(sandbox.calls("auth.test")) == 30
    assert sandbox.connections_accepted == 1
    assert root.connections.opened() == 1


def test_one_client_is_safe_across_threads_and_each_call_gets_its_own_answer(
    sandbox: SlackSandbox, slack_settings: Settings,
) -> None:
    client = posting_client(create_web_client(slack_settings))
    channel = sandbox.dm_channel(CUSTOMERS[0])

    def post(n: int) -> tuple[str, str]:
        answer = client.chat_postMessage(channel=channel, text=f"message {n}")
        return f"message {n}", answer["message"]["text"]

    with ThreadPoolExecutor(max_workers=8) as threads:
        answered = list(threads.map(post, range(200)))

    # Every answer is the one to its own call: no connection carried two threads' calls.
    assert all(sent == echoed for sent, echoed in answered)
    assert sorted(m["text"] for m in sandbox.messages(channel)) == sorted(
        f"message {n}" for n in range(200))
    # 8 threads need at most 8 connections at once, and they are kept: 200 calls, <= 8 opened.
    assert 1 <= sandbox.connections_accepted <= 8


def test_score_clicks_edit_their_messages_over_kept_connections(
    send_pulse: SendPulse, sandbox: SlackSandbox, slack: SignedSlackClient,
) -> None:
    send_pulse()
    before = sandbox.connections_accepted

    for n, user in enumerate(CUSTOMERS):
        assert click_score(sandbox, slack, user, n) == 200

    # Bolt builds a fresh WebClient for each request; the bot hands listeners the one kept for
    # the token instead, on the connection its client opened when it started (auth.test).
    assert len(sandbox.calls("chat.update")) == len(CUSTOMERS)
    assert sandbox.connections_accepted - before <= 1


def test_a_connection_slack_closed_is_replaced_without_a_failed_post(
    sandbox: SlackSandbox, slack_settings: Settings,
) -> None:
    poster = posting_client(create_web_client(slack_settings))
    poster.auth_test()

    sandbox.close_connections()  # Slack's servers close idle connections
    answer = poster.chat_postMessage(channel=sandbox.dm_channel(CUSTOMERS[0]), text="hello")

    # The posting client retries nothing but 429s: the post went out once, on a new connection.
    assert answer["ok"]
    assert len(sandbox.calls("chat.postMessage")) == 1
    assert sandbox.connections_accepted == 2


def test_a_post_whose_answer_never_came_fails_as_a_connection_error_and_is_not_resent(
    sandbox: SlackSandbox, slack_settings: Settings,
) -> None:
    root = create_web_client(slack_settings)
    channel = sandbox.dm_channel(CUSTOMERS[0])
    sandbox.drop_answers("chat.postMessage")

    # An OSError is what every poster catches, and then checks Slack before posting again.
    with pytest.raises(OSError):  # noqa: PT011 (urllib's own kinds: reset, disconnected)
        posting_client(root).chat_postMessage(channel=channel, text="once")

    assert [m["text"] for m in sandbox.messages(channel)] == ["once"]
    assert len(sandbox.calls("chat.postMessage")) == 1


def test_a_read_whose_answer_never_came_is_retried_on_a_new_connection(
    sandbox: SlackSandbox, slack_settings: Settings,
) -> None:
    root = create_web_client(slack_settings)
    sandbox.drop_answers("auth.test")

    assert root.auth_test()["ok"]  # slack_sdk's connection-error handler tried again

    assert len(sandbox.calls("auth.test")) == 2
    assert sandbox.connections_accepted == 2


def test_slack_errors_still_raise_with_slacks_answer(
    sandbox: SlackSandbox, slack_settings: Settings,
) -> None:
    poster = posting_client(create_web_client(slack_settings))
    sandbox.fail("chat.postMessage", status=503)

    with pytest.raises(SlackApiError) as raised:
        poster.chat_postMessage(channel=sandbox.dm_channel(CUSTOMERS[0]), text="x")

    assert raised.value.response.status_code == 503
    with pytest.raises(SlackApiError) as refused:
        poster.chat_update(channel="C0NONE", ts="1.0", text="x")
    assert refused.value.response["error"] == "channel_not_found"
    # Both answers came back on the one kept connection.
    assert sandbox.connections_accepted == 1
