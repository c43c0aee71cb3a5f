"""Forged, stale and unsigned requests are refused with 401 and change nothing; the signature is
checked over the raw bytes before anything parses them, and a signed payload that is not
shaped like Slack's is refused 400 with one log line."""

from __future__ import annotations

import json
import logging
import time
from typing import Any
from urllib.parse import urlencode

import pytest
from sqlalchemy import Engine

from bot.core import ids
from bot.sandbox.client import VERIFICATION_TOKEN, SignedSlackClient
from bot.sandbox.slack_api import SlackSandbox
from tests.conftest import CUSTOMERS, SIGNING_SECRET, STAFF, SendPulse
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
    assert sandbox.calls("chat.update")

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


DEEP = 100_000  # far past json's recursion limit


def _payload(payload: Any) -> bytes:
    return urlencode({"payload": payload if isinstance(payload, str)
                      else json.dumps(payload)}).encode()


def _logged(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [record for record in caplog.records if record.levelno >= logging.INFO]


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b'{"type": "event_callback", "event": ' + b"[" * DEEP + b"]" * DEEP + b"}",
         "application/json"),
        (_payload("[" * DEEP + "]" * DEEP), "application/x-www-form-urlencoded"),
        (b"payload=%7B%22type%22%3A%22\xff\xfe%22%7D", "application/x-www-form-urlencoded"),
    ],
    ids=["deep-json", "deep-form-payload", "not-utf-8"],
)
def test_an_unsigned_body_is_refused_401_without_being_parsed(
    slack: SignedSlackClient, sandbox: SlackSandbox, caplog: pytest.LogCaptureFixture,
    body: bytes, content_type: str,
) -> None:
    """Deep nesting was parsed before the signature was checked: a RecursionError and a 500."""
    caplog.set_level(logging.INFO)
    calls_before = len(sandbox.calls())

    reply = slack.post_raw(body, content_type=content_type, sign=False)

    assert reply.status == 401
    assert [record.levelno for record in caplog.records if record.exc_info] == []
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []
    assert len(sandbox.calls()) == calls_before


def test_slacks_unsigned_certificate_check_is_still_answered_200(
    slack: SignedSlackClient,
) -> None:
    """Slack sends ssl_check=1 without a signature; Bolt answered it before verifying."""
    reply = slack.post_raw(urlencode({"ssl_check": "1", "token": VERIFICATION_TOKEN}).encode(),
                           sign=False)

    assert reply.status == 200


def test_a_signature_header_that_is_not_ascii_is_refused_401(slack: SignedSlackClient) -> None:
    reply = slack.post_raw(_payload({"type": "block_actions"}),
                           signature="v0=" + "\u00e9" * 64)

    assert reply.status == 401


def test_signed_payloads_not_shaped_like_slacks_are_refused_400_with_one_log_line(
    slack: SignedSlackClient, sandbox: SlackSandbox, caplog: pytest.LogCaptureFixture,
) -> None:
    """Correctly signed, so past the signature check, and still nothing Bolt can read: each is
    answered 400 and logged once, without a traceback, the body or any token.

    A view_submission whose view has no "type" was a 500 from Bolt's middleware error
    handler, which reads the payload again to build its own arguments."""
    caplog.set_level(logging.INFO)
    calls_before = len(sandbox.calls())
    secret_marker = "xoxb-pasted-into-a-payload-0123456789"
    sender = {"user": {"id": STAFF, "team_id": sandbox.team_id, "name": secret_marker},
              "team": {"id": sandbox.team_id}, "token": VERIFICATION_TOKEN,
              "api_app_id": "A0SANDBOX", "trigger_id": sandbox.issue_trigger_id(),
              "response_url": sandbox.new_response_url(channel="C0GENERAL")}
    view = {"id": "V0NOTYPE", "callback_id": "comment", "state": {"values": {}},
            "private_metadata": secret_marker}
    event = {"token": VERIFICATION_TOKEN, "team_id": sandbox.team_id, "api_app_id": "A0SANDBOX",
             "type": "event_callback", "event_id": "Ev0MALFORMED", "event_time": 1}
    malformed = {
        "view without a type": _payload({**sender, "type": "view_submission", "view": view}),
        "workflow_step view without its step": _payload(
            {**sender, "type": "view_submission", "view": {**view, "type": "workflow_step"}}),
        "view a string": _payload({**sender, "type": "view_submission", "view": "xyz"}),
        "closed view a string": _payload({**sender, "type": "view_closed", "view": "xyz"}),
        "no actions": _payload({**sender, "type": "block_actions", "actions": []}),
        "an action that is a number": _payload(
            {**sender, "type": "block_actions", "actions": [5]}),
        "an action without an id": _payload({**sender, "type": "block_actions",
                                             "actions": [{"value": secret_marker}]}),
        "deep nesting": _payload("[" * DEEP + "]" * DEEP),
        "not json": _payload("{" + secret_marker),
        "a list, not an object": _payload([secret_marker]),
        "an event that is a list": json.dumps({**event, "event": []}).encode(),
        "an event that is a number": json.dumps({**event, "event": 5}).encode(),
        "authorizations a number": json.dumps(
            {**event, "event": {"type": "app_home_opened", "user": STAFF, "tab": "home"},
             "authorizations": 5}).encode(),
    }

    for kind, body in malformed.items():
        caplog.clear()
        content_type = ("application/json" if body.startswith(b"{")
                        else "application/x-www-form-urlencoded")

        reply = slack.post_raw(body, content_type=content_type)

        assert (reply.status, reply.text) == (400, "malformed Slack payload"), kind
        [line] = _logged(caplog)
        assert line.levelno == logging.WARNING, (kind, line.getMessage())
        assert "not shaped like Slack's" in line.getMessage(), (kind, line.getMessage())
        assert line.exc_info is None, kind
        for secret in (secret_marker, VERIFICATION_TOKEN, SIGNING_SECRET, sandbox.bot_token,
                       "response_url", "V0NOTYPE"):
            assert secret not in line.getMessage(), (kind, line.getMessage())
    assert len(sandbox.calls()) == calls_before
