"""Slack-shaped interaction payloads with hostile values where the bot reads them."""

from __future__ import annotations

import time
from typing import Any

from hypothesis import strategies as st

from bot.core import ids
from bot.sandbox.slack_api import SlackSandbox
from tests.property.strategies import hostile_text, huge_text

scalar = st.one_of(
    st.none(), st.booleans(), st.integers(), st.integers(min_value=2**31),
    st.floats(allow_nan=True, allow_infinity=True), hostile_text(), huge_text,
    st.sampled_from(("", " ", "1", "-1", "0", "1e3", " 1 ", "²", "٣", "99999999999999999999",
                     "1:nps:10", "1:nps:99", "1:csat:0", "1:xyz:1", "1:nps", "1:nps:10:x",
                     "99999999999999999999:nps:5", "-5:nps:5", "1:NPS:5", "1: nps:5")),
)
# Numbers as strings, lists where dicts belong, null: what a garbled or forged payload holds.
junk = st.recursive(scalar, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=8), inner, max_size=3)),
    max_leaves=6)


def user_field(user_id: str) -> dict[str, Any]:
    return {"id": user_id, "username": user_id.lower(), "name": user_id.lower(),
            "team_id": "T0SANDBOX"}


def block_action(sandbox: SlackSandbox, *, user: Any, team: Any, action_id: Any, value: Any,
                 message: dict[str, Any] | None) -> dict[str, Any]:
    """A button click on `message` (a DM the sandbox holds), or in App Home when None."""
    payload: dict[str, Any] = {
        "type": "block_actions", "user": user, "team": team, "api_app_id": "A0SANDBOX",
        "token": "x", "trigger_id": sandbox.issue_trigger_id(),
        "actions": [{"action_id": action_id, "block_id": "b", "value": value, "type": "button",
                     "action_ts": f"{time.time():.6f}"}],
    }
    if message is None:
        return payload | {"container": {"type": "view", "view_id": "V0HOME"},
                          "view": {"id": "V0HOME", "type": "home", "blocks": []}}
    channel, ts = message["channel"], message["ts"]
    return payload | {
        "container": {"type": "message", "message_ts": ts, "channel_id": channel,
                      "is_ephemeral": False},
        "channel": {"id": channel}, "message": {"ts": ts, "text": message.get("text", "")},
        "response_url": sandbox.new_response_url(channel=channel, ts=ts),
    }


def view_submission(sandbox: SlackSandbox, *, user: Any, callback_id: str, metadata: Any,
                    values: Any) -> dict[str, Any]:
    return {
        "type": "view_submission", "user": user, "team": {"id": sandbox.team_id},
        "api_app_id": "A0SANDBOX", "token": "x", "trigger_id": sandbox.issue_trigger_id(),
        "view": {"id": "V0MODAL", "type": "modal", "callback_id": callback_id,
                 "private_metadata": metadata, "blocks": [], "state": {"values": values}},
        "response_urls": [],
    }


def text_state(block_id: str, action_id: str, value: Any) -> dict[str, Any]:
    """view.state.values with one plain_text_input holding `value`."""
    return {block_id: {action_id: {"type": "plain_text_input", "value": value}}}


# Every button on a pulse, App Home or an alert, as registered in bot/listeners.
PULSE_BUTTONS = (ids.score_action_id("nps", 7), ids.COMMENT_ACTION, ids.OPT_OUT_ACTION)
OTHER_BUTTONS = (ids.HOME_OPT_OUT_ACTION, ids.HOME_OPT_IN_ACTION, ids.NEW_PULSE_ACTION,
                 ids.FOLLOW_UP_OWN_ACTION, ids.FOLLOW_UP_REPLY_ACTION,
                 ids.FOLLOW_UP_RESOLVE_ACTION)
MODALS = (ids.COMMENT_MODAL, ids.NEW_PULSE_MODAL, ids.FOLLOW_UP_REPLY_MODAL,
          ids.FOLLOW_UP_RESOLVE_MODAL)
