"""/engagement over signed HTTP with any text: a clear answer, no failure, no live user markup."""

from __future__ import annotations

import pytest
from hypothesis import example, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from bot.app.grammar import parse_engagement
from bot.reporting.grammar import UsageError
from tests.conftest import CUSTOMERS, STAFF, SendPulse
from tests.property.conftest import ADMIN, over_http, soak_over_http
from tests.property.harness import HostileBot, assert_refused_and_unchanged
from tests.property.strategies import hostile_text, huge_text


def _parses(text: str) -> bool:
    try:
        parse_engagement(text)
    except UsageError:
        return False
    return True


def test_anyone_but_an_admin_changes_nothing_whatever_they_type(
    hostile: HostileBot, send_pulse: SendPulse
) -> None:
    _anyone_but_an_admin(hostile, send_pulse, over_http)


@pytest.mark.soak
def test_soak_anyone_but_an_admin(hostile: HostileBot, send_pulse: SendPulse) -> None:
    _anyone_but_an_admin(hostile, send_pulse, soak_over_http)


def _anyone_but_an_admin(hostile: HostileBot, send_pulse: SendPulse,
                         examples: hypothesis_settings) -> None:
    send_pulse()

    @examples
    @given(text=hostile_text() | huge_text)
    @example(text="pulse delete nps-pulse")
    @example(text="digest subscribe <!channel>")
    @example(text="benchmark add nps 62 <!here> source:<https://evil|click>")
    @example(text="target nps 101")
    def typed_by_staff_and_customers(text: str) -> None:
        for user_id in (STAFF, CUSTOMERS[0]):
            outcome = hostile.command(user_id, text)
            assert_refused_and_unchanged(hostile, outcome, text)
            assert outcome.refusal().strip()

    typed_by_staff_and_customers()


def test_an_admins_mistakes_change_nothing_and_their_text_stays_inert(
    hostile: HostileBot, send_pulse: SendPulse
) -> None:
    send_pulse()

    @over_http
    @given(text=hostile_text() | huge_text)
    @example(text="pulse pause <!channel>")
    @example(text="pulse send <@U123> & co")
    @example(text="digest subscribe pulse:<!here>")
    @example(text="digest subscribe segment:<!channel>=x")
    @example(text="digest stop 99999999999999999999999")
    @example(text="digest stop ²")
    @example(text="digest subscribe ٠٩:٠٠")
    @example(text="digest subscribe 99:99 Mars/Olympus")
    @example(text="benchmark add nps 62 Acme year:²")
    @example(text="benchmark add nps ² Acme")
    @example(text="benchmark remove ²")
    @example(text="target nps ²")
    @example(text="set industry <!here>")
    @example(text="benchmark remove <!channel>")
    @example(text="target <!here> 50")
    def typed_by_an_admin(text: str) -> None:
        outcome = hostile.command(ADMIN, text)
        assert outcome.reply.status == 200
        assert outcome.errors == []
        assert hostile.markup_problems(outcome, text) == []
        assert outcome.refusal().strip() or outcome.calls
        if not _parses(text):
            assert outcome.changed == {}

    typed_by_an_admin()


def test_a_command_from_a_garbled_sender_is_answered_and_changes_nothing(
    hostile: HostileBot, send_pulse: SendPulse
) -> None:
    """user_id, team_id and channel_id as no Slack would send them; the text an admin's."""
    send_pulse()

    @over_http
    @given(user_id=hostile_text(), team_id=hostile_text(), channel_id=hostile_text(),
           text=st.sampled_from(("", "pulse pause nps-pulse", "digest subscribe",
                                 "target nps 50", "comments", "pulse list")))
    @example(user_id="", team_id="", channel_id="", text="pulse delete nps-pulse")
    def sent(user_id: str, team_id: str, channel_id: str, text: str) -> None:
        outcome = hostile.command(user_id, text, team_id=team_id, channel_id=channel_id)
        assert_refused_and_unchanged(hostile, outcome, user_id, team_id, channel_id)
        assert outcome.refusal().strip()

    sent()
