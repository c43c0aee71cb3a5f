"""Forged, stale and unsigned requests are refused with 401 and change nothing."""

from __future__ import annotations

import json
import time
from urllib.parse import urlencode

import pytest
from sqlalchemy import Engine

from bot.core import ids
from bot.sandbox.client import SignedSlackClient
from bot.sandbox.slack_api import SlackSandbox
from tests.conftest import CUSTOMERS, SendPulse
from tests.integration.helpers import pulse_message, responses


def _click_body(sandbox: SlackSandbox, user_id: str) -> bytes:
    message = pulse_message(sandbox, user_id)
    button = message["blocks"][1]["elements"][10]
    payload = {
        "type": "block_actions",
        "user": {"id": user_id, "team_id": sandbox.team_id},
        "team": {"id": sandbox.team_id},
        "container": {"type": "message", "channel_id": message["channel"],
                      "message_ts": message["ts"]},
        "trigger_id": "1.2.3",
        "actions": [{"type": "button", "action_id": button["action_id"],
                     "block_id": message["blocks"][1]["block_id"], "value": button["value"],
                     "action_ts": f"{time.time():.6f}"}],
    }
    return urlencode({"payload": json.dumps(payload)}).encode()


@pytest.mark.parametrize(
    "how",
    [
        {"signature": "v0=" + "0" * 64},
        {"timestamp": int(time.time()) - 6 * 60},
        {"sign": False},
    ],
    ids=["forged", "stale", "unsigned"],
)
def test_bad_signatures_get_401_and_store_nothing(
    send_pulse: SendPulse, sandbox: SlackSandbox, slack: SignedSlackClient, engine: Engine,
    how: dict[str, object],
) -> None:
    send_pulse()
    calls_before = len(sandbox.calls())

    reply = slack.post_raw(_click_body(sandbox, CUSTOMERS[0]), **how)  # type: ignore[arg-type]

    assert reply.status == 401
    assert responses(engine) == []
    assert len(sandbox.calls()) == calls_before


def test_a_correctly_signed_copy_of_the_same_click_is_accepted(
    send_pulse: SendPulse, sandbox: SlackSandbox, slack: SignedSlackClient, engine: Engine
) -> None:
    send_pulse()

    reply = slack.post_raw(_click_body(sandbox, CUSTOMERS[0]))
    sandbox.wait_for("chat.update")

    assert reply.status == 200
    assert [r.score for r in responses(engine)] == [10]


def test_a_signed_slash_command_with_a_tampered_body_is_refused(
    sandbox: SlackSandbox, slack: SignedSlackClient
) -> None:
    body = urlencode({"command": ids.SLASH_COMMAND, "text": "", "user_id": "U0STAFF",
                      "team_id": sandbox.team_id}).encode()
    ts = int(time.time())
    from slack_sdk.signature import SignatureVerifier

    from tests.conftest import SIGNING_SECRET

    signature = SignatureVerifier(SIGNING_SECRET).generate_signature(timestamp=str(ts), body=body)
    tampered = body.replace(b"U0STAFF", b"U0ADMIN")

    reply = slack.post_raw(tampered, timestamp=ts, signature=signature)

    assert reply.status == 401


def test_healthz_answers_ok(bot_url: str) -> None:
    from urllib.request import urlopen

    with urlopen(bot_url + "/healthz", timeout=5) as answer:  # noqa: S310 (local test server)
        assert answer.status == 200
        assert json.loads(answer.read()) == {"ok": True, "database": "ok"}
