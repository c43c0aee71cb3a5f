"""Every payload handler over signed HTTP with hostile fields: a clear answer, nothing changed.

Examples are round trips through the bot, so few per handler; each example must leave the shared
database as it found it, which is what the properties assert.
"""

from __future__ import annotations

from typing import Any

from hypothesis import example, given
from hypothesis import strategies as st

from bot.core import ids
from tests.conftest import CUSTOMERS, STAFF, SendPulse
from tests.integration.helpers import deliveries, pulse_message
from tests.property.conftest import over_http
from tests.property.harness import HostileBot, Outcome, assert_refused_and_unchanged
from tests.property.payloads import (
    MODALS,
    OTHER_BUTTONS,
    PULSE_BUTTONS,
    block_action,
    junk,
    text_state,
    user_field,
    view_submission,
)
from tests.property.strategies import hostile_text

VICTIM = CUSTOMERS[0]
SHAPE_REFUSED = 400  # a payload Bolt cannot read at all (a "user" that is not an object...)
# Someone who was sent nothing, or a user object Slack never sends.
intruder = st.one_of(st.just(user_field(STAFF)), st.builds(lambda i: {"id": i}, junk), junk)
team = st.one_of(st.just({"id": "T0SANDBOX"}), junk)


def _delivery_of(hostile: HostileBot, user_id: str) -> int:
    [delivery] = [d.id for d in deliveries(hostile.engine)
                  if d.channel_id == hostile.sandbox.dm_channel(user_id)]
    assert delivery is not None
    return delivery


def _answered_plainly(outcome: Outcome) -> None:
    if outcome.reply.status == SHAPE_REFUSED:
        assert outcome.calls == []
    else:
        assert outcome.refusal().strip(), outcome.calls


def test_pulse_buttons_pressed_by_anyone_else_with_any_value_change_nothing(
    hostile: HostileBot, send_pulse: SendPulse
) -> None:
    send_pulse()
    message = pulse_message(hostile.sandbox, VICTIM)
    delivery = _delivery_of(hostile, VICTIM)
    valid = {ids.score_action_id("nps", 0): f"{delivery}:nps:0",
             ids.COMMENT_ACTION: str(delivery), ids.OPT_OUT_ACTION: str(delivery)}

    @over_http
    @given(action_id=st.sampled_from(PULSE_BUTTONS), user=intruder, team=team,
           value=st.one_of(junk, st.sampled_from(sorted(valid.values()))))
    @example(action_id=ids.score_action_id("nps", 0), user=user_field(STAFF),
             team={"id": "T0SANDBOX"}, value=valid[ids.score_action_id("nps", 0)])
    @example(action_id=ids.COMMENT_ACTION, user=user_field(CUSTOMERS[1]),
             team={"id": "T0SANDBOX"}, value=valid[ids.COMMENT_ACTION])
    @example(action_id=ids.OPT_OUT_ACTION, user=user_field(CUSTOMERS[1]),
             team={"id": "T0SANDBOX"}, value=valid[ids.OPT_OUT_ACTION])
    def pressed(action_id: str, user: Any, team: Any, value: Any) -> None:
        outcome = hostile.interaction(block_action(
            hostile.sandbox, user=user, team=team, action_id=action_id, value=value,
            message=message))
        assert_refused_and_unchanged(hostile, outcome, statuses=(200, SHAPE_REFUSED))
        _answered_plainly(outcome)
        assert not [call for call in outcome.calls if call.method in ("chat.update", "views.open")]

    pressed()


def test_the_recipients_own_buttons_with_garbled_values_change_nothing(
    hostile: HostileBot, send_pulse: SendPulse
) -> None:
    send_pulse()
    message = pulse_message(hostile.sandbox, VICTIM)
    delivery = _delivery_of(hostile, VICTIM)
    real_answers = {f"{delivery}:nps:{score}" for score in range(11)} | {str(delivery)}

    @over_http
    @given(action_id=st.sampled_from(PULSE_BUTTONS), value=junk)
    @example(action_id=ids.score_action_id("nps", 7), value="99999999999999999999:nps:5")
    @example(action_id=ids.COMMENT_ACTION, value="99999999999999999999")
    @example(action_id=ids.OPT_OUT_ACTION, value="99999999999999999999")
    @example(action_id=ids.score_action_id("nps", 7), value="1:nps:99")
    @example(action_id=ids.score_action_id("nps", 7), value="1:csat:3")
    def pressed(action_id: str, value: Any) -> None:
        if str(value) in real_answers:
            return  # a real answer, not garbage
        outcome = hostile.interaction(block_action(
            hostile.sandbox, user=user_field(VICTIM), team={"id": "T0SANDBOX"},
            action_id=action_id, value=value, message=message))
        assert_refused_and_unchanged(hostile, outcome)
        _answered_plainly(outcome)

    pressed()


def test_other_buttons_with_hostile_fields_answer_and_change_nothing(
    hostile: HostileBot, send_pulse: SendPulse
) -> None:
    send_pulse()
    message = pulse_message(hostile.sandbox, VICTIM)

    @over_http
    @given(action_id=st.one_of(st.sampled_from(OTHER_BUTTONS), hostile_text()),
           user=intruder, team=team, value=junk, in_home=st.booleans())
    def pressed(action_id: str, user: Any, team: Any, value: Any, in_home: bool) -> None:
        outcome = hostile.interaction(block_action(
            hostile.sandbox, user=user, team=team, action_id=action_id, value=value,
            message=None if in_home else message))
        known = action_id in OTHER_BUTTONS
        assert_refused_and_unchanged(hostile, outcome,
                                    statuses=(200, SHAPE_REFUSED) if known else (200, 400, 404))
        assert not [call for call in outcome.calls if call.method == "views.open"]

    pressed()


def test_modal_submissions_with_hostile_fields_are_refused_on_the_form(
    hostile: HostileBot, send_pulse: SendPulse
) -> None:
    send_pulse()

    @over_http
    @given(callback_id=st.sampled_from(MODALS), user=intruder,
           metadata=st.one_of(junk, st.just("1")),
           values=st.one_of(junk, st.builds(text_state, st.sampled_from(
               (ids.COMMENT_BLOCK, ids.FOLLOW_UP_TEXT_BLOCK)), st.sampled_from(
               (ids.COMMENT_INPUT, ids.FOLLOW_UP_TEXT_INPUT)), junk)))
    def submitted(callback_id: str, user: Any, metadata: Any, values: Any) -> None:
        outcome = hostile.interaction(view_submission(
            hostile.sandbox, user=user, callback_id=callback_id, metadata=metadata,
            values=values))
        assert_refused_and_unchanged(hostile, outcome, statuses=(200, SHAPE_REFUSED))
        if outcome.reply.status == SHAPE_REFUSED:
            return
        body = outcome.body()
        assert body.get("response_action") == "errors", outcome.reply.text[:300]
        assert all(str(error).strip() for error in body["errors"].values())

    submitted()


def test_app_home_opened_with_hostile_fields_answers_and_changes_nothing(
    hostile: HostileBot, send_pulse: SendPulse
) -> None:
    send_pulse()

    @over_http
    @given(user=junk, tab=st.one_of(st.just("home"), junk))
    def opened(user: Any, tab: Any) -> None:
        import json
        event = {"type": "app_home_opened", "user": user, "channel": "D0X", "tab": tab}
        envelope = {"token": "x", "team_id": hostile.sandbox.team_id, "api_app_id": "A0SANDBOX",
                    "event": event, "type": "event_callback", "event_id": "Ev" + str(id(event)),
                    "event_time": 1}
        outcome = hostile.post(json.dumps(envelope).encode(), content_type="application/json")
        assert_refused_and_unchanged(hostile, outcome, statuses=(200, SHAPE_REFUSED))

    opened()
