"""More Slack requests than the server admits at once: the rest are refused at once, unread."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine

from bot.app.server import EVENTS_PATH, create_asgi_app, serve_in_background
from bot.app.wiring import create_app
from bot.core import ids
from bot.core.services import Services
from bot.sandbox.client import SignedSlackClient
from bot.sandbox.slack_api import SlackSandbox
from bot.slack.client import create_web_client
from tests.conftest import CUSTOMERS, SIGNING_SECRET, SendPulse
from tests.integration.helpers import click_score, pulse_message, responses


@pytest.fixture
def full_slack(services: Services, sandbox: SlackSandbox) -> Iterator[SignedSlackClient]:
    """A bot whose admission limit is already reached (0): every Slack request is one too many."""
    app = create_app(services, create_web_client(services.settings))
    with serve_in_background(create_asgi_app(app, services.engine, max_in_flight=0)) as url:
        yield SignedSlackClient(bot_url=url + EVENTS_PATH, signing_secret=SIGNING_SECRET,
                                sandbox=sandbox)


def test_a_click_beyond_the_limit_is_refused_retryably_and_nothing_is_stored(
    send_pulse: SendPulse, sandbox: SlackSandbox, full_slack: SignedSlackClient,
    slack: SignedSlackClient, engine: Engine,
) -> None:
    send_pulse()
    user = CUSTOMERS[0]

    reply = full_slack.click(user, pulse_message(sandbox, user), ids.score_action_id("nps", 9))

    # Not a 200: Slack shows the person an error on the button and they click again.
    assert reply.status == 503
    assert reply.headers["retry-after"] == "1"
    assert responses(engine) == []
    assert sandbox.calls("chat.update") == []
    # The same click again, once the bot has room, is stored as any first click.
    assert click_score(sandbox, slack, user, 9) == 200
    assert [r.score for r in responses(engine)] == [9]


def test_the_health_check_is_not_refused_when_slack_requests_are(
    full_slack: SignedSlackClient,
) -> None:
    from urllib.request import urlopen

    with urlopen(full_slack.bot_url.removesuffix(EVENTS_PATH) + "/healthz") as answer:  # noqa: S310
        assert answer.status == 200
