"""A pulse that asks NPS and then CSAT in one message: one delivery, two answers."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import Engine

from bot.core.services import Services
from bot.pulses.lifecycle import close_waves
from bot.sandbox.client import SignedSlackClient
from bot.sandbox.slack_api import SlackSandbox
from bot.slack.client import create_web_client
from storage.models import Metric, PulseMetric
from tests.conftest import CUSTOMERS, FakeClock, SendPulse
from tests.integration.helpers import click_score, deliveries, pulse_message, responses


def _score_blocks(message: dict[str, object]) -> list[str]:
    blocks = message["blocks"]
    assert isinstance(blocks, list)
    return [b["block_id"] for b in blocks if str(b.get("block_id", "")).startswith("scores_")]


def test_one_message_asks_nps_first_then_csat(
    send_pulse: SendPulse, sandbox: SlackSandbox
) -> None:
    send_pulse(name="both", metric=PulseMetric.BOTH, users=CUSTOMERS[:1])

    message = pulse_message(sandbox, CUSTOMERS[0])
    assert _score_blocks(message) == ["scores_nps", "scores_csat"]
    assert "0 to 10 and 1 to 5" in str(message["text"])


def test_both_answers_are_stored_against_one_delivery_and_shown(
    send_pulse: SendPulse, sandbox: SlackSandbox, slack: SignedSlackClient, engine: Engine
) -> None:
    send_pulse(name="both", metric=PulseMetric.BOTH, users=CUSTOMERS[:1])

    click_score(sandbox, slack, CUSTOMERS[0], 9, metric="nps")
    halfway = pulse_message(sandbox, CUSTOMERS[0])
    assert "One more question" in str(halfway["blocks"])
    click_score(sandbox, slack, CUSTOMERS[0], 4, metric="csat")

    [delivery] = deliveries(engine)
    assert {(r.metric, r.score, r.delivery_id) for r in responses(engine)} == {
        (Metric.NPS, 9, delivery.id), (Metric.CSAT, 4, delivery.id)
    }
    shown = pulse_message(sandbox, CUSTOMERS[0])
    assert shown["text"] == "Thank you! You chose 9 and 4."
    assert sandbox.problems == []


def test_closing_shows_both_counted_answers(
    send_pulse: SendPulse, sandbox: SlackSandbox, slack: SignedSlackClient,
    services: Services, clock: FakeClock,
) -> None:
    send_pulse(name="both", metric=PulseMetric.BOTH, users=CUSTOMERS[:1])
    click_score(sandbox, slack, CUSTOMERS[0], 10, metric="nps")
    click_score(sandbox, slack, CUSTOMERS[0], 5, metric="csat")
    clock.now += timedelta(days=8)

    close_waves(services, create_web_client(services.settings))

    assert "answers, 10 and 5, were counted" in pulse_message(sandbox, CUSTOMERS[0])["text"]


def test_a_pulse_asking_both_counts_for_fatigue_of_each_metric(
    send_pulse: SendPulse, sandbox: SlackSandbox
) -> None:
    send_pulse(name="both", metric=PulseMetric.BOTH, users=CUSTOMERS[:2])
    sent = len(sandbox.calls("chat.postMessage"))

    send_pulse(name="csat-only", metric=Metric.CSAT, users=CUSTOMERS[:3])

    # Only the customer the first pulse did not reach gets the CSAT pulse.
    later = [c.args["channel"] for c in sandbox.calls("chat.postMessage")[sent:]]
    assert later == [CUSTOMERS[2]]
