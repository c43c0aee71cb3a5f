"""Slack misbehaving on a share of calls, and Slack delivering the same request twice.

A whole wave goes out while the sandbox answers a share of chat.postMessage calls 429, 503
before doing anything, and 503 *after* posting (a gateway that timed out once Slack had done
the work): every recipient ends with exactly one message. A click delivered twice byte for
byte counts once. (An event redelivered with X-Slack-Retry-Num: test_app_home.py.)
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import Engine

from bot import ids
from bot.pulses.dispatch import deliver_due
from bot.sandbox.client import SignedSlackClient
from bot.sandbox.slack_api import SlackSandbox
from bot.services import Services, create_web_client
from storage.models import DeliveryStatus
from tests.conftest import CUSTOMERS, FakeClock, SendPulse
from tests.integration.helpers import deliveries, pulse_message, responses
from tests.integration.running_bots import assert_each_messaged_once, customers, open_wave

POST = "chat.postMessage"


def test_a_wave_under_a_share_of_429s_and_5xxs_messages_everyone_exactly_once(
    services: Services, clock: FakeClock, sandbox: SlackSandbox, engine: Engine
) -> None:
    users = customers(sandbox, 40)
    open_wave(services, users)
    sandbox.fail_share(POST, every=3, status=503)  # refused: nothing posted
    sandbox.fail_share(POST, every=4, status=503, applied=True)  # posted, then a 503
    sandbox.fail_share(POST, every=7, status=429, retry_after=1)
    client = create_web_client(services.settings)

    for _ in range(6):  # each round after the longest backoff so far
        deliver_due(services, client)
        if {d.status for d in deliveries(engine)} == {DeliveryStatus.SENT}:
            break
        clock.now += timedelta(hours=1)

    statuses = [c.status for c in sandbox.calls(POST)]
    assert (statuses.count(503) >= 10, statuses.count(429) >= 3) == (True, True), statuses
    assert_each_messaged_once(sandbox, engine, users)
    assert max(d.attempts for d in deliveries(engine)) > 1  # some were retried


def test_a_click_delivered_twice_counts_once(
    send_pulse: SendPulse, sandbox: SlackSandbox, slack: SignedSlackClient, engine: Engine
) -> None:
    send_pulse()
    user_id = CUSTOMERS[2]
    first = slack.click(user_id, pulse_message(sandbox, user_id), ids.score_action_id("nps", 7))
    again = slack.redeliver()
    sandbox.wait_for("chat.update", count=1)

    assert (first.status, again.status) == (200, 200)
    assert [(r.score, r.changed_at) for r in responses(engine)] == [(7, None)]

