"""More Slack requests than the server admits at once: a few wait a moment for a slot, the
rest are refused at once, unread."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import replace
from typing import Any
from urllib.error import HTTPError
from urllib.parse import urlsplit
from urllib.request import urlopen

import pytest
from sqlalchemy import Engine

from bot.app.server import EVENTS_PATH, create_asgi_app, serve_in_background
from bot.app.wiring import create_app
from bot.core import ids
from bot.core.services import Services
from bot.sandbox.client import SignedSlackClient
from bot.sandbox.slack_api import SlackSandbox
from bot.slack.client import create_web_client
from tests.conftest import CUSTOMERS, SIGNING_SECRET, STAFF, SendPulse
from tests.integration.helpers import click_score, pulse_message, responses
from tests.integration.tcp_proxy import TcpProxy
from tests.settling import SettledSlackClient, SettlingExecutor


@pytest.fixture
def full_slack(
    services: Services, sandbox: SlackSandbox, listeners: SettlingExecutor
) -> Iterator[SignedSlackClient]:
    """A bot whose admission limit is already reached (0), with no room to wait: every Slack
    request is one too many."""
    app = create_app(services, create_web_client(services.settings), listener_executor=listeners)
    with serve_in_background(create_asgi_app(app, services.engine, max_in_flight=0,
                                             max_waiting=0)) as url:
        yield SettledSlackClient(bot_url=url + EVENTS_PATH, signing_secret=SIGNING_SECRET,
                                 sandbox=sandbox, listeners=listeners)


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


def _health(base_url: str) -> tuple[int, dict[str, object]]:
    try:
        with urlopen(base_url + "/healthz", timeout=5) as answer:  # noqa: S310 (local bot)
            return answer.status, json.loads(answer.read())
    except HTTPError as error:
        with error:
            return error.code, json.loads(error.read())


@pytest.fixture
def slow_slack(sandbox: SlackSandbox) -> Iterator[TcpProxy]:
    """Between the bot and the sandbox's Web API: held(), Slack takes as long as the test likes."""
    api = urlsplit(sandbox.api_url)
    proxy = TcpProxy(api.hostname or "127.0.0.1", api.port or 80)
    yield proxy
    proxy.close()


def test_the_health_check_says_503_while_every_slot_is_taken(
    services: Services, sandbox: SlackSandbox, slow_slack: TcpProxy,
) -> None:
    """Saturation reaches /healthz, so a load balancer sends Slack elsewhere meanwhile."""
    api = urlsplit(sandbox.api_url)
    through_proxy = replace(services, settings=services.settings.model_copy(update={
        "slack_api_url": f"http://127.0.0.1:{slow_slack.port}{api.path}"}))
    app = create_app(through_proxy, create_web_client(through_proxy.settings))
    with serve_in_background(create_asgi_app(app, services.engine, max_in_flight=1,
                                             max_waiting=0)) as url, \
            ThreadPoolExecutor(max_workers=1) as background:
        slack = SignedSlackClient(bot_url=url + EVENTS_PATH, signing_secret=SIGNING_SECRET,
                                  sandbox=sandbox)
        assert _health(url) == (200, {"ok": True, "database": "ok"})
        with slow_slack.held():
            # An admin subcommand asks Slack whether its sender is an admin before answering:
            # its one slot stays taken until Slack answers.
            command = background.submit(slack.slash_command, STAFF, "pulse list")
            slow_slack.wait_until_held()

            status, health = _health(url)
            assert status == 503
            assert health == {"ok": False, "database": "ok",
                              "slack_requests": "saturated: all 1 slots in use, 0 waiting"}
            assert slack.slash_command(STAFF, "help").status == 503

        assert command.result(timeout=10).status == 200
        assert _health(url) == (200, {"ok": True, "database": "ok"})


@pytest.fixture
def one_slot(
    services: Services, sandbox: SlackSandbox, slow_slack: TcpProxy,
) -> Iterator[Callable[..., tuple[str, SignedSlackClient]]]:
    """A bot admitting one Slack request at once, its Web API calls through `slow_slack`."""
    api = urlsplit(sandbox.api_url)
    through_proxy = replace(services, settings=services.settings.model_copy(update={
        "slack_api_url": f"http://127.0.0.1:{slow_slack.port}{api.path}"}))
    app = create_app(through_proxy, create_web_client(through_proxy.settings))
    with ExitStack() as stack:

        def serve(**limits: Any) -> tuple[str, SignedSlackClient]:
            url = stack.enter_context(serve_in_background(create_asgi_app(
                app, services.engine, max_in_flight=1, **limits)))
            return url, SignedSlackClient(bot_url=url + EVENTS_PATH,
                                          signing_secret=SIGNING_SECRET, sandbox=sandbox)

        yield serve


def _waiting(base_url: str, count: int) -> None:
    """Until /healthz says `count` requests wait for the one slot (polled: no event to wait on
    from outside the server)."""
    deadline = time.monotonic() + 10
    while _health(base_url)[1].get("slack_requests") != (
            f"saturated: all 1 slots in use, {count} waiting"):
        assert time.monotonic() < deadline, _health(base_url)
        time.sleep(0.02)


def test_a_request_finding_every_slot_taken_waits_for_one_and_is_served(
    one_slot: Callable[..., tuple[str, SignedSlackClient]], slow_slack: TcpProxy,
) -> None:
    url, slack = one_slot(admission_wait_seconds=30)
    with ThreadPoolExecutor(max_workers=2) as background:
        with slow_slack.held():
            first = background.submit(slack.slash_command, STAFF, "pulse list")
            slow_slack.wait_until_held()
            second = background.submit(slack.slash_command, STAFF, "help")
            _waiting(url, 1)
        # Slack answers the first; the second takes its slot: both served, neither refused.
        assert first.result(timeout=10).status == 200
        assert second.result(timeout=10).status == 200


def test_beyond_the_waiting_room_or_the_wait_a_request_is_refused(
    one_slot: Callable[..., tuple[str, SignedSlackClient]], slow_slack: TcpProxy,
) -> None:
    url, slack = one_slot(max_waiting=1, admission_wait_seconds=1.0)
    with ThreadPoolExecutor(max_workers=2) as background, slow_slack.held():
        first = background.submit(slack.slash_command, STAFF, "pulse list")
        slow_slack.wait_until_held()
        second = background.submit(slack.slash_command, STAFF, "help")
        _waiting(url, 1)

        started = time.monotonic()
        third = slack.slash_command(STAFF, "help")  # the one place to wait is taken
        # Refused at once (well within the 1 s the second may wait), with the usual retry hint.
        assert third.status == 503
        assert third.headers["retry-after"] == "1"
        assert time.monotonic() - started < 1.0
        # The second waited its second for a slot that never came free.
        assert second.result(timeout=10).status == 503
    assert first.result(timeout=10).status == 200
