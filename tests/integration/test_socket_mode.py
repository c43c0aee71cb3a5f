"""Socket Mode: Slack reaching the bot over a WebSocket instead of signed HTTP requests."""

from __future__ import annotations

from sqlalchemy import Engine

from bot.sandbox.client import SlackClient
from bot.sandbox.slack_api import SlackSandbox
from tests.conftest import BOTH_TRANSPORTS, CUSTOMERS, SendPulse
from tests.integration.helpers import click_score, comment, responses


@BOTH_TRANSPORTS
def test_a_nul_in_a_comment_is_dropped_whichever_way_it_came(
    send_pulse: SendPulse, sandbox: SlackSandbox, slack: SlackClient, engine: Engine
) -> None:
    send_pulse()
    click_score(sandbox, slack, CUSTOMERS[0], 3)

    reply = comment(sandbox, slack, CUSTOMERS[0], "nul\x00inside")

    assert reply.status == 200
    assert [r.comment for r in responses(engine)] == ["nulinside"]
