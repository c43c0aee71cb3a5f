"""Slack misbehaving on a share of calls, and Slack delivering the same request twice.

A whole wave goes out while the sandbox answers a share of chat.postMessage calls 429, 503
before doing anything, and 503 *after* posting (a gateway that timed out once Slack had done
the work): every recipient ends with exactly one message. A click delivered twice byte for
byte counts once. (An event redelivered with X-Slack-Retry-Num: test_app_home.py.)
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from bot.core import ids
from bot.core.config import Settings
from bot.core.services import Services
from bot.digests.poster import post_due_digests
from bot.digests.subscriptions import DigestRequest, subscribe
from bot.followups.alerts import sweep_follow_ups
from bot.pulses.dispatch import deliver_due
from bot.sandbox.client import SignedSlackClient
from bot.sandbox.slack_api import RecordedCall, SlackSandbox
from bot.slack.client import create_web_client
from storage.models import DeliveryStatus, DigestPost, DigestStatus, FollowUp
from tests.conftest import CUSTOMERS, STAFF, FakeClock, SendPulse, sandbox_settings
from tests.integration.helpers import click_score, deliveries, pulse_message, responses
from tests.integration.running_bots import (
    assert_each_messaged_once,
    customers,
    open_wave,
)

POST = "chat.postMessage"
ALERTS, TEAM = "C0ALERTS", "C0TEAM"


@pytest.fixture
def settings(sandbox: SlackSandbox, database_url: str) -> Settings:
    sandbox.add_channel(ALERTS, name="cx-alerts", members=[STAFF, sandbox.bot_user_id])
    sandbox.add_channel(TEAM, name="cx-team", members=[STAFF, sandbox.bot_user_id])
    return sandbox_settings(sandbox, database_url, alert_channel_id=ALERTS)


def top_level(sandbox: SlackSandbox, channel: str) -> list[dict[str, object]]:
    return [m for m in sandbox.messages(channel) if not m.get("thread_ts")]


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

    assert (first.status, again.status) == (200, 200)
    assert [(r.score, r.changed_at) for r in responses(engine)] == [(7, None)]



def test_a_digest_answered_503_after_slack_posted_it_is_not_posted_again(
    services: Services, sandbox: SlackSandbox, clock: FakeClock, engine: Engine
) -> None:
    client = create_web_client(services.settings)
    subscribe(services, client, team_id=sandbox.team_id,
              request=DigestRequest(channel_id=TEAM), created_by=STAFF)
    clock.now = datetime(2026, 11, 23, 9, 5, tzinfo=UTC)  # Monday, just after it is due
    sandbox.fail_share(POST, every=1, status=503, applied=True)

    assert post_due_digests(services, client) == 0  # Slack posted it, and answered 503
    sandbox.clear_faults()
    post_due_digests(services, client)  # within the lease: left alone
    clock.now += timedelta(seconds=services.settings.delivery_lease_seconds + 60)
    post_due_digests(services, client)  # found in the channel, not posted again

    [digest] = top_level(sandbox, TEAM)
    with Session(engine) as session:
        post = session.exec(select(DigestPost)).one()
    assert (post.status, post.message_ts) == (DigestStatus.POSTED, digest["ts"])


def test_an_alert_answered_503_after_slack_posted_it_is_not_posted_again(
    send_pulse: SendPulse, services: Services, sandbox: SlackSandbox,
    slack: SignedSlackClient, clock: FakeClock, engine: Engine, caplog: pytest.LogCaptureFixture,
) -> None:
    send_pulse()
    sandbox.fail_share(POST, every=1, status=503, applied=True)

    def in_alerts(call: RecordedCall) -> bool:
        return bool(call.args.get("channel") == ALERTS)

    click_score(sandbox, slack, CUSTOMERS[3], 2)  # a detractor: the alert goes out, "fails"
    assert [c for c in sandbox.calls(POST) if in_alerts(c)]
    # The listener's own word that it is done with the alert (it ran after the ack).
    assert any(r.getMessage().startswith("follow-up 1 alert") for r in caplog.records)
    sandbox.clear_faults()
    client = create_web_client(services.settings)
    sweep_follow_ups(services, client)  # at once: the claim still holds, nothing is posted
    clock.now += timedelta(minutes=2)
    sweep_follow_ups(services, client)  # after it: found in the channel and brought up to date

    [alert] = top_level(sandbox, ALERTS)
    assert len([c for c in sandbox.calls(POST) if in_alerts(c)]) == 1
    with Session(engine) as session:
        follow_up = session.exec(select(FollowUp)).one()
    assert (follow_up.alert_channel_id, follow_up.alert_ts) == (ALERTS, alert["ts"])
