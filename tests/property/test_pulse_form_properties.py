"""An admin's "New pulse" modal with hostile values in any field: a field error, or a pulse.

Slack checks little in a modal (a number_input still arrives as a string; a forged payload can
hold anything): every field replaced by junk, at any depth, is answered on the form and stores
nothing, unless it happens to make a valid pulse.
"""

from __future__ import annotations

from typing import Any

from hypothesis import example, given
from hypothesis import strategies as st

from bot.core import ids
from tests.conftest import CUSTOMERS, SendPulse
from tests.property.conftest import ADMIN, over_http
from tests.property.harness import HostileBot, assert_refused_and_unchanged
from tests.property.payloads import junk, user_field, view_submission
from tests.property.strategies import hostile_text

FIELD_KEYS = {  # where each input keeps its answer in view.state.values (as Slack sends it)
    "name": "value", "metric": "selected_option", "question": "value", "csat_question": "value",
    "users": "selected_users", "channel": "selected_conversation", "usergroup": "value",
    "customers": "selected_options", "segment": "value",
    "post_channel": "selected_conversation", "schedule": "value", "timezone": "value",
    "local_time": "selected_time", "remind_after_hours": "value", "close_after_days": "value",
    "min_interval_days": "value", "anonymous": "selected_options",
}
VALID = {"name": "weekly-nps", "metric": {"value": "nps"}, "users": [CUSTOMERS[0]],
         "schedule": "weekly", "timezone": "Europe/Paris"}


def _state(answers: dict[str, Any]) -> dict[str, Any]:
    block = ids.PULSE_FIELD_BLOCKS
    return {block[name]: {block[name]: {"type": "x", FIELD_KEYS[name]: answer}}
            for name, answer in answers.items()}


@st.composite
def hostile_form(draw: st.DrawFn) -> dict[str, Any]:
    """A valid form with one to three fields garbled: the answer, its wrapper or its block."""
    state = _state(VALID)
    for name in draw(st.lists(st.sampled_from(sorted(FIELD_KEYS)), min_size=1, max_size=3)):
        block = ids.PULSE_FIELD_BLOCKS[name]
        value = draw(st.one_of(junk, hostile_text()))
        depth = draw(st.sampled_from(("answer", "wrapper", "block")))
        if depth == "answer":
            state[block] = {block: {"type": "x", FIELD_KEYS[name]: value}}
        elif depth == "wrapper":
            state[block] = {block: value}
        else:
            state[block] = value
    return state


def test_an_admins_garbled_new_pulse_form_is_refused_on_the_form(
    hostile: HostileBot, send_pulse: SendPulse
) -> None:
    send_pulse()  # "nps-pulse" exists, to collide with

    @over_http
    @given(values=hostile_form())
    @example(values=_state(VALID | {"name": "<!channel>"}))
    @example(values=_state(VALID | {"name": "nps-pulse"}))
    @example(values=_state(VALID | {"close_after_days": "99999999999999999999"}))
    @example(values=_state(VALID | {"remind_after_hours": "99999999999999999999"}))
    @example(values=_state(VALID | {"min_interval_days": "-1"}))
    @example(values=_state(VALID | {"metric": "nps"}))
    @example(values=_state(VALID | {"schedule": "<!here> * * * *"}))
    @example(values=_state(VALID | {"timezone": "<!here>"}))
    @example(values=_state(VALID | {"question": "x" * 10_000}))
    @example(values=_state(VALID | {"segment": "<!here>=1", "customers": [{"value": "yes"}]}))
    def submitted(values: dict[str, Any]) -> None:
        outcome = hostile.interaction(view_submission(
            hostile.sandbox, user=user_field(ADMIN), callback_id=ids.NEW_PULSE_MODAL,
            metadata="", values=values))
        assert outcome.reply.status == 200, outcome.reply.text[:300]
        assert outcome.errors == []
        assert hostile.markup_problems(outcome, str(values)) == []
        if outcome.changed:  # junk that still makes a valid pulse: created and confirmed
            assert outcome.body() == {}
            return
        assert_refused_and_unchanged(hostile, outcome, str(values))
        errors = outcome.body()["errors"]
        assert set(errors) <= set(ids.PULSE_FIELD_BLOCKS.values())
        assert all(str(error).strip() for error in errors.values())

    submitted()
