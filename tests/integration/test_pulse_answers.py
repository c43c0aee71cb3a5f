"""A pulse goes out, customers click and comment: stored once, shown in place, only by them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import Engine

from bot.core import ids
from bot.sandbox.client import SignedSlackClient, SlackClient
from bot.sandbox.slack_api import SlackSandbox
from storage.models import DeliveryStatus, Metric
from tests.conftest import BOTH_TRANSPORTS, CUSTOMERS, SendPulse
from tests.integration.helpers import (
    click_score,
    deliveries,
    open_comment_modal,
    pulse_message,
    responses,
)


def _button_texts(message: dict[str, Any]) -> list[str]:
    [scores] = [b for b in message["blocks"] if b.get("block_id", "").startswith("scores_")]
    return [element["text"]["text"] for element in scores["elements"]]


def test_nps_pulse_is_a_dm_with_eleven_numbered_buttons_and_a_fallback(
    send_pulse: SendPulse, sandbox: SlackSandbox, engine: Engine
) -> None:
    send_pulse()

    for user_id in CUSTOMERS:
        message = pulse_message(sandbox, user_id)
        assert _button_texts(message) == [str(n) for n in range(11)]
        assert "recommend" in message["text"]
    assert {d.status for d in deliveries(engine)} == {DeliveryStatus.SENT}
    assert sandbox.problems == []


def test_csat_pulse_has_five_buttons(send_pulse: SendPulse, sandbox: SlackSandbox) -> None:
    send_pulse(name="csat", metric=Metric.CSAT, users=CUSTOMERS[:1])

    assert _button_texts(pulse_message(sandbox, CUSTOMERS[0])) == ["1", "2", "3", "4", "5"]


def test_sending_the_same_wave_again_messages_nobody_twice(
    send_pulse: SendPulse, sandbox: SlackSandbox, services, engine: Engine
) -> None:
    from bot.pulses.dispatch import deliver_due
    from bot.pulses.waves import manual_wave_time, open_pulse_wave
    from bot.slack.client import create_web_client

    wave_id = send_pulse()
    again = open_pulse_wave(services, name="nps-pulse", team_id=sandbox.team_id,
                            scheduled_for=manual_wave_time(services.clock()))
    summary = deliver_due(services, create_web_client(services.settings))

    assert again.wave_id == wave_id
    assert again.enqueued == 0
    assert summary.sent == 0
    assert len(sandbox.calls("chat.postMessage")) == len(CUSTOMERS)
    assert len(deliveries(engine)) == len(CUSTOMERS)


@BOTH_TRANSPORTS
def test_a_click_is_stored_and_the_message_updates_in_place(
    send_pulse: SendPulse, sandbox: SlackSandbox, slack: SlackClient, engine: Engine
) -> None:
    send_pulse()
    user_id = CUSTOMERS[0]
    ts = pulse_message(sandbox, user_id)["ts"]

    assert click_score(sandbox, slack, user_id, 9) == 200

    [stored] = responses(engine)
    assert (stored.metric, stored.score, stored.changed_at) == ("nps", 9, None)
    updated = pulse_message(sandbox, user_id)
    assert updated["ts"] == ts
    assert "You chose *9*" in str(updated["blocks"])
    chosen = [b for b in updated["blocks"][1]["elements"] if b.get("style") == "primary"]
    assert [b["text"]["text"] for b in chosen] == ["9"]
    assert ids.COMMENT_ACTION in str(updated["blocks"])


@BOTH_TRANSPORTS
def test_double_clicks_and_redeliveries_count_once(
    send_pulse: SendPulse, sandbox: SlackSandbox, slack: SlackClient, engine: Engine
) -> None:
    send_pulse()
    user_id = CUSTOMERS[1]
    message = pulse_message(sandbox, user_id)

    for _ in range(3):
        slack.click(user_id, message, ids.score_action_id("nps", 4))
    assert len(sandbox.calls("chat.update")) == 3

    assert [(r.score, r.changed_at) for r in responses(engine)] == [(4, None)]


def test_a_later_click_changes_the_answer(
    send_pulse: SendPulse, sandbox: SlackSandbox, slack: SignedSlackClient, engine: Engine,
    clock,
) -> None:
    from datetime import timedelta

    send_pulse()
    user_id = CUSTOMERS[2]
    click_score(sandbox, slack, user_id, 6)
    clock.now += timedelta(minutes=5)
    click_score(sandbox, slack, user_id, 10)

    [stored] = responses(engine)
    assert stored.score == 10
    assert stored.changed_at == clock.now
    assert "You chose *10*" in str(pulse_message(sandbox, user_id)["blocks"])


def test_only_the_recipient_can_answer(
    send_pulse: SendPulse, sandbox: SlackSandbox, slack: SignedSlackClient, engine: Engine
) -> None:
    send_pulse()
    victim, intruder = CUSTOMERS[0], CUSTOMERS[1]

    status = click_score(sandbox, slack, victim, 0, clicker=intruder, wait=False)
    refusal = sandbox.calls("response_url")[-1]

    assert status == 200
    assert "sent to someone else" in refusal.args["text"]
    assert refusal.args["response_type"] == "ephemeral"
    assert responses(engine) == []
    assert sandbox.calls("chat.update") == []


def test_the_same_user_id_from_another_workspace_cannot_answer(
    send_pulse: SendPulse, sandbox: SlackSandbox, slack: SignedSlackClient, engine: Engine
) -> None:
    send_pulse()
    user_id = CUSTOMERS[0]

    slack.click(user_id, pulse_message(sandbox, user_id), ids.score_action_id("nps", 10),
                team_id="T0OTHER")
    assert sandbox.calls("response_url")

    assert responses(engine) == []


@pytest.mark.parametrize(
    "forge",
    [
        lambda value: "999999:nps:5",  # a delivery that does not exist
        lambda value: value.rsplit(":", 1)[0] + ":11",  # a score off the NPS scale
        lambda value: value.replace(":nps:", ":csat:"),  # the wrong metric for this pulse
        lambda value: "not-a-value",
    ],
    ids=["unknown-delivery", "score-out-of-range", "wrong-metric", "garbage"],
)
def test_a_forged_button_value_is_refused(
    send_pulse: SendPulse, sandbox: SlackSandbox, slack: SignedSlackClient, engine: Engine,
    forge: Callable[[str], str],
) -> None:
    send_pulse()
    user_id = CUSTOMERS[0]
    message = pulse_message(sandbox, user_id)
    button = next(e for e in message["blocks"][1]["elements"]
                  if e["action_id"] == ids.score_action_id("nps", 5))
    button["value"] = forge(button["value"])

    slack.click(user_id, message, ids.score_action_id("nps", 5))
    refusal = sandbox.calls("response_url")[-1]

    assert "couldn't find that survey" in refusal.args["text"]
    assert responses(engine) == []


COMPLAINT = "The invoices are terrible and wrong"


@BOTH_TRANSPORTS
def test_a_comment_is_stored_with_its_sentiment(
    send_pulse: SendPulse, sandbox: SlackSandbox, slack: SlackClient, engine: Engine
) -> None:
    send_pulse()
    user_id = CUSTOMERS[3]
    click_score(sandbox, slack, user_id, 2)
    view = open_comment_modal(sandbox, slack, user_id)
    updates = len(sandbox.calls("chat.update"))

    reply = slack.submit_view(
        user_id, view, {ids.COMMENT_BLOCK: {ids.COMMENT_INPUT: COMPLAINT}}
    )

    assert reply.status == 200
    assert reply.text == ""
    [stored] = responses(engine)
    assert stored.comment == COMPLAINT
    assert stored.sentiment_label == "negative"
    assert stored.sentiment_polarity is not None
    assert stored.sentiment_polarity < 0
    assert len(sandbox.calls("chat.update")) == updates + 1
    assert "Thanks for your comment" in str(pulse_message(sandbox, user_id)["blocks"])


@BOTH_TRANSPORTS
def test_a_comment_over_the_limit_is_refused_on_the_field(
    send_pulse: SendPulse, sandbox: SlackSandbox, slack: SlackClient, engine: Engine
) -> None:
    send_pulse()
    user_id = CUSTOMERS[3]
    click_score(sandbox, slack, user_id, 8)
    view = open_comment_modal(sandbox, slack, user_id)

    reply = slack.submit_view(user_id, view, {ids.COMMENT_BLOCK: {ids.COMMENT_INPUT: "x" * 10_000}})

    assert reply.json()["response_action"] == "errors"
    assert "3000 characters" in reply.json()["errors"][ids.COMMENT_BLOCK]
    assert [r.comment for r in responses(engine)] == [None]


def test_someone_else_cannot_submit_a_comment_on_a_pulse(
    send_pulse: SendPulse, sandbox: SlackSandbox, slack: SignedSlackClient, engine: Engine
) -> None:
    send_pulse()
    owner = CUSTOMERS[0]
    click_score(sandbox, slack, owner, 8)
    view = open_comment_modal(sandbox, slack, owner)

    reply = slack.submit_view(CUSTOMERS[1], view, {ids.COMMENT_BLOCK: {ids.COMMENT_INPUT: "hi"}})

    assert "someone else" in reply.json()["errors"][ids.COMMENT_BLOCK]
    assert [r.comment for r in responses(engine)] == [None]


FRENCH = "Le support ne répond jamais et la facture est fausse, c'est inacceptable."


def test_a_comment_in_another_language_is_stored_unscored_with_its_language(
    send_pulse: SendPulse, sandbox: SlackSandbox, slack: SignedSlackClient, engine: Engine
) -> None:
    send_pulse()
    french, english = CUSTOMERS[1], CUSTOMERS[2]
    for user_id, text in ((french, FRENCH), (english, COMPLAINT)):
        click_score(sandbox, slack, user_id, 2)
        view = open_comment_modal(sandbox, slack, user_id)
        reply = slack.submit_view(user_id, view, {ids.COMMENT_BLOCK: {ids.COMMENT_INPUT: text}})
        assert reply.status == 200

    stored = {row.comment: row for row in responses(engine)}
    unscored, scored = stored[FRENCH], stored[COMPLAINT]
    # Not scored is not neutral: no polarity at all, and the language says why.
    assert (unscored.sentiment_label, unscored.comment_language) == ("unscored", "fr")
    assert (unscored.sentiment_polarity, unscored.sentiment_subjectivity) == (None, None)
    assert (scored.sentiment_label, scored.comment_language) == ("negative", "en")
    assert scored.sentiment_polarity is not None
