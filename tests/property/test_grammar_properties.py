"""Any text after /engagement parses to a valid command or to a usage error that is safe to show.

Pure functions, so many examples: the parsers and the help message they lead to.
"""

from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from bot.app.grammar import parse_engagement
from bot.benchmarks.grammar import SETTINGS_COMMANDS
from bot.digests.grammar import DigestCommand
from bot.pulses.grammar import PulseCommand
from bot.reporting.blocks import mistake_message
from bot.reporting.grammar import MAX_DAYS, MAX_THEME_LENGTH, EngagementQuery, UsageError
from tests.property.markup import markup_problems, mrkdwn_texts
from tests.property.strategies import any_text, hostile_text, huge_text

many = settings(max_examples=200, deadline=None)


def _words(text: str) -> set[str]:
    return {word for word in text.split()} | {word.lower() for word in text.split()}


def _check_parsed(parsed: object) -> None:
    if isinstance(parsed, EngagementQuery):
        if parsed.period.days is not None:
            assert 1 <= parsed.period.days <= MAX_DAYS
        if parsed.theme is not None:
            assert len(parsed.theme) <= MAX_THEME_LENGTH
            assert not set(parsed.theme) & set("<>&@`*")
        if parsed.attribute is not None:
            assert parsed.attribute.isascii()
            assert parsed.attribute.replace("_", "").isalnum()
    elif isinstance(parsed, PulseCommand):
        assert parsed.name is None or parsed.name.strip() == parsed.name != ""
    elif isinstance(parsed, DigestCommand):
        assert parsed.number is None or parsed.number >= 0
    else:
        assert isinstance(parsed, SETTINGS_COMMANDS)


def _parsed_or_mistake(text: str) -> object:
    try:
        return parse_engagement(text)
    except UsageError as mistake:
        return mistake


def _check_text(text: str) -> None:
    parsed = _parsed_or_mistake(text)
    if not isinstance(parsed, UsageError):
        _check_parsed(parsed)
        return
    # It names the word it stumbled on, taken from what was typed.
    assert parsed.mistake.strip()
    assert set(parsed.mistake.split()) <= _words(text), (parsed.mistake, text)
    message = mistake_message(parsed.mistake, str(parsed), parsed.suggestion)
    shown = {"text": message.text, "blocks": [block.to_dict() for block in message.blocks]}
    assert markup_problems(mrkdwn_texts(shown), user_texts=[text]) == []
    # Bounded however long the input: to_dict() above holds the blocks to Slack's limits.
    assert len(message.text) < 1000


@many
@given(hostile_text())
@example("pulse pause <!channel>")
@example("<!here> nps")
@example("comments <https://evil|click>")
@example("digest subscribe <@U123>")
@example("benchmark add nps 62 <!channel> source:<!here>")
@example("x & y")
@example("digest stop ²")  # a digit to str.isdigit(), not to int()
@example("digest stop 99999999999999999999999")
def test_any_command_text_parses_or_says_plainly_what_is_wrong(text: str) -> None:
    _check_text(text)


@settings(max_examples=50, deadline=None)
@given(st.one_of(any_text, huge_text))
@example("<@U123>" * 2000)  # one 14,000-character word: once past Slack's 3,000 in the reply
@example("&" * 5000)
def test_raw_unicode_and_huge_text_never_break_the_parser(text: str) -> None:
    _check_text(text)


@pytest.mark.soak
@settings(max_examples=5_000, deadline=None)
@given(st.one_of(hostile_text(max_pieces=20), any_text, huge_text))
def test_soak_any_command_text(text: str) -> None:
    _check_text(text)
