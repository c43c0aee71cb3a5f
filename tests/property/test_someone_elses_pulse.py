"""A click on another person's pulse: refused plainly, nothing stored, their message untouched.

The intruder is a customer with a pulse of their own, replaying the victim's delivery id and
message ts: a score, "Add a comment", the comment modal's submission and "Stop these surveys".
"""

from __future__ import annotations

from bot.core import ids
from tests.conftest import CUSTOMERS, SendPulse
from tests.integration.helpers import click_score, deliveries, pulse_message
from tests.property.harness import HostileBot, Outcome, assert_refused_and_unchanged
from tests.property.payloads import block_action, text_state, user_field, view_submission

VICTIM, INTRUDER = CUSTOMERS[0], CUSTOMERS[1]
NOT_YOURS = "sent to someone else"


def test_every_action_on_someone_elses_pulse_is_refused(
    hostile: HostileBot, send_pulse: SendPulse
) -> None:
    sandbox = hostile.sandbox
    send_pulse()
    click_score(sandbox, hostile.slack, VICTIM, 9)  # the victim answered: a comment is allowed
    hostile.listeners.settle()
    message = pulse_message(sandbox, VICTIM)
    [victims] = [d.id for d in deliveries(hostile.engine)
                 if d.channel_id == sandbox.dm_channel(VICTIM)]

    def press(action_id: str, value: str) -> Outcome:
        return hostile.interaction(block_action(
            sandbox, user=user_field(INTRUDER), team={"id": sandbox.team_id},
            action_id=action_id, value=value, message=message))

    attempts = {
        "score": press(ids.score_action_id("nps", 0), f"{victims}:nps:0"),
        "add a comment": press(ids.COMMENT_ACTION, str(victims)),
        "stop these surveys": press(ids.OPT_OUT_ACTION, str(victims)),
        "comment submitted": hostile.interaction(view_submission(
            sandbox, user=user_field(INTRUDER), callback_id=ids.COMMENT_MODAL,
            metadata=str(victims),
            values=text_state(ids.COMMENT_BLOCK, ids.COMMENT_INPUT, "written for them"))),
    }

    for what, outcome in attempts.items():
        assert_refused_and_unchanged(hostile, outcome)
        assert NOT_YOURS in outcome.refusal(), (what, outcome.refusal())
        # The victim's message is not edited and no modal opens on the intruder's screen.
        assert not [call.method for call in outcome.calls
                    if call.method in ("chat.update", "views.open", "chat.postMessage")], what
    assert pulse_message(sandbox, VICTIM) == message
