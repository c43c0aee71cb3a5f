"""Gaps left by tests/integration/test_request_verification.py: any timestamp or signature
header, a timestamp from the future, and a verbatim replay inside Slack's five-minute window."""

from __future__ import annotations

import json
import time
from urllib.parse import urlencode

from hypothesis import example, given
from hypothesis import strategies as st
from slack_sdk.signature import SignatureVerifier

from bot.core import ids
from tests.conftest import CUSTOMERS, SIGNING_SECRET, SendPulse
from tests.integration.helpers import deliveries, pulse_message, responses
from tests.property.conftest import over_http
from tests.property.harness import HostileBot
from tests.property.payloads import block_action, user_field

VICTIM = CUSTOMERS[0]
header_text = st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=80)


def _click_body(hostile: HostileBot, score: int) -> bytes:
    sandbox = hostile.sandbox
    [delivery] = [d.id for d in deliveries(hostile.engine)
                  if d.channel_id == sandbox.dm_channel(VICTIM)]
    payload = block_action(sandbox, user=user_field(VICTIM), team={"id": sandbox.team_id},
                           action_id=ids.score_action_id("nps", score),
                           value=f"{delivery}:nps:{score}",
                           message=pulse_message(sandbox, VICTIM))
    return urlencode({"payload": json.dumps(payload)}).encode()


def test_any_timestamp_or_signature_header_is_refused_with_401(
    hostile: HostileBot, send_pulse: SendPulse
) -> None:
    send_pulse()
    body = _click_body(hostile, 0)
    now = int(time.time())

    @over_http
    @given(timestamp=st.one_of(header_text, st.integers().map(str),
                               st.floats(allow_nan=True).map(str)),
           signature=st.one_of(header_text, st.just("v0=" + "0" * 64)))
    @example(timestamp=str(now + 6 * 60), signature="")  # from the future, signed below
    @example(timestamp=str(now - 6 * 60), signature="")  # stale, signed below
    @example(timestamp="", signature="")
    @example(timestamp=" " + str(now), signature="v1=" + "0" * 64)
    @example(timestamp="9" * 40, signature="")
    def sent(timestamp: str, signature: str) -> None:
        # An empty signature stands for "correctly signed for this (bad) timestamp".
        signed = signature or str(SignatureVerifier(SIGNING_SECRET).generate_signature(
            timestamp=timestamp, body=body))
        outcome = hostile.post(body, headers={"X-Slack-Request-Timestamp": timestamp,
                                              "X-Slack-Signature": signed})
        assert outcome.reply.status == 401, (outcome.reply.status, outcome.reply.text[:200])
        assert outcome.errors == []
        assert outcome.changed == {}
        assert outcome.calls == []

    sent()


def test_a_replayed_click_cannot_undo_a_later_answer(
    hostile: HostileBot, send_pulse: SendPulse
) -> None:
    """Inside the five minutes a signature stays valid, a captured request can be sent again:
    the answer it carries is older than the one stored, so it changes nothing."""
    send_pulse()
    first = _click_body(hostile, 9)
    stamp = str(int(time.time()))
    signature = str(SignatureVerifier(SIGNING_SECRET).generate_signature(timestamp=stamp,
                                                                          body=first))
    headers = {"X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": signature}
    assert hostile.post(first, headers=headers).changed
    assert hostile.post(_click_body(hostile, 3)).changed

    replay = hostile.post(first, headers=headers)

    assert replay.reply.status == 200
    assert replay.errors == []
    assert replay.changed == {}
    assert [r.score for r in responses(hostile.engine)] == [3]
