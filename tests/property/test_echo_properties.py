"""Customer comments of any text, echoed wherever the bot shows them, stay inert.

A comment goes in through the real modal (signed view_submission); it then appears in the
detractor alert, /engagement comments, the App Home and the digest, each checked for live
mentions, links and unescaped characters. Past the modal's limit it is refused and not stored.
"""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import example, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from bot.answers.comment_modal import COMMENT_MAX_LENGTH
from bot.core import ids
from bot.core.services import Services
from bot.digests.poster import post_due_digests
from bot.slack.client import create_web_client
from tests.conftest import CUSTOMERS, STAFF, FakeClock, SendPulse
from tests.integration.helpers import click_score, responses
from tests.property.conftest import ADMIN, over_http
from tests.property.harness import HostileBot, Outcome, assert_refused_and_unchanged
from tests.property.payloads import text_state, user_field, view_submission
from tests.property.strategies import INJECTIONS, hostile_text, huge_text

DETRACTOR = CUSTOMERS[0]
MONDAY = datetime(2026, 11, 23, 9, 5, tzinfo=UTC)  # the fixture clock starts Friday 20th


def _submit_comment(hostile: HostileBot, delivery_id: int, text: str) -> Outcome:
    return hostile.interaction(view_submission(
        hostile.sandbox, user=user_field(DETRACTOR), callback_id=ids.COMMENT_MODAL,
        metadata=str(delivery_id), values=text_state(ids.COMMENT_BLOCK, ids.COMMENT_INPUT, text)))


def _home_opened(hostile: HostileBot, user_id: str, number: int) -> Outcome:
    import json

    envelope = {"token": "x", "team_id": hostile.sandbox.team_id, "api_app_id": "A0SANDBOX",
                "type": "event_callback", "event_id": f"Ev0HOME{number}", "event_time": 1,
                "event": {"type": "app_home_opened", "user": user_id, "channel": "D0X",
                          "tab": "home"}}
    return hostile.post(json.dumps(envelope).encode(), content_type="application/json")


def test_any_comment_is_stored_within_limits_or_refused_and_always_shown_inert(
    hostile: HostileBot, send_pulse: SendPulse, services: Services, clock: FakeClock
) -> None:
    sandbox = hostile.sandbox
    send_pulse()
    # Five answers, so reports and the digest quote comments (the anonymity minimum is five).
    for user_id, score in zip(CUSTOMERS, (0, 9, 10, 7, 3), strict=True):
        click_score(sandbox, hostile.slack, user_id, score)
    hostile.listeners.settle()
    [delivery_id] = [r.delivery_id for r in responses(hostile.engine)
                     if r.score == 0 and r.delivery_id is not None]
    seen = iter(range(10**6))

    # Four round trips per example (submit, two reports, the Home): fewer examples.
    @hypothesis_settings(over_http, max_examples=8)
    @given(text=hostile_text() | huge_text | st.sampled_from(INJECTIONS))
    @example(text="<!channel> & <@U123> *bold* <https://evil.example|click> > not a quote")
    @example(text="x" * 10_000)
    @example(text="nul\x00inside")  # PostgreSQL text cannot hold it
    @example(text="x" * COMMENT_MAX_LENGTH)
    def commented(text: str) -> None:
        outcome = _submit_comment(hostile, delivery_id, text)
        written = text.replace("\x00", "").strip()  # the bot drops NUL, which PostgreSQL refuses
        if not written or len(written) > COMMENT_MAX_LENGTH:
            assert_refused_and_unchanged(hostile, outcome, text)
            assert outcome.body()["response_action"] == "errors"
            assert outcome.refusal().startswith("Please"), outcome.refusal()
            return
        assert outcome.reply.status == 200
        assert outcome.errors == []
        [stored] = [r.comment for r in responses(hostile.engine) if r.delivery_id == delivery_id]
        assert stored == written
        shown = [outcome,  # the pulse message edited and the alert republished
                 hostile.command(STAFF, "comments"),
                 hostile.command(STAFF, "comments negative"),
                 _home_opened(hostile, STAFF, next(seen))]
        for echo in shown:
            assert echo.errors == []
            assert hostile.markup_problems(echo, text) == []
        if text.startswith("<!channel> &"):  # the example: shown, escaped, in alert and report
            assert "&lt;!channel&gt;" in shown[0].said()
            assert "&lt;!channel&gt;" in shown[1].said()

    commented()

    # The digest quotes the latest comments too.
    outcome = hostile.command(ADMIN, "digest subscribe weekly 09:00 UTC")
    assert outcome.changed, outcome.refusal()
    clock.now = MONDAY
    calls = len(sandbox.calls())
    assert post_due_digests(services, create_web_client(services.settings)) == 1
    typed = [r.comment for r in responses(hostile.engine) if r.comment]
    digest = Outcome(outcome.reply, sandbox.calls()[calls:], {}, [])
    assert hostile.markup_problems(digest, *typed) == []
