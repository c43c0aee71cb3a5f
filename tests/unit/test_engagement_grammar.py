from __future__ import annotations

import pytest

from bot.engagement_grammar import (
    EngagementQuery,
    PulseAction,
    PulseCommand,
    QueryKind,
    UsageError,
    parse_engagement,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", EngagementQuery()),
        ("   ", EngagementQuery()),
        ("overview", EngagementQuery(QueryKind.OVERVIEW, 90)),
        ("comments", EngagementQuery(QueryKind.COMMENTS, 90)),
        ("COMMENTS 30d", EngagementQuery(QueryKind.COMMENTS, 30)),
        ("7d", EngagementQuery(QueryKind.OVERVIEW, 7)),
        ("30d comments", EngagementQuery(QueryKind.COMMENTS, 30)),
        ("help", EngagementQuery(QueryKind.HELP, 90)),
    ],
)
def test_parses_what_the_help_promises(text: str, expected: EngagementQuery) -> None:
    assert parse_engagement(text) == expected


@pytest.mark.parametrize(
    ("text", "mistake"),
    [
        ("npx", "npx"),
        ("comments comments", "comments"),
        ("0d", "0d"),
        ("9999d", "9999d"),
        ("30d 7d", "7d"),
        ("comments <!channel>", "<!channel>"),
    ],
)
def test_a_mistake_names_the_word(text: str, mistake: str) -> None:
    with pytest.raises(UsageError) as raised:
        parse_engagement(text)
    assert raised.value.mistake == mistake


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("pulse list", PulseCommand(PulseAction.LIST)),
        ("PULSE new", PulseCommand(PulseAction.NEW)),
        ("pulse send Q4 NPS", PulseCommand(PulseAction.SEND, "Q4 NPS")),
        ("pulse pause weekly", PulseCommand(PulseAction.PAUSE, "weekly")),
        ("pulse delete x", PulseCommand(PulseAction.DELETE, "x")),
    ],
)
def test_admin_pulse_subcommands_keep_the_names_case(text: str, expected: PulseCommand) -> None:
    assert parse_engagement(text) == expected


@pytest.mark.parametrize(
    ("text", "mistake"),
    [("pulse", "pulse"), ("pulse fly", "fly"), ("pulse send", "send"), ("pulse list x", "x")],
)
def test_admin_subcommand_mistakes(text: str, mistake: str) -> None:
    with pytest.raises(UsageError) as raised:
        parse_engagement(text)
    assert raised.value.mistake == mistake
