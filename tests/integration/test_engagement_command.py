"""/engagement through signed slash commands: figures, comments (escaped), help, mistakes."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from bot import ids
from bot.sandbox.client import SignedSlackClient
from bot.sandbox.slack_api import SlackSandbox
from tests.conftest import CUSTOMERS, STAFF, SendPulse
from tests.integration.helpers import click_score, pulse_message, responses


def _answer_all(sandbox: SlackSandbox, slack: SignedSlackClient, scores: list[int]) -> None:
    for user_id, score in zip(CUSTOMERS, scores, strict=True):
        click_score(sandbox, slack, user_id, score)


def test_overview_shows_nps_with_its_interval_privately(
    send_pulse: SendPulse, sandbox: SlackSandbox, slack: SignedSlackClient
) -> None:
    send_pulse()
    _answer_all(sandbox, slack, [10, 9, 8, 3, 10])  # 3 promoters, 1 passive, 1 detractor

    reply = slack.slash_command(STAFF, "")

    body = reply.json()
    assert reply.status == 200
    assert body["response_type"] == "ephemeral"
    shown = str(body["blocks"])
    assert "*+40*" in shown  # 60% promoters − 20% detractors
    assert "5 answers" in shown
    assert "95% interval" in shown
    assert "Promoters 3 · Passives 1 · Detractors 1" in shown
    assert "NPS +40" in body["text"]


def test_overview_with_no_answers_says_so(slack: SignedSlackClient) -> None:
    body = slack.slash_command(STAFF, "").json()

    assert "No answers yet" in str(body["blocks"])


def test_comments_are_escaped_so_nobody_is_pinged(
    send_pulse: SendPulse, sandbox: SlackSandbox, slack: SignedSlackClient, engine: Engine
) -> None:
    send_pulse()
    user_id = CUSTOMERS[0]
    click_score(sandbox, slack, user_id, 2)
    slack.click(user_id, pulse_message(sandbox, user_id), ids.COMMENT_ACTION)
    view = sandbox.wait_for("views.open")[-1].response["view"]
    hostile = "Awful. <!channel> <@U0STAFF> <https://evil.example|click> & more"
    slack.submit_view(user_id, view, {ids.COMMENT_BLOCK: {ids.COMMENT_INPUT: hostile}})
    assert responses(engine)[0].comment == hostile

    body = slack.slash_command(STAFF, "comments").json()

    shown = str(body["blocks"])
    escaped = "&lt;!channel&gt; &lt;@U0STAFF&gt; &lt;https://evil.example|click&gt; &amp; more"
    assert escaped in shown
    assert "<!channel>" not in shown
    assert "<@U0STAFF>" not in shown
    assert "negative" in shown
    assert "NPS 2" in shown
    assert body["response_type"] == "ephemeral"


def test_help_lists_what_can_be_asked(slack: SignedSlackClient) -> None:
    body = slack.slash_command(STAFF, "help").json()

    assert "/engagement comments" in str(body["blocks"])


@pytest.mark.parametrize("text", ["npx", "<!channel>", "comments 0d", "x" * 500])
def test_an_unknown_subcommand_gets_help_naming_the_mistake(
    slack: SignedSlackClient, text: str
) -> None:
    body = slack.slash_command(STAFF, text).json()

    shown = str(body["blocks"])
    assert body["response_type"] == "ephemeral"
    assert ":warning:" in shown
    assert "What you can ask" in shown
    assert "<!channel>" not in shown


def test_customers_do_not_see_the_figures(
    send_pulse: SendPulse, slack: SignedSlackClient
) -> None:
    send_pulse()

    body = slack.slash_command(CUSTOMERS[0], "").json()

    assert "for the team" in body["text"]
    assert "blocks" not in body
